package org.lcrec.quantization.internal;

/**
 * Float-vector kernels with double accumulation, {@code (array, offset, ..., length)} style; no
 * allocation. Four independent accumulators let the JIT pipeline the multiply-adds.
 */
public final class Vectors {
    private Vectors() {}

    /**
     * @param x first array
     * @param xo offset of the first vector
     * @param y second array
     * @param yo offset of the second vector
     * @param n length
     * @return {@code Σ x_k y_k} in double
     */
    public static double dot(float[] x, int xo, float[] y, int yo, int n) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int k = 0;
        for (; k + 3 < n; k += 4) {
            s0 += (double) x[xo + k] * y[yo + k];
            s1 += (double) x[xo + k + 1] * y[yo + k + 1];
            s2 += (double) x[xo + k + 2] * y[yo + k + 2];
            s3 += (double) x[xo + k + 3] * y[yo + k + 3];
        }
        for (; k < n; k++) {
            s0 += (double) x[xo + k] * y[yo + k];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * @param x first array
     * @param xo offset of the first vector
     * @param y second array
     * @param yo offset of the second vector
     * @param n length
     * @return {@code Σ (x_k - y_k)²} in double
     */
    public static double squaredDistance(float[] x, int xo, float[] y, int yo, int n) {
        double s0 = 0;
        double s1 = 0;
        int k = 0;
        for (; k + 1 < n; k += 2) {
            double d0 = (double) x[xo + k] - y[yo + k];
            double d1 = (double) x[xo + k + 1] - y[yo + k + 1];
            s0 += d0 * d0;
            s1 += d1 * d1;
        }
        for (; k < n; k++) {
            double d = (double) x[xo + k] - y[yo + k];
            s0 += d * d;
        }
        return s0 + s1;
    }

    /**
     * Squared distances from one vector to every row of a codebook, via {@code |x|² - 2 x·c + |c|²}
     * (clamped at 0).
     *
     * @param x the vectors
     * @param xo offset of the vector
     * @param codebook codebook rows, row-major
     * @param norms {@code |c|²} per row
     * @param k rows of the codebook
     * @param d dimension
     * @param out distances (length {@code >= outOffset + k})
     * @param outOffset where to write
     */
    public static void distancesToAll(
            float[] x,
            int xo,
            float[] codebook,
            double[] norms,
            int k,
            int d,
            double[] out,
            int outOffset) {
        double xx = dot(x, xo, x, xo, d);
        for (int c = 0; c < k; c++) {
            double v = xx - 2 * dot(x, xo, codebook, c * d, d) + norms[c];
            out[outOffset + c] = v > 0 ? v : 0;
        }
    }

    /**
     * @param codebook rows, row-major
     * @param k rows
     * @param d dimension
     * @return {@code |c|²} per row
     */
    public static double[] squaredNorms(float[] codebook, int k, int d) {
        double[] n = new double[k];
        for (int c = 0; c < k; c++) {
            n[c] = dot(codebook, c * d, codebook, c * d, d);
        }
        return n;
    }

    /**
     * @param dist distances
     * @param off offset
     * @param k how many
     * @return the index (relative to {@code off}) of the smallest; the lowest on ties
     */
    public static int argmin(double[] dist, int off, int k) {
        int best = 0;
        double bv = dist[off];
        for (int c = 1; c < k; c++) {
            if (dist[off + c] < bv) {
                bv = dist[off + c];
                best = c;
            }
        }
        return best;
    }
}
