package org.lcrec.quantization.internal;

import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Map;
import java.util.concurrent.ExecutorService;
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
 * every centre of a row and is left out.
 *
 * <p>One lane per thread of the caller's pool: its own single-threaded session and reused direct
 * buffers for a row block and its answers (the centres and their norms are shared, read-only). The
 * row blocks are split over the lanes in contiguous runs; every block is computed by the same
 * single-threaded kernel whichever lane runs it, so the answer does not depend on the thread count.
 * The last block reuses stale rows beyond {@code n}, whose answers are ignored. One single-threaded
 * session per thread measured faster than one session with ORT's intra-op threads: ArgMin and the
 * copies then run in parallel too.
 *
 * <p>Float32 throughout, so two centres whose squared distances differ by less than the rounding of
 * the product (about {@code d · 2⁻²⁴ · (|x|² + |c|²)}) may be ordered differently than by {@link
 * NearestCentres.Scalar}. Values up to {@link #MAX_ABS} in magnitude keep every product finite.
 *
 * @implNote {@code O(n k d)} per {@link #assign} at ORT's MatMul rate; memory {@code threads × B ×
 *     (d + k)} floats, independent of {@code n}. Per block no Java arrays are allocated; ORT's Java
 *     binding allocates a few small objects per run.
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
    private final ExecutorService pool;
    private final DirectTensor centres;
    private final DirectTensor norms;
    private final Lane[] lanes;
    private boolean hasCentres;
    private boolean closed;

    /** One thread's session and buffers. */
    private static final class Lane {
        final InferenceSession session;
        final DirectTensor x;
        final DirectTensor nearest;
        final FloatBuffer in;
        final LongBuffer out;
        final Map<String, OnnxTensorLike> feeds;
        final Map<String, OnnxValue> outputs;

        Lane(byte[] model, int rows, int d, DirectTensor centres, DirectTensor norms) {
            session = InferenceSession.create(model, SessionConfig.cpu().withIntraOpThreads(1));
            DirectTensor xb = null;
            DirectTensor ob = null;
            try {
                xb = new DirectTensor(DType.FLOAT, rows, d);
                ob = new DirectTensor(DType.INT64, rows);
                feeds = Map.of("x", xb.onnx(), "c", centres.onnx(), "norms", norms.onnx());
                outputs = Map.of("nearest", ob.onnx());
            } catch (RuntimeException e) {
                if (xb != null) {
                    xb.close();
                }
                if (ob != null) {
                    ob.close();
                }
                session.close();
                throw e;
            }
            x = xb;
            nearest = ob;
            in = xb.floats();
            out = ob.longs();
        }

        /** Nearest centres of rows {@code [first, first + b)}; returns whether any changed. */
        boolean run(float[] rowsIn, int d, int first, int b, int[] assign) {
            in.put(0, rowsIn, first * d, b * d);
            try {
                session.ortSession().run(feeds, outputs).close();
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
            boolean changed = false;
            for (int i = 0; i < b; i++) {
                int a = (int) out.get(i);
                if (a != assign[first + i]) {
                    changed = true;
                    assign[first + i] = a;
                }
            }
            return changed;
        }

        void close() {
            x.close();
            nearest.close();
            session.close();
        }
    }

    /**
     * @param d dimension
     * @param k centres
     * @param maxRows the most rows one {@link #assign} call passes
     * @param pool the caller's threads, one lane each (null = one lane on the calling thread)
     */
    MatMulNearestCentres(int d, int k, int maxRows, ExecutorService pool) {
        if (d < 1 || k < 1 || maxRows < 1) {
            throw new IllegalArgumentException(
                    "nearest centre: expected d, k, maxRows >= 1, found "
                            + d
                            + ", "
                            + k
                            + ", "
                            + maxRows);
        }
        this.d = d;
        this.k = k;
        this.rows = blockRows(k, maxRows);
        this.pool = pool;
        GraphBuilder g = new GraphBuilder("nearest-centre");
        Tensor x = g.input("x", DType.FLOAT, rows, d);
        Tensor c = g.input("c", DType.FLOAT, k, d);
        Tensor cn = g.input("norms", DType.FLOAT, k);
        Tensor scores = g.gemm(x, c, cn, -2f, 1f, false, true);
        g.output("nearest", g.argMin(scores, 1, false));
        byte[] model = OnnxExport.builder().build().toBytes(g.build());
        centres = new DirectTensor(DType.FLOAT, k, d);
        norms = new DirectTensor(DType.FLOAT, k);
        lanes = new Lane[Parallel.blocks(pool)];
        try {
            for (int t = 0; t < lanes.length; t++) {
                lanes[t] = new Lane(model, rows, d, centres, norms);
            }
        } catch (RuntimeException e) {
            closeAll();
            throw e;
        }
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
        int blocks = (n + rows - 1) / rows;
        boolean[] changed = new boolean[lanes.length];
        Parallel.forBlocks(
                pool,
                blocks,
                (firstBlock, limitBlock, lane) -> {
                    Lane l = lanes[lane];
                    for (int blk = firstBlock; blk < limitBlock; blk++) {
                        int first = blk * rows;
                        if (l.run(x, d, first, Math.min(rows, n - first), assign)) {
                            changed[lane] = true;
                        }
                    }
                });
        for (boolean b : changed) {
            if (b) {
                return true;
            }
        }
        return false;
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
            closeAll();
        }
    }

    private void closeAll() {
        for (Lane l : lanes) {
            if (l != null) {
                l.close();
            }
        }
        centres.close();
        norms.close();
    }

    @Override
    public String toString() {
        return "MatMulNearestCentres(d="
                + d
                + ", k="
                + k
                + ", blockRows="
                + rows
                + ", lanes="
                + lanes.length
                + ")";
    }
}
