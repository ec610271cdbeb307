package org.lcrec.quantization.internal;

import java.util.concurrent.ExecutorService;

/**
 * Nearest-centre search of many rows against one set of {@code k} centres of dimension {@code d}:
 * the k-means assignment step and the residual encoder's per-level code search. {@link #open} is
 * the one dispatch point between the two kernels: the double-precision {@linkplain Scalar scalar
 * loop} (the reference) and the float32 {@linkplain MatMulNearestCentres matrix product} on ONNX
 * Runtime. Both break ties towards the lowest centre index.
 *
 * <p>Not thread-safe: one instance serves one caller; it may be reused for new centres ({@link
 * #setCentres}) and new rows. Close it in {@code finally}.
 */
public sealed interface NearestCentres extends AutoCloseable
        permits NearestCentres.Scalar, MatMulNearestCentres {

    /**
     * @param matMul the matrix-product kernel, else the scalar loop
     * @param d dimension
     * @param k centres
     * @param maxRows the most rows one {@link #assign} call will pass (sizes the matrix kernel's
     *     block)
     * @param pool the threads rows are split over (null = the calling thread)
     * @return the search
     */
    static NearestCentres open(boolean matMul, int d, int k, int maxRows, ExecutorService pool) {
        return matMul ? new MatMulNearestCentres(d, k, maxRows, pool) : new Scalar(d, k, pool);
    }

    /**
     * @param centres {@code k × d} row-major; read now (the search keeps its own copy or norms)
     */
    void setCentres(float[] centres);

    /**
     * Writes the nearest centre of rows {@code [0, n)} of {@code x} into {@code assign}.
     *
     * @param x rows, row-major {@code n × d}
     * @param n rows
     * @param assign in: the previous assignment (any value), out: the nearest centre of each row
     * @return whether any entry of {@code assign} changed
     */
    boolean assign(float[] x, int n, int[] assign);

    /** Releases native resources; idempotent. */
    @Override
    void close();

    /**
     * The reference: {@code |x|² - 2 x·c + |c|²} per row and centre in double (clamped at 0),
     * argmin over the centres; rows split over the pool in contiguous blocks (each row's answer
     * does not depend on the split).
     */
    final class Scalar implements NearestCentres {
        private final int d;
        private final int k;
        private final ExecutorService pool;
        private float[] centres;
        private double[] norms;

        Scalar(int d, int k, ExecutorService pool) {
            this.d = d;
            this.k = k;
            this.pool = pool;
        }

        @Override
        public void setCentres(float[] c) {
            if (c.length != k * d) {
                throw new IllegalArgumentException(
                        "nearest centre: expected " + k + "x" + d + " centres, found " + c.length);
            }
            centres = c.clone();
            norms = Vectors.squaredNorms(centres, k, d);
        }

        @Override
        public boolean assign(float[] x, int n, int[] assign) {
            if (centres == null) {
                throw new IllegalStateException("nearest centre: no centres set");
            }
            float[] c = centres;
            double[] cn = norms;
            boolean[] changed = new boolean[Parallel.blocks(pool)];
            Parallel.forBlocks(
                    pool,
                    n,
                    (first, limit, block) -> {
                        double[] scratch = new double[k];
                        for (int i = first; i < limit; i++) {
                            Vectors.distancesToAll(x, i * d, c, cn, k, d, scratch, 0);
                            int a = Vectors.argmin(scratch, 0, k);
                            if (a != assign[i]) {
                                changed[block] = true;
                                assign[i] = a;
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

        @Override
        public void close() {
            // nothing native
        }

        @Override
        public String toString() {
            return "NearestCentres.Scalar(d=" + d + ", k=" + k + ")";
        }
    }
}
