package org.lcrec.onnx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.lcrec.core.io.AtomicFiles;
import org.lcrec.onnx.internal.ProtoWriter;

/**
 * Writes a {@link Graph} as an ONNX {@code ModelProto} (IR version 8, opset {@value
 * GraphBuilder#OPSET}). Only nodes that the outputs need are written. Parameters become
 * initialisers (values from a {@link ParameterStore}) unless named in {@link
 * Builder#parametersAsInputs}; constants are always initialisers. With {@link Builder#externalData}
 * large initialisers go to a side file, for models over protobuf's 2 GB limit.
 */
public final class OnnxExport {
    /** IR version matching opset 17 (ONNX 1.12). */
    public static final int IR_VERSION = 8;

    private final ParameterStore values;
    private final Set<String> paramsAsInputs;
    private final Path externalDataFile;
    private final long externalThreshold;
    private final List<String> outputs;
    private final ExternalLayout reuse;

    /**
     * Where the parameters written to an external data file lie, so that another graph over the
     * same weights can {@linkplain Builder#reuseExternalData refer to them} instead of writing them
     * again.
     *
     * @param file the external data file
     * @param parameters per parameter name, {@code {offset, length}} in bytes
     */
    public record ExternalLayout(Path file, Map<String, long[]> parameters) {
        /** Copies the map. */
        public ExternalLayout {
            parameters = Map.copyOf(parameters);
        }

        @Override
        public String toString() {
            return "ExternalLayout["
                    + file.getFileName()
                    + ", "
                    + parameters.size()
                    + " parameters]";
        }
    }

