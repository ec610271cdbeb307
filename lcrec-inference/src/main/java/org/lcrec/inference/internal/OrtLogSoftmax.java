package org.lcrec.inference.internal;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Row-wise log-softmax of a logits tensor {@code [rows, 1, vocab]} on ONNX Runtime (the bundled
 * one-node graph {@code logsoftmax.onnx}, made by {@code make_logsoftmax.py}) into a pinned output
 * tensor: ORT's MLAS kernel exponentiates with SIMD, about as fast as one streaming pass over the
 * logits, where a scalar Java exp loop is an order of magnitude slower; the logits never leave
 * native memory. Runs single-threaded (a spinning thread pool only hurts an op this short).
 * Thread-safe (one shared session); close when done.
 */
public final class OrtLogSoftmax implements AutoCloseable {
    private static final String RESOURCE = "logsoftmax.onnx";

    private final OrtSession session;
    private volatile boolean closed;

    /**
     * @param env the process's ORT environment
     */
    public OrtLogSoftmax(OrtEnvironment env) {
        byte[] model;
        try (InputStream in = OrtLogSoftmax.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " missing from the lcrec-inference jar");
            }
            model = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + RESOURCE, e);
        }
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(1);
            session = env.createSession(model, so);
        } catch (OrtException e) {
            throw new IllegalStateException("cannot open " + RESOURCE + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param logits a {@code [rows, 1, vocab]} float tensor
     * @param logProbs a tensor of the same shape (over a direct buffer) receiving the result
     */
    public void compute(OnnxTensor logits, OnnxTensor logProbs) {
        if (closed) {
            throw new IllegalStateException("OrtLogSoftmax is closed");
        }
        try {
            // the only output is pinned, so the result owns nothing; close it all the same
            session.run(Map.of("logits", logits), Map.of("logprobs", logProbs)).close();
        } catch (OrtException e) {
            throw new IllegalStateException("log-softmax failed: " + e.getMessage(), e);
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
