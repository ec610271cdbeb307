package org.lcrec.quantization.internal;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import org.lcrec.sinkhorn.SinkhornConfig;
import org.lcrec.sinkhorn.SinkhornForm;
import org.lcrec.sinkhorn.SinkhornSolver;
import org.lcrec.sinkhorn.TransportPlan;

/**
 * Lloyd's k-means with k-means++ seeding (Arthur and Vassilvitskii, SODA 2007), seeded, over float
 * rows with double accumulation of the means. The nearest-centre step runs through {@link
 * NearestCentres}: the scalar double loop, or {@code |c|² - 2 x·cᵀ} as blocked float32 matrix
 * products with the argmin fused ({@link MatMulNearestCentres}). The balanced variant replaces the
 * nearest-centre step by the argmax of a Sinkhorn plan with uniform marginals, which spreads points
 * evenly over the centres (the balanced assignment LC-Rec uses for its last level).
 *
 * @implNote {@code O(iterations × n × k × d)} for the assignments plus {@code O(n × k × d)} scalar
 *     work for k-means++; both split over the given pool's threads (the matrix kernel over as many
 *     ORT threads). Memory {@code O(n × d + k × d)}; the balanced step holds an {@code n × k}
 *     double matrix. Same inputs and seed give the same result for any thread count.
 */
public final class KMeans {
    private static final System.Logger LOG = System.getLogger(KMeans.class.getName());

    private KMeans() {}

