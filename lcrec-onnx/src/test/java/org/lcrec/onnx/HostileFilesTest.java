package org.lcrec.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lcrec.core.MalformedFileException;
import org.lcrec.onnx.runtime.InferenceSession;
import org.lcrec.onnx.runtime.SessionConfig;

/** Crafted model and weight files that point outside their directory or lie about their sizes. */
class HostileFilesTest {
    @TempDir Path tmp;

    /**
     * A linear model in {@code tmp/m/lin.onnx} whose external-data {@code location} is {@code
     * location}: exported with a placeholder file name of the same length, then the name is
     * replaced byte for byte in the serialized model.
     */
    private Path modelWithLocation(String location) throws Exception {
        GraphBuilder g = new GraphBuilder("lin");
        Tensor x = g.input("x", DType.FLOAT, Dim.dim("batch"), 3);
        Tensor w = g.frozenParameter("proj.weight", Init.constant(0.25f), 3, 2);
        g.output("y", g.matMul(x, w));
        Graph graph = g.build();
        Path dir = Files.createDirectories(tmp.resolve("m"));
        String placeholder = "q".repeat(location.length());
        Path model = dir.resolve("lin.onnx");
        OnnxExport.builder()
                .parameterValues(ParameterStore.initialize(graph, 1))
                .externalData(dir.resolve(placeholder), 0)
                .build()
                .save(graph, model);
        byte[] bytes = Files.readAllBytes(model);
        byte[] from = placeholder.getBytes(StandardCharsets.UTF_8);
        byte[] to = location.getBytes(StandardCharsets.UTF_8);
        int at = indexOf(bytes, from);
        assertThat(at).isNotNegative();
        assertThat(indexOf(java.util.Arrays.copyOfRange(bytes, at + 1, bytes.length), from))
                .isNegative();
        System.arraycopy(to, 0, bytes, at, to.length);
        Files.write(model, bytes);
        // the data the hostile location points at exists, so that following it would succeed
        Path target = dir.resolve(location).normalize();
        if (!location.startsWith("/")) {
            Files.createDirectories(target.getParent());
            Files.copy(dir.resolve(placeholder), target);
        }
        return model;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void externalDataOutsideTheModelDirectoryIsRefused() throws Exception {
        for (String location : new String[] {"../x/model.data", "/etc/passwd"}) {
            Path model = modelWithLocation(location);
            assertThatThrownBy(() -> OnnxModel.read(model))
                    .as(location)
                    .isInstanceOf(MalformedFileException.class)
                    .hasMessageContaining(model.toString())
                    .hasMessageContaining("'proj.weight'")
                    .hasMessageContaining("location")
                    .hasMessageContaining("'" + location + "'")
                    .hasMessageContaining("expected a file inside " + model.getParent());
            assertThatThrownBy(() -> InferenceSession.open(model, SessionConfig.cpu()))
                    .as(location)
                    .isInstanceOf(MalformedFileException.class)
                    .hasMessageContaining("'proj.weight'")
                    .hasMessageContaining("'" + location + "'");
            Files.walk(tmp)
                    .sorted(java.util.Comparator.reverseOrder())
                    .filter(p -> !p.equals(tmp))
                    .forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void missingOrShortExternalDataIsNamedBeforeOnnxRuntimeSeesTheModel() throws Exception {
        Path model = modelWithLocation("lin.data");
        Path data = model.resolveSibling("lin.data");
        // shorter than the 3 x 2 floats the tensor declares
        Files.write(data, java.util.Arrays.copyOf(Files.readAllBytes(data), 20));
        assertThatThrownBy(() -> OnnxModel.read(model))
                .isInstanceOf(MalformedFileException.class)
                .hasMessageContaining(
                        "initialiser 'proj.weight': external_data offset 0 + length 24")
                .hasMessageContaining("expected at most the size of " + data + ", 20 bytes");
        Files.delete(data);
        for (var read :
                java.util.List.<org.assertj.core.api.ThrowableAssert.ThrowingCallable>of(
                        () -> OnnxModel.read(model),
                        () -> InferenceSession.open(model, SessionConfig.cpu()))) {
            assertThatThrownBy(read)
                    .isInstanceOf(MalformedFileException.class)
                    .hasMessageContaining(model + ": tensor 'proj.weight': external_data location")
                    .hasMessageContaining(
                            "expected a file beside the model, found none at " + data);
        }
    }

    @Test
    void externalDataSymlinkedOutsideTheModelDirectoryIsRefused() throws Exception {
        Path model = modelWithLocation("../x/model.data");
        Files.createSymbolicLink(
                model.resolveSibling("link.data......"), tmp.resolve("x/model.data"));
        byte[] bytes = Files.readAllBytes(model);
        byte[] from = "../x/model.data".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(
                "link.data......".getBytes(StandardCharsets.UTF_8),
                0,
                bytes,
                indexOf(bytes, from),
                from.length);
        Files.write(model, bytes);
        assertThatThrownBy(() -> OnnxModel.read(model))
                .isInstanceOf(MalformedFileException.class)
                .hasMessageContaining("'link.data......'")
                .hasMessageContaining("resolves to " + tmp.resolve("x/model.data").toRealPath());
    }

    /** A safetensors file with this header and {@code dataBytes} zero bytes of data. */
    private Path safetensors(String header, int dataBytes) throws Exception {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Path f = tmp.resolve("w.safetensors");
        Files.write(f, b.array());
        return f;
    }

    @Test
    void safetensorsOffsetsShapesAndDtypesAreCheckedBeforeMapping() throws Exception {
        Path negative =
                safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-8,0]}}", 8);
        assertThatThrownBy(() -> Safetensors.read(negative))
                .isInstanceOf(MalformedFileException.class)
                .hasMessageContaining(negative + ": tensor 'a': data_offsets")
                .hasMessageContaining("expected 0 <= start <= end <= 8")
                .hasMessageContaining("found [-8, 0]");
        Path overlap =
                safetensors(
                        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
                        12);
        assertThatThrownBy(() -> Safetensors.read(overlap))
                .isInstanceOf(MalformedFileException.class)
                .hasMessageContaining(
                        "tensor 'b': data_offsets [4, 12): expected to start at 8 where tensor 'a'"
                                + " ends, found an overlap");
        Path size =
                safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8);
        assertThatThrownBy(() -> Safetensors.read(size))
                .isInstanceOf(MalformedFileException.class)
                .hasMessageContaining("tensor 'a'")
                .hasMessageContaining("expected 12 bytes for F32 [3], found 8");
        Path huge =
                safetensors(
                        "{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],"
                                + "\"data_offsets\":[0,8]}}",
                        8);
        assertThatThrownBy(() -> Safetensors.read(huge))
                .isInstanceOf(MalformedFileException.class)
                .hasMessageContaining("tensor 'a': shape")
                .hasMessageContaining("overflows");
        Path noDtype = safetensors("{\"a\":{\"shape\":[2],\"data_offsets\":[0,8]}}", 8);
        assertThatThrownBy(() -> Safetensors.read(noDtype))
                .isInstanceOf(MalformedFileException.class)
                .hasMessageContaining(noDtype + ": tensor 'a': dtype: expected a string")
                .hasMessageContaining("found nothing");
        Path badShape =
                safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8);
        assertThatThrownBy(() -> Safetensors.read(badShape))
                .isInstanceOf(MalformedFileException.class)
                .hasMessageContaining("tensor 'a': shape: expected non-negative integers")
                .hasMessageContaining("found [-2]");
        Path gap =
                safetensors(
                        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[12,16]}}",
                        16);
        assertThatThrownBy(() -> Safetensors.read(gap))
                .isInstanceOf(MalformedFileException.class)
                .hasMessageContaining(
                        "tensor 'b': data_offsets [12, 16): expected to start at 8 where tensor"
                                + " 'a' ends, found a gap");
        Path trailing =
                safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 12);
        assertThatThrownBy(() -> Safetensors.read(trailing))
                .isInstanceOf(MalformedFileException.class)
                .hasMessageContaining(
                        trailing
                                + ": data section: expected 8 bytes (the end of the last tensor),"
                                + " found 12");
        Path notJson = safetensors("{\"a\":", 0);
        assertThatThrownBy(() -> Safetensors.read(notJson))
                .isInstanceOf(MalformedFileException.class)
                .hasMessageContaining(notJson + ": header: expected JSON");
        Path headerTooLong = tmp.resolve("long.safetensors");
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(1000).putLong(0);
        Files.write(headerTooLong, b.array());
        assertThatThrownBy(() -> Safetensors.read(headerTooLong))
                .isInstanceOf(MalformedFileException.class)
                .hasMessageContaining("header length")
                .hasMessageContaining("found 1000");
    }
}
