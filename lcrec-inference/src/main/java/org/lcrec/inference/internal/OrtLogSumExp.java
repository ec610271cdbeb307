package org.lcrec.inference.internal;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * Row-wise log-sum-exp of a logits tensor {@code [rows, 1, vocab]} on ONNX Runtime (the bundled
 * one-node graph {@code logsumexp.onnx}, made by {@code make_logsumexp.py}): ORT's vectorised
 * exponential is an order of magnitude faster than a scalar Java loop, and the logits never leave
 * native memory. Thread-safe (one shared session); close when done.
 */
public final class OrtLogSumExp implements AutoCloseable {
    private static final String RESOURCE = "logsumexp.onnx";

    private final OrtSession session;
    private volatile boolean closed;

    /**
     * @param env the process's ORT environment
     * @param intraOpThreads ORT threads, 0 for the default
     */
    public OrtLogSumExp(OrtEnvironment env, int intraOpThreads) {
        byte[] model;
        try (InputStream in = OrtLogSumExp.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " missing from the lcrec-inference jar");
            }
            model = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + RESOURCE, e);
        }
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            if (intraOpThreads > 0) {
                so.setIntraOpNumThreads(intraOpThreads);
            }
            session = env.createSession(model, so);
        } catch (OrtException e) {
            throw new IllegalStateException("cannot open " + RESOURCE + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param logits a {@code [rows, 1, vocab]} float tensor
     * @param out receives one value per row (length >= rows)
     */
    public void compute(OnnxTensor logits, float[] out) {
        if (closed) {
            throw new IllegalStateException("OrtLogSumExp is closed");
        }
        try (OrtSession.Result r = session.run(Map.of("logits", logits))) {
            FloatBuffer b = ((OnnxTensor) r.get(0)).getFloatBuffer();
            b.get(out, 0, b.remaining());
        } catch (OrtException e) {
            throw new IllegalStateException("log-sum-exp failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                session.close();
            } catch (OrtException e) {
                throw new IllegalStateException("closing " + RESOURCE + ": " + e.getMessage(), e);
            }
        }
    }
}