    /**
     * The fitted centres. An internal kernel's result: the arrays are handed over as they are, not
     * copied (the centroids of a large level run to megabytes, and only the trainers in this module
     * read them, once), so the caller owns them.
     *
     * @param centroids {@code k × d}, row-major
     * @param assignment centre of each point
     * @param inertia sum of squared distances to the assigned centres
     * @param iterations Lloyd iterations run
     */
    public record Result(float[] centroids, int[] assignment, double inertia, int iterations) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Result r
                    && Arrays.equals(centroids, r.centroids)
                    && Arrays.equals(assignment, r.assignment)
                    && Double.compare(inertia, r.inertia) == 0
                    && iterations == r.iterations;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(centroids) * 31 + Arrays.hashCode(assignment);
        }

        @Override
        public String toString() {
            return "KMeans.Result(centroids="
                    + centroids.length
                    + " floats, points="
                    + assignment.length
                    + ", inertia="
                    + inertia
                    + ", iterations="
                    + iterations
                    + ")";
        }
    }

    /**
     * @param x points, row-major {@code n × d}; every value finite (and at most {@link
     *     MatMulNearestCentres#MAX_ABS} in magnitude for the matrix-product kernel)
     * @param n points, {@code >= k}
     * @param d dimension
     * @param k centres
     * @param maxIterations Lloyd iteration cap, {@code >= 1}
     * @param balanced whether to balance the assignment by Sinkhorn
     * @param balanceEpsilon Sinkhorn epsilon on centred distances (balanced only)
     * @param matMul whether the nearest-centre steps run as matrix products ({@link
     *     MatMulNearestCentres}) instead of the scalar loop; the balanced assignment and k-means++
     *     use the scalar distances either way
     * @param seed random seed
     * @param pool threads (null = this thread); the matrix kernel runs one single-threaded ORT
     *     session per thread
     * @return the centres
     * @throws IllegalArgumentException naming the point and dimension of a NaN, infinite or (for
     *     the matrix kernel) too large value, or if {@code n < k}
     */
    public static Result fit(
            float[] x,
            int n,
            int d,
            int k,
            int maxIterations,
            boolean balanced,
            double balanceEpsilon,
            boolean matMul,
            long seed,
            ExecutorService pool) {
        if (n < k) {
            throw new IllegalArgumentException(
                    "k-means: fewer points (" + n + ") than centres (" + k + ")");
        }
        checkPoints(x, n, d, matMul, "k-means: point");
        float[] c = plusPlus(x, n, d, k, new SplittableRandom(seed), pool);
        int[] assign = new int[n];
        Arrays.fill(assign, -1);
        int it = 0;
        // the balanced assignment needs every distance, so it never opens the nearest search
        NearestCentres search = balanced ? null : NearestCentres.open(matMul, d, k, n, pool);
        try {
            while (it < maxIterations) {
                it++;
                boolean changed =
                        balanced
                                ? assignBalanced(x, n, d, c, k, assign, balanceEpsilon, pool)
                                : assignNearest(search, x, n, c, assign);
                if (!changed && it > 1) {
                    break;
                }
                update(x, n, d, c, k, assign, pool);
            }
            // final consistent assignment for the returned centres
            if (balanced) {
                assignBalanced(x, n, d, c, k, assign, balanceEpsilon, pool);
            } else {
                assignNearest(search, x, n, c, assign);
            }
        } finally {
            if (search != null) {
                search.close();
            }
        }
        double[] dist = new double[n];
        distances(x, n, d, c, assign, dist, pool);
        double inertia = 0;
        for (double v : dist) {
            inertia += v;
        }
        return new Result(c, assign, inertia, it);
    }

    /**
     * The one guard of the k-means input: every value finite, and within {@link
     * MatMulNearestCentres#MAX_ABS} when the matrix kernel will square it in float32.
     *
     * @param x points
     * @param n points
     * @param d dimension
     * @param matMul whether the matrix kernel will see them
     * @param what how the message names a row, e.g. {@code "k-means: point"}
     * @throws IllegalArgumentException naming the first offending row and dimension
     */
    public static void checkPoints(float[] x, int n, int d, boolean matMul, String what) {
        if (x.length < (long) n * d) {
            throw new IllegalArgumentException(
                    "k-means: expected "
                            + n
                            + "x"
                            + d
                            + " = "
                            + (long) n * d
                            + " values, found "
                            + x.length);
        }
        double limit = matMul ? MatMulNearestCentres.MAX_ABS : Float.MAX_VALUE;
        for (int q = 0; q < n * d; q++) {
            float v = x[q];
            if (!(Math.abs(v) <= limit)) {
                String expected =
                        Float.isFinite(v)
                                ? "a magnitude <= "
                                        + MatMulNearestCentres.MAX_ABS
                                        + " (float32 matrix-product distances;"
                                        + " DistanceKernel.SCALAR takes any finite value)"
                                : "a finite number";
                throw new IllegalArgumentException(
                        what
                                + " "
                                + q / d
                                + ", dimension "
                                + q % d
                                + ": expected "
                                + expected
                                + ", found "
                                + v);
            }
        }
    }

    private static boolean assignNearest(
            NearestCentres search, float[] x, int n, float[] c, int[] assign) {
        search.setCentres(c);
        return search.assign(x, n, assign);
    }

    /**
     * Squared distance of every point to its assigned centre, in double.
     *
     * @param x points
     * @param n points
     * @param d dimension
     * @param c centres
     * @param assign centre of each point
     * @param dist out: {@code |x_i - c_assign[i]|²}
     * @param pool threads
     */
    public static void distances(
            float[] x, int n, int d, float[] c, int[] assign, double[] dist, ExecutorService pool) {
        Parallel.forBlocks(
                pool,
                n,
                (first, limit, block) -> {
                    for (int i = first; i < limit; i++) {
                        dist[i] = Vectors.squaredDistance(x, i * d, c, assign[i] * d, d);
                    }
                });
    }

    /**
     * Rows per partial sum of k-means++'s total weight: the sum is taken chunk by chunk in a fixed
     * order, so the thread count never changes which points are drawn.
     */
    static final int PLUS_PLUS_CHUNK = 4096;

    /**
     * k-means++ seeding: the first centre uniformly, every further one with probability
     * proportional to the squared distance to the nearest centre so far. The distance updates run
     * over the pool; the weights are summed in fixed chunks, so the result does not depend on it.
     */
    static float[] plusPlus(
            float[] x, int n, int d, int k, SplittableRandom rnd, ExecutorService pool) {
        float[] c = new float[k * d];
        double[] best = new double[n];
        Arrays.fill(best, Double.POSITIVE_INFINITY);
        int chunks = (n + PLUS_PLUS_CHUNK - 1) / PLUS_PLUS_CHUNK;
        double[] partial = new double[chunks];
        int first = rnd.nextInt(n);
        System.arraycopy(x, first * d, c, 0, d);
        double total = closer(x, n, d, c, 0, best, partial, pool);
        for (int m = 1; m < k; m++) {
            int pick = -1;
            if (total <= 0) {
                // all points coincide with chosen centres: take any, deterministically
                pick = rnd.nextInt(n);
            } else {
                double r = rnd.nextDouble() * total;
                double prefix = 0;
                for (int q = 0; q < chunks && pick < 0; q++) {
                    if (prefix + partial[q] > r) {
                        // the same sum as partial[q], element by element, until it passes r
                        double s = 0;
                        int limit = Math.min(n, (q + 1) * PLUS_PLUS_CHUNK);
                        for (int i = q * PLUS_PLUS_CHUNK; i < limit; i++) {
                            s += best[i];
                            if (prefix + s > r && best[i] > 0) {
                                pick = i;
                                break;
                            }
                        }
                    }
                    prefix += partial[q];
                }
                if (pick < 0) {
                    // r rounded up to the total: the last point with weight
                    for (int i = n - 1; i >= 0 && pick < 0; i--) {
                        if (best[i] > 0) {
                            pick = i;
                        }
                    }
                }
            }
            System.arraycopy(x, pick * d, c, m * d, d);
            total = closer(x, n, d, c, m, best, partial, pool);
        }
        return c;
    }

    /** Lowers {@code best} to the distances to centre {@code m}; returns the chunked total. */
    private static double closer(
            float[] x,
            int n,
            int d,
            float[] c,
            int m,
            double[] best,
            double[] partial,
            ExecutorService pool) {
        int chunks = partial.length;
        Parallel.forBlocks(
                pool,
                chunks,
                (firstChunk, limitChunk, block) -> {
                    for (int q = firstChunk; q < limitChunk; q++) {
                        double s = 0;
                        int limit = Math.min(n, (q + 1) * PLUS_PLUS_CHUNK);
                        for (int i = q * PLUS_PLUS_CHUNK; i < limit; i++) {
                            double v = Vectors.squaredDistance(x, i * d, c, m * d, d);
                            if (v < best[i]) {
                                best[i] = v;
                            }
                            s += best[i];
                        }
                        partial[q] = s;
                    }
                });
        double total = 0;
        for (double p : partial) {
            total += p;
        }
        return total;
    }

    /**
     * The balanced assignment: the {@code n × k} matrix of scalar distances, then the argmax of its
     * Sinkhorn plan with uniform marginals per point.
     *
     * @param x points
     * @param n points
     * @param d dimension
     * @param c centres
     * @param k centres
     * @param assign in: previous assignment (or -1), out: new one
     * @param eps Sinkhorn epsilon
     * @param pool threads
     * @return whether anything changed
     */
    static boolean assignBalanced(
            float[] x,
            int n,
            int d,
            float[] c,
            int k,
            int[] assign,
            double eps,
            ExecutorService pool) {
        double[] norms = Vectors.squaredNorms(c, k, d);
        double[] all = new double[n * k];
        Parallel.forBlocks(
                pool,
                n,
                (first, limit, block) -> {
                    for (int i = first; i < limit; i++) {
                        Vectors.distancesToAll(x, i * d, c, norms, k, d, all, i * k);
                    }
                });
        int[] a = balancedArgmax(all, n, k, eps, Parallel.blocks(pool));
        boolean changed = false;
        for (int i = 0; i < n; i++) {
            if (a[i] != assign[i]) {
                changed = true;
                assign[i] = a[i];
            }
        }
        return changed;
    }

    /**
     * LC-Rec's uniform mapping: argmax of the Sinkhorn plan with uniform marginals on centred
     * costs, 50 iterations; the plain form first, the log form if the plain one overflows.
     *
     * @param cost {@code n × k} costs
     * @param n rows
     * @param k columns
     * @param eps epsilon on the centred costs
     * @param threads threads
     * @return the column of each row
     */
    public static int[] balancedArgmax(double[] cost, int n, int k, double eps, int threads) {
        SinkhornConfig cfg =
                SinkhornConfig.lcRec(eps, SinkhornConfig.LCREC_ITERATIONS).withNumThreads(threads);
        TransportPlan p;
        try {
            p = new SinkhornSolver(cfg).solveUniform(cost, n, k);
        } catch (ArithmeticException e) {
            LOG.log(
                    System.Logger.Level.DEBUG,
                    "balanced assignment: plain Sinkhorn failed ({0}); solving in the log domain",
                    e.getMessage());
            p = new SinkhornSolver(cfg.withForm(SinkhornForm.LOG_DOMAIN)).solveUniform(cost, n, k);
        }
        return p.argmaxPerRow();
    }

    /**
     * Moves every centre to the mean of its points; an empty centre moves onto the point farthest
     * from its (old) centre that no other empty centre took (deterministic).
     */
    private static void update(
            float[] x, int n, int d, float[] c, int k, int[] assign, ExecutorService pool) {
        double[] sum = new double[k * d];
        int[] count = new int[k];
        for (int i = 0; i < n; i++) {
            int a = assign[i];
            count[a]++;
            int o = a * d;
            int xo = i * d;
            for (int j = 0; j < d; j++) {
                sum[o + j] += x[xo + j];
            }
        }
        double[] dist = null;
        for (int m = 0; m < k && dist == null; m++) {
            if (count[m] == 0) {
                dist = new double[n];
                distances(x, n, d, c, assign, dist, pool);
            }
        }
        boolean[] taken = dist == null ? null : new boolean[n];
        for (int m = 0; m < k; m++) {
            if (count[m] > 0) {
                for (int j = 0; j < d; j++) {
                    c[m * d + j] = (float) (sum[m * d + j] / count[m]);
                }
            } else {
                int far = -1;
                for (int i = 0; i < n; i++) {
                    if (!taken[i] && (far < 0 || dist[i] > dist[far])) {
                        far = i;
                    }
                }
                taken[far] = true;
                dist[far] = 0;
                System.arraycopy(x, far * d, c, m * d, d);
            }
        }
    }
}
