package org.lcrec.quantization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddingsTest {
    @TempDir Path dir;

    @Test
    void npyRoundTrip() {
        Embeddings e = Embeddings.gaussianClusters(37, 5, 3, 4.0, 1);
        Path f = dir.resolve("x.npy");
        e.writeNpy(f);
        Embeddings back = Embeddings.readNpy(f);
        assertThat(back.rows()).isEqualTo(37);
        assertThat(back.dim()).isEqualTo(5);
        assertThat(back.toArray()).containsExactly(e.toArray());
    }

    @Test
    void writtenHeaderIsWhatNumpyExpects() throws Exception {
        Path f = dir.resolve("h.npy");
        Embeddings.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).writeNpy(f);
        byte[] b = Files.readAllBytes(f);
        int headerLen = (b[8] & 0xff) | (b[9] & 0xff) << 8;
        // numpy aligns the data start to 64 bytes and ends the header with '\n'
        assertThat((10 + headerLen) % 64).isZero();
        assertThat(b[10 + headerLen - 1]).isEqualTo((byte) '\n');
        String header = new String(b, 10, headerLen, StandardCharsets.ISO_8859_1);
        assertThat(header)
                .startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }");
        assertThat(b.length).isEqualTo(10 + headerLen + 6 * 4);
        float first =
                ByteBuffer.wrap(b, 10 + headerLen, 4).order(ByteOrder.LITTLE_ENDIAN).getFloat();
        assertThat(first).isEqualTo(1f);
    }

    @Test
    void readsDoublesAndBigEndian() throws Exception {
        Path f8 = dir.resolve("d.npy");
        Files.write(f8, npy("<f8", "(2, 2)", ByteOrder.LITTLE_ENDIAN, 8, 0.5, -1.25, 3, 4));
        assertThat(Embeddings.readNpy(f8).toArray()).containsExactly(0.5f, -1.25f, 3f, 4f);
        Path be = dir.resolve("b.npy");
        Files.write(be, npy(">f4", "(1, 3)", ByteOrder.BIG_ENDIAN, 4, 7, 8, 9));
        assertThat(Embeddings.readNpy(be).toArray()).containsExactly(7f, 8f, 9f);
    }

    @Test
    void badFilesAndValuesAreRejectedClearly() throws Exception {
        Path nan = dir.resolve("nan.npy");
        Files.write(nan, npy("<f4", "(2, 2)", ByteOrder.LITTLE_ENDIAN, 4, 1, 2, Double.NaN, 4));
        assertThatThrownBy(() -> Embeddings.readNpy(nan))
                .isInstanceOf(QuantizationException.class)
                .hasMessageContaining(
                        "nan.npy: item 1, dimension 0: expected a finite number, found NaN");
        Path oneD = dir.resolve("1d.npy");
        Files.write(oneD, npy("<f4", "(3,)", ByteOrder.LITTLE_ENDIAN, 4, 1, 2, 3));
        assertThatThrownBy(() -> Embeddings.readNpy(oneD))
                .hasMessageContaining("expected a 2-D array [items, dim], found shape [3]");
        Path ints = dir.resolve("i.npy");
        Files.write(ints, npy("<i4", "(1, 1)", ByteOrder.LITTLE_ENDIAN, 4, 0));
        assertThatThrownBy(() -> Embeddings.readNpy(ints))
                .hasMessageContaining("expected dtype <f4, >f4, <f8 or >f8, found <i4");
        Path shortFile = dir.resolve("short.npy");
        Files.write(shortFile, npy("<f4", "(4, 4)", ByteOrder.LITTLE_ENDIAN, 4, 1, 2));
        assertThatThrownBy(() -> Embeddings.readNpy(shortFile))
                .hasMessageContaining("expected 64 data bytes, found 8");
        Path text = dir.resolve("t.npy");
        Files.writeString(text, "hello world");
        assertThatThrownBy(() -> Embeddings.readNpy(text))
                .hasMessageContaining("expected a NumPy .npy file");
        assertThatThrownBy(() -> Embeddings.of(new float[5], 2, 3))
                .hasMessageContaining("expected 2x3 = 6 values, found 5");
    }

    @Test
    void hostileHeadersAreRejectedBeforeAllocating() throws Exception {
        // shape (2147483000, 1) in a tiny file: the declared size is checked against the file
        Path huge = dir.resolve("huge.npy");
        Files.write(huge, npy("<f4", "(2147483000, 1)", ByteOrder.LITTLE_ENDIAN, 4));
        assertThatThrownBy(() -> Embeddings.readNpy(huge))
                .isInstanceOf(QuantizationException.class)
                .hasMessageContaining(huge + ": shape (2147483000, 1) of '<f4'")
                .hasMessageContaining("expected 8589932000 data bytes, found 0");
        Path negative = dir.resolve("neg.npy");
        Files.write(negative, npy("<f4", "(2, -2)", ByteOrder.LITTLE_ENDIAN, 4));
        assertThatThrownBy(() -> Embeddings.readNpy(negative))
                .isInstanceOf(QuantizationException.class)
                .hasMessageContaining(negative + ": shape: expected non-negative integers")
                .hasMessageContaining("found (2, -2)");
        // version 2.0 declaring a 2 GB header in a 16-byte file (negative as an int)
        Path lying = dir.resolve("lying.npy");
        Files.write(
                lying,
                new byte[] {
                    (byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, 0, 0, 0, (byte) 0x80, '{', '}', 0, 0
                });
        assertThatThrownBy(() -> Embeddings.readNpy(lying))
                .isInstanceOf(QuantizationException.class)
                .hasMessageContaining(lying + ": header length: expected at most 4 bytes")
                .hasMessageContaining("found 2147483648");
    }

    private static byte[] npy(String descr, String shape, ByteOrder order, int width, double... v)
            throws Exception {
        String dict =
                "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int pad = (64 - (10 + dict.length() + 1) % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        out.write(header.length() & 0xff);
        out.write(header.length() >>> 8);
        out.write(header.getBytes(StandardCharsets.ISO_8859_1));
        ByteBuffer bb = ByteBuffer.allocate(v.length * width).order(order);
        for (double x : v) {
            if (width == 4) {
                bb.putFloat((float) x);
            } else {
                bb.putDouble(x);
            }
        }
        out.write(bb.array());
        return out.toByteArray();
    }
}
