package org.lcrec.quantization.internal;

import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Map;
import org.lcrec.onnx.DType;
import org.lcrec.onnx.GraphBuilder;
import org.lcrec.onnx.OnnxExport;
import org.lcrec.onnx.Tensor;
import org.lcrec.onnx.runtime.DirectTensor;
import org.lcrec.onnx.runtime.InferenceSession;
import org.lcrec.onnx.runtime.OnnxRuntimeException;
import org.lcrec.onnx.runtime.SessionConfig;

/**
 * Nearest centre as a matrix product: for a block of {@code B} rows, {@code S = |c|² - 2 X Cᵀ} is
 * one ORT {@code Gemm} ({@code alpha = -2}, {@code beta = 1}, the centre norms as the broadcast
 * bias) and the nearest centre of each row is ORT's {@code ArgMin} of {@code S} in the same graph
 * (first index on ties), so the {@code B × k} scores never reach Java. {@code |x|²} is the same for
 * every centre of a row and is left out. Rows are copied block by block into one reused direct
 * buffer; the last block reuses stale rows beyond {@code n}, whose answers are ignored.
 *
 * <p>Float32 throughout, so two centres whose squared distances differ by less than the rounding of
 * the product (about {@code d · 2⁻²⁴ · (|x|² + |c|²)}) may be ordered differently than by {@link
 * NearestCentres.Scalar}. Values up to {@link #MAX_ABS} in magnitude keep every product finite.
 *
 * @implNote {@code O(n k d)} per {@link #assign} at ORT's MatMul rate; memory {@code B × (d + k)}
 *     floats, independent of {@code n}. Per block no Java arrays are allocated; ORT's Java binding
 *     allocates a few small objects per run.
 */
public final class MatMulNearestCentres implements NearestCentres {
    /**
     * Largest magnitude of a row or centre value: with {@code |v| <= 1e15}, squares stay below
     * {@code 1e30} and a squared norm below {@code 3.4e38} (float32's limit) for {@code d} up to
     * 3.4e8, also for residuals that doubled a few times.
     */
    public static final double MAX_ABS = 1e15;

    /**
     * Scores per block, {@code B × k}: 2^18 floats (1 MiB) stay in a core's L2 (2 MiB here) while
     * ArgMin reads them. At {@code k = 256} this is {@code B = 1024}, measured faster than 256 (the
     * per-run overhead of ORT shows) and than 4096 (the scores spill L2).
     */
    static final int SCORE_FLOATS = 1 << 18;

    /** Fewest rows per block, so that small {@code k} still amortises a run's fixed cost. */
    static final int MIN_ROWS = 64;

    /** Most rows per block, so that the row block itself stays small at small {@code k}. */
    static final int MAX_ROWS = 8192;

    private final int d;
    private final int k;
    private final int rows;
    private final InferenceSession session;
    private final DirectTensor xBlock;
    private final DirectTensor centres;
    private final DirectTensor norms;
    private final DirectTensor nearest;
    private final Map<String, OnnxTensorLike> feeds;
    private final Map<String, OnnxValue> outputs;
    private boolean hasCentres;
    private boolean closed;

    /**
     * @param d dimension
     * @param k centres
     * @param maxRows the most rows one {@link #assign} call passes
     * @param threads ORT intra-op threads ({@code >= 1})
     */
    MatMulNearestCentres(int d, int k, int maxRows, int threads) {
        if (d < 1 || k < 1 || maxRows < 1 || threads < 1) {
            throw new IllegalArgumentException(
                    "nearest centre: expected d, k, maxRows, threads >= 1, found "
                            + d
                            + ", "
                            + k
                            + ", "
                            + maxRows
                            + ", "
                            + threads);
        }
        this.d = d;
        this.k = k;
        this.rows = blockRows(k, maxRows);
        GraphBuilder g = new GraphBuilder("nearest-centre");
        Tensor x = g.input("x", DType.FLOAT, rows, d);
        Tensor c = g.input("c", DType.FLOAT, k, d);
        Tensor cn = g.input("norms", DType.FLOAT, k);
        Tensor scores = g.gemm(x, c, cn, -2f, 1f, false, true);
        g.output("nearest", g.argMin(scores, 1, false));
        byte[] model = OnnxExport.builder().build().toBytes(g.build());
        session = InferenceSession.create(model, SessionConfig.cpu().withIntraOpThreads(threads));
        DirectTensor xb = null;
        DirectTensor cb = null;
        DirectTensor nb = null;
        DirectTensor out = null;
        try {
            xb = new DirectTensor(DType.FLOAT, rows, d);
            cb = new DirectTensor(DType.FLOAT, k, d);
            nb = new DirectTensor(DType.FLOAT, k);
            out = new DirectTensor(DType.INT64, rows);
            feeds = Map.of("x", xb.onnx(), "c", cb.onnx(), "norms", nb.onnx());
            outputs = Map.of("nearest", out.onnx());
        } catch (RuntimeException e) {
            for (DirectTensor t : new DirectTensor[] {xb, cb, nb, out}) {
                if (t != null) {
                    t.close();
                }
            }
            session.close();
            throw e;
        }
        xBlock = xb;
        centres = cb;
        norms = nb;
        nearest = out;
    }

    /**
     * @param k centres
     * @param maxRows rows of the largest call
     * @return rows per block: {@link #SCORE_FLOATS}{@code / k} within [{@link #MIN_ROWS}, {@link
     *     #MAX_ROWS}], no more than {@code maxRows}
     */
    static int blockRows(int k, int maxRows) {
        int r = Math.max(MIN_ROWS, Math.min(MAX_ROWS, SCORE_FLOATS / k));
        return Math.min(r, maxRows);
    }

    /**
     * @return rows per ORT run
     */
    public int blockRows() {
        return rows;
    }

    @Override
    public void setCentres(float[] c) {
        checkOpen();
        if (c.length != k * d) {
            throw new IllegalArgumentException(
                    "nearest centre: expected " + k + "x" + d + " centres, found " + c.length);
        }
        centres.floats().put(0, c, 0, c.length);
        FloatBuffer nb = norms.floats();
        for (int m = 0; m < k; m++) {
            nb.put(m, (float) Vectors.dot(c, m * d, c, m * d, d));
        }
        hasCentres = true;
    }

    @Override
    public boolean assign(float[] x, int n, int[] assign) {
        checkOpen();
        if (!hasCentres) {
            throw new IllegalStateException("nearest centre: no centres set");
        }
        FloatBuffer in = xBlock.floats();
        LongBuffer out = nearest.longs();
        OrtSession s = session.ortSession();
        boolean changed = false;
        for (int first = 0; first < n; first += rows) {
            int b = Math.min(rows, n - first);
            in.put(0, x, first * d, b * d);
            try {
                s.run(feeds, outputs).close();
            } catch (OrtException e) {
                throw new OnnxRuntimeException(
                        "nearest centre: ORT run on rows "
                                + first
                                + ".."
                                + (first + b - 1)
                                + " failed: "
                                + e.getMessage(),
                        e);
            }
            for (int i = 0; i < b; i++) {
                int a = (int) out.get(i);
                if (a != assign[first + i]) {
                    changed = true;
                    assign[first + i] = a;
                }
            }
        }
        return changed;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("nearest centre search is closed");
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            xBlock.close();
            centres.close();
            norms.close();
            nearest.close();
            session.close();
        }
    }

    @Override
    public String toString() {
        return "MatMulNearestCentres(d=" + d + ", k=" + k + ", blockRows=" + rows + ")";
    }
}
