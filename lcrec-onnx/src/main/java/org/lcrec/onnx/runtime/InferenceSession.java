package org.lcrec.onnx.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.lcrec.onnx.DType;
import org.lcrec.onnx.HostTensor;

/**
 * An ORT inference session with checked inputs: missing, extra or mistyped inputs fail with a
 * message naming them. Inputs may be {@link HostTensor}s (copied) or {@link DirectTensor}s (read in
 * place); {@link #runInto} writes outputs into pre-allocated {@link DirectTensor}s.
 */
public final class InferenceSession implements AutoCloseable {
    private final OrtSession session;
    private final String what;
    private final Map<String, TensorInfo> inputs = new LinkedHashMap<>();
    private final Map<String, TensorInfo> outputs = new LinkedHashMap<>();
    private boolean closed;

    private InferenceSession(OrtSession session, String what) {
        this.session = session;
        this.what = what;
        try {
            for (Map.Entry<String, NodeInfo> e : session.getInputInfo().entrySet()) {
                inputs.put(e.getKey(), (TensorInfo) e.getValue().getInfo());
            }
            for (Map.Entry<String, NodeInfo> e : session.getOutputInfo().entrySet()) {
                outputs.put(e.getKey(), (TensorInfo) e.getValue().getInfo());
            }
        } catch (OrtException | ClassCastException e) {
            try {
                session.close();
            } catch (OrtException ignored) {
                // closing after a failed inspection
            }
            throw new OnnxRuntimeException(
                    what + ": reading the I/O signature: " + e.getMessage(), e);
        }
    }

    /** A session over model bytes. */
    public static InferenceSession create(byte[] model, SessionConfig cfg) {
        return new InferenceSession(Ort.createSession(model, cfg, "model bytes"), "model");
    }

    /** A session over a model file (external data resolved beside it). */
    public static InferenceSession open(Path model, SessionConfig cfg) {
        return new InferenceSession(Ort.createSession(model, cfg), model.toString());
    }

    public List<String> inputNames() {
        return List.copyOf(inputs.keySet());
    }

    public List<String> outputNames() {
        return List.copyOf(outputs.keySet());
    }

    /** The ORT shape of an input ({@code -1} for symbolic dims). */
    public long[] inputShape(String name) {
        TensorInfo t = inputs.get(name);
        if (t == null) {
            throw new IllegalArgumentException(
                    what + ": no input '" + name + "'; inputs: " + inputs.keySet());
        }
        return t.getShape();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("InferenceSession is closed");
        }
    }

    /** Checks the given names against the model's inputs; throws naming missing and extra ones. */
    public void checkInputs(Set<String> given) {
        Set<String> missing = new TreeSet<>(inputs.keySet());
        missing.removeAll(given);
        Set<String> extra = new TreeSet<>(given);
        extra.removeAll(inputs.keySet());
        if (!missing.isEmpty() || !extra.isEmpty()) {
            throw new IllegalArgumentException(
                    what
                            + ": "
                            + (missing.isEmpty() ? "" : "missing inputs " + missing)
                            + (!missing.isEmpty() && !extra.isEmpty() ? ", " : "")
                            + (extra.isEmpty() ? "" : "unknown inputs " + extra)
                            + "; the model takes "
                            + inputs.keySet());
        }
    }

    /** Runs with all outputs copied to host tensors. */
    public Map<String, HostTensor> run(Map<String, ?> feeds) {
        checkOpen();
        checkInputs(feeds.keySet());
        Map<String, OnnxTensorLike> in = new HashMap<>();
        List<OnnxTensor> owned = new ArrayList<>();
        try {
            for (Map.Entry<String, ?> e : feeds.entrySet()) {
                in.put(e.getKey(), toOnnx(e.getKey(), e.getValue(), owned));
            }
            try (OrtSession.Result r = session.run(in)) {
                Map<String, HostTensor> out = new LinkedHashMap<>();
                for (Map.Entry<String, OnnxValue> e : r) {
                    out.put(e.getKey(), toHost((OnnxTensor) e.getValue()));
                }
                return out;
            }
        } catch (OrtException e) {
            throw new OnnxRuntimeException(what + ": run failed: " + e.getMessage(), e);
        } finally {
            owned.forEach(OnnxTensor::close);
        }
    }

    /** Runs writing the named outputs into pre-allocated tensors (no copies on CPU). */
    public void runInto(Map<String, DirectTensor> feeds, Map<String, DirectTensor> outs) {
        checkOpen();
        checkInputs(feeds.keySet());
        Map<String, OnnxTensorLike> in = new HashMap<>();
        feeds.forEach((k, v) -> in.put(k, v.onnx()));
        Map<String, OnnxValue> pinned = new HashMap<>();
        for (Map.Entry<String, DirectTensor> e : outs.entrySet()) {
            if (!outputs.containsKey(e.getKey())) {
                throw new IllegalArgumentException(
                        what + ": no output '" + e.getKey() + "'; outputs: " + outputs.keySet());
            }
            pinned.put(e.getKey(), e.getValue().onnx());
        }
        try {
            session.run(in, pinned).close();
        } catch (OrtException e) {
            throw new OnnxRuntimeException(what + ": run failed: " + e.getMessage(), e);
        }
    }

    private OnnxTensorLike toOnnx(String name, Object v, List<OnnxTensor> owned)
            throws OrtException {
        if (v instanceof DirectTensor d) {
            return d.onnx();
        }
        if (v instanceof OnnxTensor t) {
            return t;
        }
        if (v instanceof HostTensor h) {
            TensorInfo info = inputs.get(name);
            DType expected = fromOrt(info);
            if (expected != null && expected != h.dtype()) {
                throw new IllegalArgumentException(
                        what
                                + ": input '"
                                + name
                                + "' expects "
                                + expected
                                + ", found "
                                + h.dtype());
            }
            DirectTensor d = new DirectTensor(h.dtype(), h.shape()).set(h);
            OnnxTensor t = d.onnx();
            owned.add(t);
            return t;
        }
        throw new IllegalArgumentException(
                what
                        + ": input '"
                        + name
                        + "': unsupported value type "
                        + (v == null ? "null" : v.getClass().getName()));
    }

    static DType fromOrt(TensorInfo info) {
        return switch (info.type) {
            case FLOAT -> DType.FLOAT;
            case DOUBLE -> DType.DOUBLE;
            case INT64 -> DType.INT64;
            case INT32 -> DType.INT32;
            case BOOL -> DType.BOOL;
            case UINT8 -> DType.UINT8;
            case INT8 -> DType.INT8;
            case FLOAT16 -> DType.FLOAT16;
            case BFLOAT16 -> DType.BFLOAT16;
            default -> null;
        };
    }

    /** Copies an ORT tensor to a host tensor. */
    public static HostTensor toHost(OnnxTensor t) {
        TensorInfo info = t.getInfo();
        DType dt = fromOrt(info);
        if (dt == null) {
            throw new IllegalArgumentException("unsupported output type " + info.type);
        }
        ByteBuffer b = t.getByteBuffer().order(ByteOrder.nativeOrder());
        ByteBuffer c = ByteBuffer.allocate(b.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        c.put(b);
        c.flip();
        return new HostTensor(dt, info.getShape(), c);
    }

    /** The underlying ORT session (for advanced use; do not close it). */
    public OrtSession ortSession() {
        checkOpen();
        return session;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                session.close();
            } catch (OrtException e) {
                throw new OnnxRuntimeException(what + ": closing session: " + e.getMessage(), e);
            }
        }
    }
}
