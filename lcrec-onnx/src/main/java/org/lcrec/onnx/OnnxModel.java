package org.lcrec.onnx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lcrec.core.MalformedFileException;
import org.lcrec.core.io.FileChecks;
import org.lcrec.onnx.internal.ProtoReader;

/**
 * What lcrec-onnx reads from an existing ONNX model: its I/O signature, opsets, op types and
 * initialisers (raw, typed-field or external data). It does not rebuild the graph.
 *
 * @param irVersion the IR version
 * @param opsets domain ("" for ONNX) to version
 * @param graphName the graph name
 * @param inputs graph inputs that are not initialisers
 * @param outputs graph outputs
 * @param opTypes the op type of every node, in order
 * @param initializers initialisers by name
 */
public record OnnxModel(
        long irVersion,
        Map<String, Long> opsets,
        String graphName,
        List<ValueSignature> inputs,
        List<ValueSignature> outputs,
        List<String> opTypes,
        Map<String, HostTensor> initializers) {

    /** Copies the lists and maps (keeping order) into unmodifiable ones. */
    public OnnxModel {
        opsets = Collections.unmodifiableMap(new LinkedHashMap<>(opsets));
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        opTypes = List.copyOf(opTypes);
        initializers = Collections.unmodifiableMap(new LinkedHashMap<>(initializers));
    }

    /** A name with its element type and shape. */
    public record ValueSignature(String name, DType dtype, Shape shape) {
        @Override
        public String toString() {
            return name + ":" + dtype + shape;
        }
    }

    /**
     * Reads a model file; external data is resolved relative to its directory, and must lie inside
     * it (see {@link #checkExternalData}).
     */
    public static OnnxModel read(Path file) {
        checkExternalData(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
            return parse(b, file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        } catch (RuntimeException e) {
            throw new MalformedFileException(
                    file + ": not a readable ONNX model: " + e.getMessage(), e);
        }
    }

    /** Parses model bytes; {@code baseDir} resolves external data (may be null). */
    public static OnnxModel parse(byte[] bytes, Path baseDir) {
        return parse(ByteBuffer.wrap(bytes), baseDir);
    }

    private static OnnxModel parse(ByteBuffer bytes, Path baseDir) {
        ProtoReader r = new ProtoReader(bytes);
        long ir = 0;
        Map<String, Long> opsets = new LinkedHashMap<>();
        ProtoReader graph = null;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> ir = r.varint();
                case 7 -> graph = r.message();
                case 8 -> {
                    ProtoReader o = r.message();
                    String dom = "";
                    long ver = 0;
                    while (o.next()) {
                        if (o.field() == 1) {
                            dom = o.string();
                        } else if (o.field() == 2) {
                            ver = o.varint();
                        } else {
                            o.skip();
                        }
                    }
                    opsets.put(dom, ver);
                }
                default -> r.skip();
            }
        }
        if (graph == null) {
            throw new MalformedFileException("ModelProto has no graph");
        }
        String gname = "";
        List<ValueSignature> ins = new ArrayList<>();
        List<ValueSignature> outs = new ArrayList<>();
        List<String> ops = new ArrayList<>();
        Map<String, HostTensor> inits = new LinkedHashMap<>();
        while (graph.next()) {
            switch (graph.field()) {
                case 1 -> {
                    ProtoReader n = graph.message();
                    while (n.next()) {
                        if (n.field() == 4) {
                            ops.add(n.string());
                        } else {
                            n.skip();
                        }
                    }
                }
                case 2 -> gname = graph.string();
                case 5 -> {
                    Map.Entry<String, HostTensor> t = tensor(graph.message(), baseDir);
                    inits.put(t.getKey(), t.getValue());
                }
                case 11 -> ins.add(valueInfo(graph.message()));
                case 12 -> outs.add(valueInfo(graph.message()));
                default -> graph.skip();
            }
        }
        ins.removeIf(v -> inits.containsKey(v.name()));
        return new OnnxModel(
                ir,
                Collections.unmodifiableMap(opsets),
                gname,
                List.copyOf(ins),
                List.copyOf(outs),
                List.copyOf(ops),
                Collections.unmodifiableMap(inits));
    }

    private static ValueSignature valueInfo(ProtoReader v) {
        String name = "";
        DType dt = null;
        List<Dim> dims = new ArrayList<>();
        while (v.next()) {
            if (v.field() == 1) {
                name = v.string();
            } else if (v.field() == 2) {
                ProtoReader type = v.message();
                while (type.next()) {
                    if (type.field() == 1) {
                        ProtoReader tt = type.message();
                        while (tt.next()) {
                            if (tt.field() == 1) {
                                dt = DType.fromOnnx((int) tt.varint());
                            } else if (tt.field() == 2) {
                                ProtoReader sh = tt.message();
                                while (sh.next()) {
                                    if (sh.field() == 1) {
                                        ProtoReader d = sh.message();
                                        Dim dim = Dim.unknown();
                                        while (d.next()) {
                                            if (d.field() == 1) {
                                                dim = Dim.of(d.varint());
                                            } else if (d.field() == 2) {
                                                dim = Dim.dim(d.string());
                                            } else {
                                                d.skip();
                                            }
                                        }
                                        dims.add(dim);
                                    } else {
                                        sh.skip();
                                    }
                                }
                            } else {
                                tt.skip();
                            }
                        }
                    } else {
                        type.skip();
                    }
                }
            } else {
                v.skip();
            }
        }
        return new ValueSignature(name, dt, Shape.of(dims));
    }

    private static Map.Entry<String, HostTensor> tensor(ProtoReader t, Path baseDir) {
        List<Long> dims = new ArrayList<>();
        int dtype = 0;
        String name = "";
        ByteBuffer raw = null;
        List<Float> floats = new ArrayList<>();
        List<Long> ints = new ArrayList<>();
        List<Double> doubles = new ArrayList<>();
        Map<String, String> external = new LinkedHashMap<>();
        boolean isExternal = false;
        while (t.next()) {
            switch (t.field()) {
                case 1 -> t.int64s(dims::add);
                case 2 -> dtype = (int) t.varint();
                case 4 -> {
                    if (t.wire() == 2) {
                        ByteBuffer b = t.bytes();
                        while (b.hasRemaining()) {
                            floats.add(b.getFloat());
                        }
                    } else {
                        floats.add(t.fixed32Float());
                    }
                }
                case 5, 7 -> t.int64s(ints::add);
                case 8 -> name = t.string();
                case 9 -> raw = t.bytes();
                case 10 -> {
                    if (t.wire() == 2) {
                        ByteBuffer b = t.bytes();
                        while (b.hasRemaining()) {
                            doubles.add(b.getDouble());
                        }
                    } else {
                        t.skip();
                    }
                }
                case 13 -> {
                    String[] kv = entry(t.message());
                    external.put(kv[0], kv[1]);
                }
                case 14 -> isExternal = t.varint() == 1;
                default -> t.skip();
            }
        }
        DType dt = DType.fromOnnx(dtype);
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        String where = "initialiser '" + FileChecks.abbreviate(name) + "'";
        long bytes = byteCount(shape, dt, where);
        ByteBuffer data;
        if (isExternal) {
            if (baseDir == null) {
                throw new MalformedFileException(
                        where + " uses external data but no base directory is known");
            }
            String location = external.get("location");
            if (location == null) {
                throw new MalformedFileException(
                        where + ": external_data: expected a location, found none");
            }
            Path f =
                    FileChecks.resolveInside(
                            baseDir, location, "file", where + ": external_data location");
            long off = externalLong(external, "offset", 0, where);
            long len = externalLong(external, "length", bytes, where);
            if (len != bytes) {
                throw sizeMismatch(where + ": external_data length", bytes, dt, shape, len);
            }
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                long size = ch.size();
                if (off > size - len) {
                    throw new MalformedFileException(
                            where
                                    + ": external_data offset "
                                    + off
                                    + " + length "
                                    + len
                                    + ": expected at most the size of "
                                    + f
                                    + ", "
                                    + size
                                    + " bytes");
                }
                data = ch.map(FileChannel.MapMode.READ_ONLY, off, len);
            } catch (IOException e) {
                throw new MalformedFileException(
                        where + ": cannot read its external data " + f + ": " + e, e);
            }
        } else if (raw != null) {
            if (raw.remaining() != bytes) {
                throw sizeMismatch(where + ": raw_data", bytes, dt, shape, raw.remaining());
            }
            data = raw;
        } else {
            int found =
                    switch (dt) {
                        case FLOAT -> floats.size();
                        case DOUBLE -> doubles.size();
                        default -> ints.size();
                    };
            if (found != bytes / dt.byteSize()) {
                throw new MalformedFileException(
                        where
                                + ": expected "
                                + bytes / dt.byteSize()
                                + " values for shape "
                                + FileChecks.abbreviate(java.util.Arrays.toString(shape))
                                + ", found "
                                + found);
            }
            ByteBuffer b = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
            switch (dt) {
                case FLOAT -> floats.forEach(b::putFloat);
                case DOUBLE -> doubles.forEach(b::putDouble);
                case INT64 -> ints.forEach(b::putLong);
                case INT32 -> ints.forEach(v -> b.putInt(v.intValue()));
                case FLOAT16, BFLOAT16 -> ints.forEach(v -> b.putShort((short) v.longValue()));
                default -> ints.forEach(v -> b.put((byte) v.longValue()));
            }
            b.flip();
            data = b;
        }
        return Map.entry(name, new HostTensor(dt, shape, data));
    }

    /**
     * The byte count of a shape, refused when negative or past a 2 GB buffer (overflow-checked).
     */
    private static long byteCount(long[] shape, DType dt, String where) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new MalformedFileException(
                        where
                                + ": dims: expected non-negative sizes, found "
                                + FileChecks.abbreviate(java.util.Arrays.toString(shape)));
            }
            n = d == 0 || n <= Integer.MAX_VALUE / d ? n * d : Long.MAX_VALUE;
        }
        if (n > Integer.MAX_VALUE / dt.byteSize()) {
            throw new MalformedFileException(
                    where
                            + ": dims "
                            + FileChecks.abbreviate(java.util.Arrays.toString(shape))
                            + " of "
                            + dt
                            + ": expected at most 2 GB per tensor");
        }
        return n * dt.byteSize();
    }

    private static MalformedFileException sizeMismatch(
            String where, long bytes, DType dt, long[] shape, long found) {
        return new MalformedFileException(
                where
                        + ": expected "
                        + bytes
                        + " bytes for "
                        + dt
                        + " "
                        + FileChecks.abbreviate(java.util.Arrays.toString(shape))
                        + ", found "
                        + found);
    }

    private static long externalLong(
            Map<String, String> external, String key, long absent, String where) {
        String v = external.get(key);
        if (v == null) {
            return absent;
        }
        try {
            long x = Long.parseLong(v.strip());
            if (x >= 0) {
                return x;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new MalformedFileException(
                where
                        + ": external_data "
                        + key
                        + ": expected a non-negative integer, found '"
                        + FileChecks.abbreviate(v)
                        + "'");
    }

    /**
     * ONNX protobuf field numbers (onnx.proto3) of the messages that can hold a {@code
     * TensorProto}: the model's graph, training graphs and functions; a graph's nodes, initialisers
     * and sparse initialisers; a node's attributes; an attribute's tensor(s), graph(s) and sparse
     * tensor(s).
     */
    private static final int MODEL_GRAPH = 7;

    private static final int MODEL_TRAINING_INFO = 20;
    private static final int MODEL_FUNCTIONS = 25;
    private static final int TRAINING_INITIALIZATION = 1;
    private static final int TRAINING_ALGORITHM = 2;
    private static final int FUNCTION_NODE = 7;
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_SPARSE_INITIALIZER = 15;
    private static final int NODE_ATTRIBUTE = 5;
    private static final int ATTR_T = 5;
    private static final int ATTR_G = 6;
    private static final int ATTR_TENSORS = 10;
    private static final int ATTR_GRAPHS = 11;
    private static final int ATTR_SPARSE_TENSOR = 22;
    private static final int ATTR_SPARSE_TENSORS = 23;
    private static final int SPARSE_VALUES = 1;
    private static final int SPARSE_INDICES = 2;
    private static final int TENSOR_NAME = 8;
    private static final int TENSOR_EXTERNAL_DATA = 13;

    /**
     * How deeply messages may nest (graphs in attributes in nodes in graphs ...): protobuf's own
     * default recursion limit, which ONNX Runtime's parser applies too.
     */
    private static final int MAX_DEPTH = 100;

    /**
     * Checks, before the model is parsed or handed to ONNX Runtime, that every tensor's external
     * data {@code location} resolves inside the model's directory (after normalising and following
     * symbolic links). The scan walks the protobuf without decoding tensor data: it costs a pass
     * over the model's message structure, not over its weights.
     *
     * @param model a {@code .onnx} file
     * @throws MalformedFileException naming the model file, the tensor and the location if a
     *     location is absolute or leaves the directory, or if the file is not a readable ONNX model
     * @throws UncheckedIOException if the file cannot be read
     */
    public static void checkExternalData(Path model) {
        List<String[]> locations = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(model, StandardOpenOption.READ)) {
            ByteBuffer b = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
            scanModel(new ProtoReader(b), locations);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + model, e);
        } catch (RuntimeException e) {
            throw new MalformedFileException(
                    model + ": not a readable ONNX model: " + FileChecks.abbreviate(e.getMessage()),
                    e);
        }
        Path dir = model.toAbsolutePath().getParent();
        for (String[] l : locations) {
            String where =
                    model
                            + ": tensor '"
                            + FileChecks.abbreviate(l[0])
                            + "': external_data location";
            Path data = FileChecks.resolveInside(dir, l[1], "file", where);
            // ONNX Runtime would print its own log lines for a missing file before failing
            if (!Files.isRegularFile(data)) {
                throw new MalformedFileException(
                        where
                                + ": expected a file beside the model, found none at "
                                + data
                                + " (copy the model's external data file with it)");
            }
        }
    }

    private static void scanModel(ProtoReader m, List<String[]> out) {
        while (m.next()) {
            switch (m.field()) {
                case MODEL_GRAPH -> scanGraph(m.message(), out, 1);
                case MODEL_TRAINING_INFO -> {
                    ProtoReader t = m.message();
                    while (t.next()) {
                        if (t.field() == TRAINING_INITIALIZATION
                                || t.field() == TRAINING_ALGORITHM) {
                            scanGraph(t.message(), out, 2);
                        } else {
                            t.skip();
                        }
                    }
                }
                case MODEL_FUNCTIONS -> {
                    ProtoReader f = m.message();
                    while (f.next()) {
                        if (f.field() == FUNCTION_NODE) {
                            scanNode(f.message(), out, 2);
                        } else {
                            f.skip();
                        }
                    }
                }
                default -> m.skip();
            }
        }
    }

    private static void scanGraph(ProtoReader g, List<String[]> out, int depth) {
        checkDepth(depth);
        while (g.next()) {
            switch (g.field()) {
                case GRAPH_NODE -> scanNode(g.message(), out, depth + 1);
                case GRAPH_INITIALIZER -> scanTensor(g.message(), out);
                case GRAPH_SPARSE_INITIALIZER -> scanSparse(g.message(), out);
                default -> g.skip();
            }
        }
    }

    private static void scanNode(ProtoReader n, List<String[]> out, int depth) {
        checkDepth(depth);
        while (n.next()) {
            if (n.field() != NODE_ATTRIBUTE) {
                n.skip();
                continue;
            }
            ProtoReader a = n.message();
            while (a.next()) {
                switch (a.field()) {
                    case ATTR_T, ATTR_TENSORS -> scanTensor(a.message(), out);
                    case ATTR_G, ATTR_GRAPHS -> scanGraph(a.message(), out, depth + 1);
                    case ATTR_SPARSE_TENSOR, ATTR_SPARSE_TENSORS -> scanSparse(a.message(), out);
                    default -> a.skip();
                }
            }
        }
    }

    private static void scanSparse(ProtoReader s, List<String[]> out) {
        while (s.next()) {
            if (s.field() == SPARSE_VALUES || s.field() == SPARSE_INDICES) {
                scanTensor(s.message(), out);
            } else {
                s.skip();
            }
        }
    }

    private static void scanTensor(ProtoReader t, List<String[]> out) {
        String name = "";
        List<String> locations = new ArrayList<>();
        while (t.next()) {
            if (t.field() == TENSOR_NAME) {
                name = t.string();
            } else if (t.field() == TENSOR_EXTERNAL_DATA) {
                String[] kv = entry(t.message());
                if ("location".equals(kv[0]) && kv[1] != null) {
                    locations.add(kv[1]);
                }
            } else {
                t.skip();
            }
        }
        for (String l : locations) {
            out.add(new String[] {name, l});
        }
    }

    private static void checkDepth(int depth) {
        if (depth > MAX_DEPTH) {
            throw new MalformedFileException("graphs nest deeper than " + MAX_DEPTH + " levels");
        }
    }

    /** Reads a model's bytes from a file (convenience). */
    public static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
    }

    /** A {@code StringStringEntryProto} (1: key, 2: value) as {key, value}, null where absent. */
    private static String[] entry(ProtoReader e) {
        String k = null;
        String v = null;
        while (e.next()) {
            if (e.field() == 1) {
                k = e.string();
            } else if (e.field() == 2) {
                v = e.string();
            } else {
                e.skip();
            }
        }
        return new String[] {k, v};
    }
}
