package org.lcrec.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.lcrec.core.io.AtomicFiles;

/**
 * The Hugging Face safetensors format: an 8-byte little-endian header length, a JSON header {@code
 * {name: {dtype, shape, data_offsets}, "__metadata__": {...}}}, then raw little-endian data. Reads
 * F32, F16, BF16, F64, I64, I32 (floats widen with {@link HostTensor#toFloatArray()}); writes F32
 * (or any {@link HostTensor} dtype). Writes are atomic (temp file, then move).
 */
public final class Safetensors {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Upper bound on the JSON header (the reference implementation uses 100 MB). */
    private static final long MAX_HEADER = 100L << 20;

    private Safetensors() {}

    /**
     * The contents of a safetensors file.
     *
     * @param tensors tensor name → tensor, in file order (unmodifiable)
     * @param metadata the header's {@code __metadata__} (unmodifiable)
     */
    public record Contents(Map<String, HostTensor> tensors, Map<String, String> metadata) {
        /** Copies the maps, keeping their order. */
        public Contents {
            tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
            metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        }
    }

    static String code(DType t) {
        return switch (t) {
            case FLOAT -> "F32";
            case FLOAT16 -> "F16";
            case BFLOAT16 -> "BF16";
            case DOUBLE -> "F64";
            case INT64 -> "I64";
            case INT32 -> "I32";
            case INT8 -> "I8";
            case UINT8 -> "U8";
            case BOOL -> "BOOL";
        };
    }

    static DType dtype(String code, Path file, String name) {
        return switch (code) {
            case "F32" -> DType.FLOAT;
            case "F16" -> DType.FLOAT16;
            case "BF16" -> DType.BFLOAT16;
            case "F64" -> DType.DOUBLE;
            case "I64" -> DType.INT64;
            case "I32" -> DType.INT32;
            case "I8" -> DType.INT8;
            case "U8" -> DType.UINT8;
            case "BOOL" -> DType.BOOL;
            default ->
                    throw new IllegalArgumentException(
                            file
                                    + ": tensor '"
                                    + name
                                    + "': unsupported dtype "
                                    + code
                                    + " (supported: F32, F16, BF16, F64, I64, I32, I8, U8, BOOL)");
        };
    }

    /** Reads a whole file (tensors are memory-mapped slices). */
    public static Contents read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new IllegalArgumentException(
                        file + ": not a safetensors file (" + size + " bytes)");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(lenBuf, 0);
            long hlen = lenBuf.getLong(0);
            if (hlen <= 0 || hlen > MAX_HEADER || 8 + hlen > size) {
                throw new IllegalArgumentException(
                        file + ": invalid safetensors header length " + hlen);
            }
            ByteBuffer hb = ByteBuffer.allocate((int) hlen);
            ch.read(hb, 8);
            JsonNode header = JSON.readTree(new String(hb.array(), StandardCharsets.UTF_8));
            long base = 8 + hlen;
            Map<String, HostTensor> tensors = new LinkedHashMap<>();
            Map<String, String> meta = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : header.properties()) {
                if (e.getKey().equals("__metadata__")) {
                    e.getValue()
                            .properties()
                            .forEach(m -> meta.put(m.getKey(), m.getValue().asText()));
                    continue;
                }
                JsonNode v = e.getValue();
                DType dt = dtype(v.get("dtype").asText(), file, e.getKey());
                JsonNode sh = v.get("shape");
                long[] shape = new long[sh.size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = sh.get(i).asLong();
                }
                long begin = v.get("data_offsets").get(0).asLong();
                long end = v.get("data_offsets").get(1).asLong();
                if (end < begin || base + end > size) {
                    throw new IllegalArgumentException(
                            file
                                    + ": tensor '"
                                    + e.getKey()
                                    + "': data offsets ["
                                    + begin
                                    + ", "
                                    + end
                                    + ") outside the file");
                }
                ByteBuffer data = ch.map(FileChannel.MapMode.READ_ONLY, base + begin, end - begin);
                tensors.put(e.getKey(), new HostTensor(dt, shape, data));
            }
            return new Contents(tensors, meta);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
    }

    /**
     * Writes tensors (and string metadata) atomically.
     *
     * @param tensors name to tensor, written in iteration order
     */
    public static void write(
            Path file, Map<String, HostTensor> tensors, Map<String, String> metadata) {
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode m = header.putObject("__metadata__");
            metadata.forEach(m::put);
        }
        long off = 0;
        for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
            HostTensor t = e.getValue();
            ObjectNode n = header.putObject(e.getKey());
            n.put("dtype", code(t.dtype()));
            var sh = n.putArray("shape");
            for (long d : t.shape()) {
                sh.add(d);
            }
            long nb = t.bytes().remaining();
            n.putArray("data_offsets").add(off).add(off + nb);
            off += nb;
        }
        byte[] hj;
        try {
            hj = JSON.writeValueAsBytes(header);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // pad the header with spaces to an 8-byte boundary, as the reference writer does
        int pad = (8 - (hj.length % 8)) % 8;
        ByteBuffer head = ByteBuffer.allocate(8 + hj.length + pad).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(hj.length + pad).put(hj);
        for (int i = 0; i < pad; i++) {
            head.put((byte) ' ');
        }
        head.flip();
        AtomicFiles.writeChannel(
                file,
                ch -> {
                    writeFully(ch, head);
                    for (HostTensor t : tensors.values()) {
                        writeFully(ch, t.bytes());
                    }
                });
    }

    static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}
