package org.lcrec.sinkhorn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.lcrec.sinkhorn.internal.SinkhornKernels;

/**
 * Sinkhorn-Knopp: the entropic optimal-transport plan {@code P = diag(u) exp(-C/ε) diag(v)} whose
 * rows sum to {@code a} and columns to {@code b} (Cuturi 2013). Each iteration rescales the rows to
 * their marginals, then the columns, so after every iteration the column marginals hold exactly and
 * the row error measures convergence.
 *
 * <p>Typical use, LC-Rec's uniform mapping of a batch of items to codes:
 *
 * <pre>{@code
 * TransportPlan p = new SinkhornSolver(SinkhornConfig.lcRec(0.003, 50)).solveUniform(dist, n, k);
 * int[] code = p.argmaxPerRow();
 * }</pre>
 *
 * @implNote one iteration costs {@code O(rows × cols)}: the plain form reads the Gibbs kernel once
 *     per iteration (a fused row pass that also accumulates the column sums); the log form reads
 *     the costs twice and evaluates one {@code exp} per entry per half-step. Work is split over
 *     {@code numThreads} contiguous row blocks (fewer for small matrices: at least 65,536 entries
 *     per thread); partial column sums are reduced in block order, so a given thread count and
 *     shape always give the same result. Instances are immutable and thread-safe.
 */
public final class SinkhornSolver {
    /**
     * Matrix entries per worker thread below which extra threads are not used: an iteration over 64
     * Ki doubles takes tens of microseconds, about what handing work to a pool thread and waiting
     * for it costs.
     */
    static final long PARALLEL_GRAIN = 1 << 16;

    private final SinkhornConfig config;

