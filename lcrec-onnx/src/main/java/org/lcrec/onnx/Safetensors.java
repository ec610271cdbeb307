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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lcrec.core.MalformedFileException;
import org.lcrec.core.io.AtomicFiles;
import org.lcrec.core.io.FileChecks;

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
                    throw new MalformedFileException(
                            file
                                    + ": tensor '"
                                    + name
                                    + "': unsupported dtype "
                                    + code
                                    + " (supported: F32, F16, BF16, F64, I64, I32, I8, U8, BOOL)");
        };
    }

    /**
     * Reads a whole file (tensors are memory-mapped slices). The header is checked before anything
     * is mapped: every tensor has a dtype, a shape of non-negative integers and {@code
     * data_offsets} {@code [start, end)} within the data section whose length is the shape's
     * element count times the dtype's size (overflow-checked), and no two tensors' ranges overlap.
     *
     * @throws MalformedFileException naming the file, the tensor and the field, with what was
     *     expected and what was found, if the header breaks any of these rules
     */
    public static Contents read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new MalformedFileException(
                        file + ": not a safetensors file (" + size + " bytes)");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(lenBuf, 0);
            long hlen = lenBuf.getLong(0);
            long maxLen = Math.min(MAX_HEADER, size - 8);
            if (hlen <= 0 || hlen > maxLen) {
                throw new MalformedFileException(
                        file
                                + ": header length: expected 1 to "
                                + maxLen
                                + " bytes ("
                                + (maxLen == MAX_HEADER
                                        ? "the limit of the reference implementation"
                                        : "what the file holds after the length")
                                + "), found "
                                + hlen);
            }
            ByteBuffer hb = ByteBuffer.allocate((int) hlen);
            while (hb.hasRemaining() && ch.read(hb, 8 + hb.position()) >= 0) {
                // reads the whole header
            }
            JsonNode header;
            try {
                header = JSON.readTree(new String(hb.array(), StandardCharsets.UTF_8));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new MalformedFileException(
                        file + ": header: expected JSON, found " + FileChecks.describe(e));
            }
            if (header == null || !header.isObject()) {
                throw new MalformedFileException(
                        file + ": header: expected a JSON object, found " + kind(header));
            }
            long base = 8 + hlen;
            long dataSize = size - base;
            Map<String, Entry> entries = new LinkedHashMap<>();
            Map<String, String> meta = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : header.properties()) {
                if (e.getKey().equals("__metadata__")) {
                    if (!e.getValue().isObject()) {
                        throw new MalformedFileException(
                                file
                                        + ": __metadata__: expected an object of strings, found "
                                        + kind(e.getValue()));
                    }
                    for (Map.Entry<String, JsonNode> m : e.getValue().properties()) {
                        if (!m.getValue().isTextual()) {
                            throw new MalformedFileException(
                                    file
                                            + ": __metadata__: "
                                            + FileChecks.abbreviate(m.getKey())
                                            + ": expected a string, found "
                                            + kind(m.getValue()));
                        }
                        meta.put(m.getKey(), m.getValue().asText());
                    }
                    continue;
                }
                entries.put(e.getKey(), entry(file, e.getKey(), e.getValue(), dataSize));
            }
            checkLayout(file, entries, dataSize);
            Map<String, HostTensor> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, Entry> e : entries.entrySet()) {
                Entry t = e.getValue();
                ByteBuffer data =
                        ch.map(
                                FileChannel.MapMode.READ_ONLY,
                                base + t.begin(),
                                t.end() - t.begin());
                tensors.put(e.getKey(), new HostTensor(t.dtype(), t.shape(), data));
            }
            return new Contents(tensors, meta);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
    }

    /** A checked header entry: its data is {@code [begin, end)} of the data section. */
    private record Entry(DType dtype, long[] shape, long begin, long end) {}

    private static Entry entry(Path file, String name, JsonNode v, long dataSize) {
        String where = file + ": tensor '" + FileChecks.abbreviate(name) + "'";
        if (!v.isObject()) {
            throw new MalformedFileException(
                    where + ": expected an object {dtype, shape, data_offsets}, found " + kind(v));
        }
        JsonNode code = v.get("dtype");
        if (code == null || !code.isTextual()) {
            throw new MalformedFileException(
                    where + ": dtype: expected a string, found " + kind(code));
        }
        DType dt = dtype(FileChecks.abbreviate(code.asText()), file, name);
        long[] shape = longs(v.get("shape"), -1, 0);
        if (shape == null) {
            throw new MalformedFileException(
                    where
                            + ": shape: expected non-negative integers, found "
                            + kind(v.get("shape")));
        }
        long[] off = longs(v.get("data_offsets"), 2, Long.MIN_VALUE);
        if (off == null) {
            throw new MalformedFileException(
                    where
                            + ": data_offsets: expected two integers, found "
                            + kind(v.get("data_offsets")));
        }
        if (off[0] < 0 || off[0] > off[1] || off[1] > dataSize) {
            throw new MalformedFileException(
                    where
                            + ": data_offsets: expected 0 <= start <= end <= "
                            + dataSize
                            + " (the data section), found ["
                            + off[0]
                            + ", "
                            + off[1]
                            + "]");
        }
        long bytes;
        try {
            long n = 1;
            for (long d : shape) {
                n = Math.multiplyExact(n, d);
            }
            bytes = Math.multiplyExact(n, (long) dt.byteSize());
        } catch (ArithmeticException e) {
            throw new MalformedFileException(
                    where
                            + ": shape "
                            + FileChecks.abbreviate(Arrays.toString(shape))
                            + " of "
                            + code(dt)
                            + ": the byte count overflows a 64-bit integer");
        }
        if (bytes != off[1] - off[0]) {
            throw new MalformedFileException(
                    where
                            + ": data_offsets ["
                            + off[0]
                            + ", "
                            + off[1]
                            + "): expected "
                            + bytes
                            + " bytes for "
                            + code(dt)
                            + " "
                            + FileChecks.abbreviate(Arrays.toString(shape))
                            + ", found "
                            + (off[1] - off[0]));
        }
        return new Entry(dt, shape, off[0], off[1]);
    }

    /**
     * @param n a JSON array of integers of at least {@code min} (of {@code length} entries, unless
     *     negative)
     * @return its values, or null if it is not one
     */
    private static long[] longs(JsonNode n, int length, long min) {
        if (n == null || !n.isArray() || (length >= 0 && n.size() != length)) {
            return null;
        }
        long[] out = new long[n.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode x = n.get(i);
            if (!x.isIntegralNumber() || !x.canConvertToLong() || x.asLong() < min) {
                return null;
            }
            out[i] = x.asLong();
        }
        return out;
    }

    private static String kind(JsonNode n) {
        return n == null || n.isMissingNode() ? "nothing" : FileChecks.abbreviate(n);
    }

    /**
     * Tensors' byte ranges must tile the data section: no overlap, no gap between them, no bytes
     * after the last one (the reference implementation's rule; empty tensors take no bytes).
     */
    private static void checkLayout(Path file, Map<String, Entry> entries, long dataSize) {
        List<Map.Entry<String, Entry>> byStart = new ArrayList<>(entries.entrySet());
        byStart.removeIf(e -> e.getValue().begin() == e.getValue().end());
        byStart.sort(Comparator.comparingLong(e -> e.getValue().begin()));
        long expected = 0;
        String previous = null;
        for (Map.Entry<String, Entry> e : byStart) {
            Entry cur = e.getValue();
            if (cur.begin() != expected) {
                throw new MalformedFileException(
                        file
                                + ": tensor '"
                                + FileChecks.abbreviate(e.getKey())
                                + "': data_offsets ["
                                + cur.begin()
                                + ", "
                                + cur.end()
                                + "): expected to start at "
                                + expected
                                + (previous == null
                                        ? " (the start of the data section)"
                                        : " where tensor '"
                                                + FileChecks.abbreviate(previous)
                                                + "' ends")
                                + (cur.begin() < expected
                                        ? ", found an overlap"
                                        : ", found a gap"));
            }
            expected = cur.end();
            previous = e.getKey();
        }
        if (expected != dataSize) {
            throw new MalformedFileException(
                    file
                            + ": data section: expected "
                            + expected
                            + " bytes (the end of the last tensor), found "
                            + dataSize);
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