    private OnnxExport(Builder b) {
        this.values = b.values;
        this.paramsAsInputs = Set.copyOf(b.paramsAsInputs);
        this.externalDataFile = b.externalDataFile;
        this.externalThreshold = b.externalThreshold;
        this.outputs = b.outputs == null ? null : List.copyOf(b.outputs);
        this.reuse = b.reuse;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options for {@link OnnxExport}. */
    public static final class Builder {
        private ParameterStore values;
        private final Set<String> paramsAsInputs = new LinkedHashSet<>();
        private Path externalDataFile;
        private long externalThreshold = 1024;
        private List<String> outputs;
        private ExternalLayout reuse;

        /** The parameter values written as initialisers. */
        public Builder parameterValues(ParameterStore store) {
            this.values = store;
            return this;
        }

        /** Parameters to declare as graph inputs instead of initialisers. */
        public Builder parametersAsInputs(Collection<String> names) {
            paramsAsInputs.addAll(names);
            return this;
        }

        /** Writes initialisers of at least {@code thresholdBytes} to {@code dataFile}. */
        public Builder externalData(Path dataFile, long thresholdBytes) {
            this.externalDataFile = dataFile;
            this.externalThreshold = thresholdBytes;
            return this;
        }

        /**
         * Parameters that an earlier {@link #save} wrote to its external data file are referred to
         * there (same file, offset and length) instead of being written again; the file must sit in
         * the directory of this model. Other initialisers follow {@link #externalData} or go
         * inline.
         *
         * @param layout what the earlier save returned
         */
        public Builder reuseExternalData(ExternalLayout layout) {
            this.reuse = layout;
            return this;
        }

        /** Restricts the written outputs (default: all graph outputs). */
        public Builder outputs(List<String> names) {
            this.outputs = names;
            return this;
        }

        public OnnxExport build() {
            return new OnnxExport(this);
        }
    }

    /** Serialises the model; external data (if configured) is written beside it. */
    public byte[] toBytes(Graph g) {
        try {
            return write(g, new LinkedHashMap<>());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes the model file (atomically) and its external data file, if any.
     *
     * @return where this save put parameters in its external data file (empty without one)
     */
    public ExternalLayout save(Graph g, Path modelFile) {
        Map<String, long[]> written = new LinkedHashMap<>();
        byte[] b;
        try {
            b = write(g, written);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AtomicFiles.writeChannel(modelFile, ch -> Safetensors.writeFully(ch, ByteBuffer.wrap(b)));
        return new ExternalLayout(externalDataFile == null ? modelFile : externalDataFile, written);
    }

    private byte[] write(Graph g, Map<String, long[]> written) throws IOException {
        Map<String, Tensor> outs = new LinkedHashMap<>();
        if (outputs == null) {
            outs.putAll(g.outputs());
        } else {
            for (String o : outputs) {
                Tensor t = g.outputs().get(o);
                if (t == null) {
                    throw new IllegalArgumentException(
                            "graph '"
                                    + g.name()
                                    + "' has no output '"
                                    + o
                                    + "'; outputs: "
                                    + g.outputs().keySet());
                }
                outs.put(o, t);
            }
        }
        List<Node> live = g.liveNodes(outs.values());
        Set<Tensor> used = new HashSet<>(outs.values());
        for (Node n : live) {
            for (Tensor t : n.inputs()) {
                if (t != null) {
                    used.add(t);
                }
            }
        }
        ProtoWriter graph = new ProtoWriter();
        for (Node n : live) {
            graph.message(1, node(n));
        }
        graph.string(2, g.name());

        FileChannel ext = null;
        long extOffset = 0;
        try {
            if (externalDataFile != null) {
                ext =
                        FileChannel.open(
                                externalDataFile,
                                java.nio.file.StandardOpenOption.CREATE,
                                java.nio.file.StandardOpenOption.WRITE,
                                java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
            }
            List<Tensor> graphInputs = new ArrayList<>();
            for (Tensor t : g.inputs().values()) {
                if (used.contains(t)) {
                    graphInputs.add(t);
                }
            }
            for (ParameterSpec p : g.parameters()) {
                Tensor t = g.parameterTensor(p.name());
                if (!used.contains(t)) {
                    continue;
                }
                if (paramsAsInputs.contains(p.name())) {
                    graphInputs.add(t);
                    continue;
                }
                if (values == null) {
                    throw new IllegalArgumentException(
                            "export of graph '"
                                    + g.name()
                                    + "': parameter '"
                                    + p.name()
                                    + "' is an initialiser but no parameter values were given");
                }
                Parameter v = values.get(p.name());
                if (!java.util.Arrays.equals(v.shape(), p.shape())) {
                    throw new IllegalArgumentException(
                            "export: parameter '"
                                    + p.name()
                                    + "' has shape "
                                    + java.util.Arrays.toString(v.shape())
                                    + ", graph expects "
                                    + java.util.Arrays.toString(p.shape()));
                }
                HostTensor ht = new HostTensor(DType.FLOAT, p.shape(), v.bytesView());
                long[] there = reuse == null ? null : reuse.parameters().get(p.name());
                if (there != null && there[1] == ht.bytes().remaining()) {
                    graph.message(5, externalReference(p.name(), ht, reuse.file(), there));
                    continue;
                }
                long before = extOffset;
                extOffset = initializer(graph, p.name(), ht, ext, extOffset);
                if (extOffset != before) {
                    long len = ht.bytes().remaining();
                    written.put(p.name(), new long[] {extOffset - len, len});
                }
            }
            for (Tensor c : g.constants().values()) {
                if (used.contains(c)) {
                    extOffset = initializer(graph, c.name(), c.constValue, ext, extOffset);
                }
            }
            for (Tensor t : graphInputs) {
                graph.message(11, valueInfo(t.name(), t.dtype(), t.shape()));
            }
            for (Map.Entry<String, Tensor> o : outs.entrySet()) {
                graph.message(
                        12, valueInfo(o.getKey(), o.getValue().dtype(), o.getValue().shape()));
            }
        } finally {
            if (ext != null) {
                ext.force(true);
                ext.close();
            }
        }
        ProtoWriter model = new ProtoWriter();
        model.int64(1, IR_VERSION);
        model.string(2, "lcrec-onnx");
        model.string(3, "0.1");
        model.message(7, graph);
        model.message(8, new ProtoWriter().string(1, "").int64(2, GraphBuilder.OPSET));
        return model.toByteArray();
    }

    private long initializer(
            ProtoWriter graph, String name, HostTensor t, FileChannel ext, long off)
            throws IOException {
        ProtoWriter tp = new ProtoWriter();
        for (long d : t.shape()) {
            tp.int64(1, d);
        }
        tp.int64(2, t.dtype().onnxCode());
        tp.string(8, name);
        ByteBuffer data = t.bytes();
        if (ext != null && data.remaining() >= externalThreshold) {
            // align each tensor to 4 KiB so ORT can memory-map it
            long aligned = (off + 4095) / 4096 * 4096;
            long len = data.remaining();
            ByteBuffer d = data.duplicate();
            long pos = aligned;
            while (d.hasRemaining()) {
                pos += ext.write(d, pos);
            }
            externalFields(tp, externalDataFile, aligned, len);
            off = aligned + len;
        } else {
            tp.bytes(9, data);
        }
        graph.message(5, tp);
        return off;
    }

    /** A TensorProto whose data lies at {@code at = {offset, length}} in {@code file}. */
    private static ProtoWriter externalReference(String name, HostTensor t, Path file, long[] at) {
        ProtoWriter tp = new ProtoWriter();
        for (long d : t.shape()) {
            tp.int64(1, d);
        }
        tp.int64(2, t.dtype().onnxCode());
        tp.string(8, name);
        externalFields(tp, file, at[0], at[1]);
        return tp;
    }

    private static void externalFields(ProtoWriter tp, Path file, long offset, long length) {
        tp.message(
                13,
                new ProtoWriter().string(1, "location").string(2, file.getFileName().toString()));
        tp.message(13, new ProtoWriter().string(1, "offset").string(2, Long.toString(offset)));
        tp.message(13, new ProtoWriter().string(1, "length").string(2, Long.toString(length)));
        tp.int64(14, 1);
    }

    static ProtoWriter tensorProto(HostTensor t) {
        ProtoWriter tp = new ProtoWriter();
        for (long d : t.shape()) {
            tp.int64(1, d);
        }
        tp.int64(2, t.dtype().onnxCode());
        tp.bytes(9, t.bytes());
        return tp;
    }

    private static ProtoWriter valueInfo(String name, DType dtype, Shape shape) {
        ProtoWriter sh = new ProtoWriter();
        for (Dim d : shape.dims()) {
            ProtoWriter dim = new ProtoWriter();
            if (d.isStatic()) {
                dim.int64(1, d.value());
            } else if (!d.isUnknown()) {
                dim.string(2, d.symbol());
            }
            sh.message(1, dim);
        }
        ProtoWriter tt = new ProtoWriter().int64(1, dtype.onnxCode()).message(2, sh);
        ProtoWriter type = new ProtoWriter().message(1, tt);
        return new ProtoWriter().string(1, name).message(2, type);
    }

    private static ProtoWriter node(Node n) {
        ProtoWriter w = new ProtoWriter();
        for (Tensor t : n.inputs()) {
            w.string(1, t == null ? "" : t.name());
        }
        for (Tensor t : n.outputs()) {
            w.string(2, t.name());
        }
        w.string(3, n.name());
        w.string(4, n.opType());
        for (Map.Entry<String, Object> a : n.attributes().entrySet()) {
            w.message(5, attribute(a.getKey(), a.getValue()));
        }
        if (!n.domain().isEmpty()) {
            w.string(7, n.domain());
        }
        return w;
    }

    private static ProtoWriter attribute(String name, Object v) {
        ProtoWriter a = new ProtoWriter().string(1, name);
        if (v instanceof Long l) {
            a.int64(3, l).int64(20, 2);
        } else if (v instanceof Float f) {
            a.float32(2, f).int64(20, 1);
        } else if (v instanceof String s) {
            a.string(4, s).int64(20, 3);
        } else if (v instanceof long[] ls) {
            for (long l : ls) {
                a.int64(8, l);
            }
            a.int64(20, 7);
        } else if (v instanceof float[] fs) {
            for (float f : fs) {
                a.float32(7, f);
            }
            a.int64(20, 6);
        } else if (v instanceof HostTensor t) {
            a.message(5, tensorProto(t)).int64(20, 4);
        } else {
            throw new IllegalArgumentException("attribute '" + name + "': unsupported value " + v);
        }
        return a;
    }
}
