package org.lcrec.sinkhorn.internal;

/**
 * Hot loops of Sinkhorn-Knopp over a row-major {@code rows × cols} matrix, one row range at a time
 * so that callers can split rows over threads. Every method touches only rows {@code [first,
 * limit)} of the matrix and the per-row vectors, and accumulates column quantities into
 * caller-owned partial arrays.
 */
public final class SinkhornKernels {
    private SinkhornKernels() {}

    /**
     * Fills the Gibbs kernel {@code K = exp(-(C - shift) / epsilon)} for rows {@code [first,
     * limit)}.
     *
     * @param cost the costs, row-major
     * @param kernel the output, same layout
     * @param cols columns per row
     * @param shift subtracted from every cost (the minimum cost keeps {@code K <= 1})
     * @param invEpsilon {@code 1 / epsilon}
     * @param first first row
     * @param limit one past the last row
     */
    public static void gibbs(
            double[] cost,
            double[] kernel,
            int cols,
            double shift,
            double invEpsilon,
            int first,
            int limit) {
        for (int k = first * cols, end = limit * cols; k < end; k++) {
            kernel[k] = Math.exp(-(cost[k] - shift) * invEpsilon);
        }
    }

    /**
     * One fused pass of the plain form over rows {@code [first, limit)}: for each row {@code s =
     * K_i · v}, the row's current marginal error {@code |u_i s - a_i|} is accumulated, {@code u_i =
     * a_i / s}, and {@code K_i u_i} is added to {@code colAcc} (the column sums {@code K^T u} from
     * which the caller rescales {@code v}). The matrix is read once.
     *
     * @param kernel the Gibbs kernel, row-major
     * @param cols columns per row
     * @param a row marginals
     * @param u row scalings (updated)
     * @param v column scalings (read)
     * @param colAcc column accumulator of length {@code cols} (added to)
     * @param first first row
     * @param limit one past the last row
     * @return the L1 row-marginal error of the scalings before this pass, or NaN if a row of {@code
     *     K v} is zero or not finite (the plain form has under- or overflowed)
     */
    public static double plainRowPass(
            double[] kernel,
            int cols,
            double[] a,
            double[] u,
            double[] v,
            double[] colAcc,
            int first,
            int limit) {
        double err = 0;
        for (int i = first; i < limit; i++) {
            int o = i * cols;
            // four accumulators: independent add chains the CPU can overlap
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            int j = 0;
            for (; j + 3 < cols; j += 4) {
                s0 += kernel[o + j] * v[j];
                s1 += kernel[o + j + 1] * v[j + 1];
                s2 += kernel[o + j + 2] * v[j + 2];
                s3 += kernel[o + j + 3] * v[j + 3];
            }
            for (; j < cols; j++) {
                s0 += kernel[o + j] * v[j];
            }
            double s = (s0 + s1) + (s2 + s3);
            if (!(s > 0) || s == Double.POSITIVE_INFINITY) {
                return Double.NaN;
            }
            err += Math.abs(u[i] * s - a[i]);
            double ui = a[i] / s;
            u[i] = ui;
            for (int c = 0; c < cols; c++) {
                colAcc[c] += kernel[o + c] * ui;
            }
        }
        return err;
    }

    /**
     * The row half-step of the log form over rows {@code [first, limit)}: {@code f_i = ε log a_i -
     * ε LSE_j((g_j - C_ij) / ε)}.
     *
     * @param cost the costs, row-major
     * @param cols columns per row
     * @param epsilon ε
     * @param a row marginals
     * @param logA {@code log a}
     * @param f row potentials (updated)
     * @param g column potentials (read)
     * @param first first row
     * @param limit one past the last row
     * @return the L1 row-marginal error of the potentials before this half-step ({@code Σ a_i
     *     |exp((f_old - f_new) / ε) - 1|}, exact and free)
     */
    public static double logRowPass(
            double[] cost,
            int cols,
            double epsilon,
            double[] a,
            double[] logA,
            double[] f,
            double[] g,
            int first,
            int limit) {
        double inv = 1 / epsilon;
        double err = 0;
        for (int i = first; i < limit; i++) {
            int o = i * cols;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                max = Math.max(max, (g[j] - cost[o + j]) * inv);
            }
            double s = 0;
            for (int j = 0; j < cols; j++) {
                s += Math.exp((g[j] - cost[o + j]) * inv - max);
            }
            double fi = epsilon * (logA[i] - max - Math.log(s));
            err += a[i] * Math.abs(Math.expm1((f[i] - fi) * inv));
            f[i] = fi;
        }
        return err;
    }

    /**
     * The column half-step's partial reduction of the log form over rows {@code [first, limit)}: a
     * streaming log-sum-exp per column of {@code (f_i - C_ij) / ε}, kept as a running maximum
     * {@code m_j} and a sum {@code s_j} of {@code exp(x - m_j)}.
     *
     * @param cost the costs, row-major
     * @param cols columns per row
     * @param epsilon ε
     * @param f row potentials
     * @param m running maxima per column (start at -∞)
     * @param s running sums per column (start at 0)
     * @param first first row
     * @param limit one past the last row
     */
    public static void logColumnPartial(
            double[] cost,
            int cols,
            double epsilon,
            double[] f,
            double[] m,
            double[] s,
            int first,
            int limit) {
        double inv = 1 / epsilon;
        for (int i = first; i < limit; i++) {
            int o = i * cols;
            double fi = f[i];
            for (int j = 0; j < cols; j++) {
                double x = (fi - cost[o + j]) * inv;
                double mj = m[j];
                if (x <= mj) {
                    s[j] += Math.exp(x - mj);
                } else {
                    s[j] = s[j] * Math.exp(mj - x) + 1;
                    m[j] = x;
                }
            }
        }
    }

    /**
     * Merges one streaming log-sum-exp partial into another.
     *
     * @param m maxima (updated)
     * @param s sums (updated)
     * @param m2 the other maxima
     * @param s2 the other sums
     */
    public static void mergeLogSumExp(double[] m, double[] s, double[] m2, double[] s2) {
        for (int j = 0; j < m.length; j++) {
            if (m2[j] == Double.NEGATIVE_INFINITY) {
                continue;
            }
            if (m2[j] <= m[j]) {
                s[j] += s2[j] * Math.exp(m2[j] - m[j]);
            } else {
                s[j] = s[j] * Math.exp(m[j] - m2[j]) + s2[j];
                m[j] = m2[j];
            }
        }
    }
}