    /**
     * @param config the settings
     */
    public SinkhornSolver(SinkhornConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("Sinkhorn config must be given, found null");
        }
        this.config = config;
    }

    /**
     * @return the settings
     */
    public SinkhornConfig config() {
        return config;
    }

    /**
     * Solves with uniform marginals: every row carries {@code 1/rows}, every column receives {@code
     * 1/cols}.
     *
     * @param cost row-major {@code rows × cols} costs (finite)
     * @param rows rows (items)
     * @param cols columns (codes)
     * @return the plan
     */
    public TransportPlan solveUniform(double[] cost, int rows, int cols) {
        double[] a = new double[Math.max(rows, 0)];
        double[] b = new double[Math.max(cols, 0)];
        Arrays.fill(a, 1.0 / rows);
        Arrays.fill(b, 1.0 / cols);
        return solve(cost, rows, cols, a, b);
    }

    /**
     * Solves for given marginals.
     *
     * @param cost row-major {@code rows × cols} costs (finite; not modified)
     * @param rows rows
     * @param cols columns
     * @param rowMarginals {@code a}, positive, length {@code rows}
     * @param columnMarginals {@code b}, positive, length {@code cols}, same total as {@code a}
     * @return the plan and its diagnostics
     * @throws IllegalArgumentException on malformed input, naming what was expected and found
     * @throws ArithmeticException if the plain form under- or overflows (use {@link
     *     SinkhornForm#LOG_DOMAIN} or a larger epsilon)
     */
    public TransportPlan solve(
            double[] cost, int rows, int cols, double[] rowMarginals, double[] columnMarginals) {
        checkInput(cost, rows, cols, rowMarginals, columnMarginals);
        double[] c = config.centreCosts() ? centred(cost) : cost;
        int threads =
                (int)
                        Math.min(
                                Math.min(config.numThreads(), rows),
                                Math.max(1, (long) rows * cols / PARALLEL_GRAIN));
        ExecutorService pool = threads > 1 ? Executors.newFixedThreadPool(threads, daemon()) : null;
        try {
            return config.form() == SinkhornForm.PLAIN
                    ? plain(c, rows, cols, rowMarginals, columnMarginals, pool, threads)
                    : log(c, rows, cols, rowMarginals, columnMarginals, pool, threads);
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
    }

    /**
     * LC-Rec's cost centring: maps {@code [min, max]} affinely onto about [-1, 1].
     *
     * @param cost the costs (not modified)
     * @return centred costs
     */
    public static double[] centred(double[] cost) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double x : cost) {
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        double mid = (max + min) / 2;
        // LC-Rec adds 1e-5 to the amplitude so that a constant matrix does not divide by zero.
        double amp = max - mid + 1e-5;
        double[] out = new double[cost.length];
        for (int k = 0; k < cost.length; k++) {
            out[k] = (cost[k] - mid) / amp;
        }
        return out;
    }

    private TransportPlan plain(
            double[] c, int rows, int cols, double[] a, double[] b, ExecutorService pool, int t) {
        double min = Double.POSITIVE_INFINITY;
        for (double x : c) {
            min = Math.min(min, x);
        }
        double shift = min;
        double inv = 1 / config.epsilon();
        double[] kernel = new double[rows * cols];
        int[] bounds = blocks(rows, t);
        run(
                pool,
                bounds,
                (first, limit, block) -> {
                    SinkhornKernels.gibbs(c, kernel, cols, shift, inv, first, limit);
                    return 0;
                });
        double[] u = new double[rows];
        double[] v = new double[cols];
        Arrays.fill(u, 1);
        Arrays.fill(v, 1);
        double[][] acc = new double[t][cols];
        double[] history = new double[config.maxIterations()];
        int it = 0;
        boolean converged = false;
        while (it < config.maxIterations()) {
            for (double[] p : acc) {
                Arrays.fill(p, 0);
            }
            double err =
                    run(
                            pool,
                            bounds,
                            (first, limit, block) ->
                                    SinkhornKernels.plainRowPass(
                                            kernel, cols, a, u, v, acc[block], first, limit));
            if (Double.isNaN(err)) {
                throw new ArithmeticException(
                        "Sinkhorn (plain form) under- or overflowed at iteration "
                                + (it + 1)
                                + " with epsilon "
                                + config.epsilon()
                                + ": a row of K v is 0 or infinite; use SinkhornForm.LOG_DOMAIN"
                                + " or a larger epsilon");
            }
            for (int j = 0; j < cols; j++) {
                double s = 0;
                for (int k = 0; k < t; k++) {
                    s += acc[k][j];
                }
                if (!(s > 0) || s == Double.POSITIVE_INFINITY) {
                    throw new ArithmeticException(
                            "Sinkhorn (plain form) under- or overflowed at iteration "
                                    + (it + 1)
                                    + " with epsilon "
                                    + config.epsilon()
                                    + ": column "
                                    + j
                                    + " of K^T u is "
                                    + s
                                    + "; use SinkhornForm.LOG_DOMAIN or a larger epsilon");
                }
                v[j] = b[j] / s;
            }
            if (it > 0) {
                history[it - 1] = err;
            }
            it++;
            if (it > 1 && config.tolerance() > 0 && err <= config.tolerance()) {
                converged = true;
                break;
            }
        }
        double[] plan = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            int o = i * cols;
            for (int j = 0; j < cols; j++) {
                plan[o + j] = u[i] * kernel[o + j] * v[j];
            }
        }
        return finish(plan, rows, cols, a, b, it, history, converged);
    }

    private TransportPlan log(
            double[] c, int rows, int cols, double[] a, double[] b, ExecutorService pool, int t) {
        double eps = config.epsilon();
        double[] logA = new double[rows];
        double[] logB = new double[cols];
        for (int i = 0; i < rows; i++) {
            logA[i] = Math.log(a[i]);
        }
        for (int j = 0; j < cols; j++) {
            logB[j] = Math.log(b[j]);
        }
        double[] f = new double[rows];
        double[] g = new double[cols];
        int[] bounds = blocks(rows, t);
        double[][] m = new double[t][cols];
        double[][] s = new double[t][cols];
        double[] history = new double[config.maxIterations()];
        int it = 0;
        boolean converged = false;
        while (it < config.maxIterations()) {
            double err =
                    run(
                            pool,
                            bounds,
                            (first, limit, block) -> {
                                double e =
                                        SinkhornKernels.logRowPass(
                                                c, cols, eps, a, logA, f, g, first, limit);
                                Arrays.fill(m[block], Double.NEGATIVE_INFINITY);
                                Arrays.fill(s[block], 0);
                                SinkhornKernels.logColumnPartial(
                                        c, cols, eps, f, m[block], s[block], first, limit);
                                return e;
                            });
            for (int k = 1; k < t; k++) {
                SinkhornKernels.mergeLogSumExp(m[0], s[0], m[k], s[k]);
            }
            for (int j = 0; j < cols; j++) {
                g[j] = eps * (logB[j] - m[0][j] - Math.log(s[0][j]));
            }
            if (Double.isNaN(err)) {
                throw new ArithmeticException(
                        "Sinkhorn (log form) produced NaN at iteration " + (it + 1));
            }
            if (it > 0) {
                history[it - 1] = err;
            }
            it++;
            if (it > 1 && config.tolerance() > 0 && err <= config.tolerance()) {
                converged = true;
                break;
            }
        }
        double inv = 1 / eps;
        double[] plan = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            int o = i * cols;
            for (int j = 0; j < cols; j++) {
                plan[o + j] = Math.exp((f[i] + g[j] - c[o + j]) * inv);
            }
        }
        return finish(plan, rows, cols, a, b, it, history, converged);
    }

    private static TransportPlan finish(
            double[] plan,
            int rows,
            int cols,
            double[] a,
            double[] b,
            int iterations,
            double[] history,
            boolean converged) {
        double rowErr = 0;
        double[] colSum = new double[cols];
        for (int i = 0; i < rows; i++) {
            int o = i * cols;
            double r = 0;
            for (int j = 0; j < cols; j++) {
                double p = plan[o + j];
                if (!Double.isFinite(p)) {
                    throw new ArithmeticException(
                            "Sinkhorn plan entry (" + i + ", " + j + ") is " + p);
                }
                r += p;
                colSum[j] += p;
            }
            rowErr += Math.abs(r - a[i]);
        }
        double colErr = 0;
        for (int j = 0; j < cols; j++) {
            colErr += Math.abs(colSum[j] - b[j]);
        }
        double[] h = Arrays.copyOf(history, iterations);
        h[iterations - 1] = rowErr;
        return new TransportPlan(rows, cols, plan, iterations, rowErr, colErr, h, converged);
    }

    @FunctionalInterface
    private interface RowTask {
        double apply(int first, int limit, int block);
    }

    private static int[] blocks(int rows, int t) {
        int[] b = new int[t + 1];
        for (int k = 0; k <= t; k++) {
            b[k] = (int) ((long) rows * k / t);
        }
        return b;
    }

    /** Runs the task on each row block (in parallel when a pool is given); sums the results. */
    private static double run(ExecutorService pool, int[] bounds, RowTask task) {
        int t = bounds.length - 1;
        if (pool == null) {
            double sum = 0;
            for (int k = 0; k < t; k++) {
                sum += task.apply(bounds[k], bounds[k + 1], k);
            }
            return sum;
        }
        List<Future<Double>> futures = new ArrayList<>(t);
        for (int k = 0; k < t; k++) {
            int block = k;
            futures.add(pool.submit(() -> task.apply(bounds[block], bounds[block + 1], block)));
        }
        double sum = 0;
        try {
            for (Future<Double> fu : futures) {
                sum += fu.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Sinkhorn interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("Sinkhorn worker failed: " + cause, cause);
        }
        return sum;
    }

    private static java.util.concurrent.ThreadFactory daemon() {
        return r -> {
            Thread th = new Thread(r, "sinkhorn-worker");
            th.setDaemon(true);
            return th;
        };
    }

    private static void checkInput(double[] cost, int rows, int cols, double[] a, double[] b) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException(
                    "Sinkhorn needs at least 1 row and 1 column, found " + rows + "x" + cols);
        }
        if (cost == null || cost.length != (long) rows * cols) {
            throw new IllegalArgumentException(
                    "Sinkhorn cost matrix: expected "
                            + rows
                            + "x"
                            + cols
                            + " = "
                            + (long) rows * cols
                            + " entries, found "
                            + (cost == null ? "null" : cost.length));
        }
        for (int k = 0; k < cost.length; k++) {
            if (!Double.isFinite(cost[k])) {
                throw new IllegalArgumentException(
                        "Sinkhorn cost at row "
                                + k / cols
                                + ", column "
                                + k % cols
                                + ": expected a finite number, found "
                                + cost[k]);
            }
        }
        double sa = checkMarginals("row", a, rows);
        double sb = checkMarginals("column", b, cols);
        if (Math.abs(sa - sb) > 1e-9 * Math.max(sa, sb)) {
            throw new IllegalArgumentException(
                    "Sinkhorn marginals: row total "
                            + sa
                            + " and column total "
                            + sb
                            + " must be equal (relative 1e-9)");
        }
    }

    private static double checkMarginals(String what, double[] m, int n) {
        if (m == null || m.length != n) {
            throw new IllegalArgumentException(
                    "Sinkhorn "
                            + what
                            + " marginals: expected "
                            + n
                            + " entries, found "
                            + (m == null ? "null" : m.length));
        }
        double s = 0;
        for (int i = 0; i < n; i++) {
            if (!(m[i] > 0) || !Double.isFinite(m[i])) {
                throw new IllegalArgumentException(
                        "Sinkhorn "
                                + what
                                + " marginal "
                                + i
                                + ": expected a finite number > 0, found "
                                + m[i]);
            }
            s += m[i];
        }
        return s;
    }

    @Override
    public String toString() {
        return "SinkhornSolver(" + config + ")";
    }
}
