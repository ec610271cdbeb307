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
 * rows with double accumulation. The balanced variant replaces the nearest-centre step by the
 * argmax of a Sinkhorn plan with uniform marginals, which spreads points evenly over the centres
 * (the balanced assignment LC-Rec uses for its last level).
 *
 * @implNote {@code O(iterations × n × k × d)}; assignment split over the given pool's threads; the
 *     balanced step holds an {@code n × k} double matrix.
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
     * @param x points, row-major {@code n × d}
     * @param n points, {@code >= k}
     * @param d dimension
     * @param k centres
     * @param maxIterations Lloyd iteration cap, {@code >= 1}
     * @param balanced whether to balance the assignment by Sinkhorn
     * @param balanceEpsilon Sinkhorn epsilon on centred distances (balanced only)
     * @param seed random seed
     * @param pool threads (null = this thread)
     * @return the centres
     */
    public static Result fit(
            float[] x,
            int n,
            int d,
            int k,
            int maxIterations,
            boolean balanced,
            double balanceEpsilon,
            long seed,
            ExecutorService pool) {
        if (n < k) {
            throw new IllegalArgumentException(
                    "k-means: fewer points (" + n + ") than centres (" + k + ")");
        }
        float[] c = plusPlus(x, n, d, k, new SplittableRandom(seed));
        int[] assign = new int[n];
        Arrays.fill(assign, -1);
        double[] dist = new double[n]; // distance of each point to its centre
        int it = 0;
        double inertia = 0;
        while (it < maxIterations) {
            it++;
            boolean changed = assign(x, n, d, c, k, assign, dist, balanced, balanceEpsilon, pool);
            inertia = 0;
            for (double v : dist) {
                inertia += v;
            }
            if (!changed && it > 1) {
                break;
            }
            update(x, n, d, c, k, assign, dist);
        }
        // final consistent assignment for the returned centres
        assign(x, n, d, c, k, assign, dist, balanced, balanceEpsilon, pool);
        inertia = 0;
        for (double v : dist) {
            inertia += v;
        }
        return new Result(c, assign, inertia, it);
    }

    static float[] plusPlus(float[] x, int n, int d, int k, SplittableRandom rnd) {
        float[] c = new float[k * d];
        double[] best = new double[n];
        int first = rnd.nextInt(n);
        System.arraycopy(x, first * d, c, 0, d);
        double total = 0;
        for (int i = 0; i < n; i++) {
            best[i] = Vectors.squaredDistance(x, i * d, c, 0, d);
            total += best[i];
        }
        for (int m = 1; m < k; m++) {
            int pick;
            if (total <= 0) {
                // all points coincide with chosen centres: take any, deterministically
                pick = rnd.nextInt(n);
            } else {
                double r = rnd.nextDouble() * total;
                pick = n - 1;
                double acc = 0;
                for (int i = 0; i < n; i++) {
                    acc += best[i];
                    if (acc > r && best[i] > 0) {
                        pick = i;
                        break;
                    }
                }
            }
            System.arraycopy(x, pick * d, c, m * d, d);
            total = 0;
            for (int i = 0; i < n; i++) {
                double v = Vectors.squaredDistance(x, i * d, c, m * d, d);
                if (v < best[i]) {
                    best[i] = v;
                }
                total += best[i];
            }
        }
        return c;
    }

    /**
     * Assigns every point; returns whether any assignment changed.
     *
     * @param x points
     * @param n points
     * @param d dimension
     * @param c centres
     * @param k centres
     * @param assign in: previous assignment (or -1), out: new one
     * @param dist out: squared distance to the assigned centre
     * @param balanced Sinkhorn-balanced assignment
     * @param eps Sinkhorn epsilon
     * @param pool threads
     * @return whether anything changed
     */
    public static boolean assign(
            float[] x,
            int n,
            int d,
            float[] c,
            int k,
            int[] assign,
            double[] dist,
            boolean balanced,
            double eps,
            ExecutorService pool) {
        double[] norms = Vectors.squaredNorms(c, k, d);
        boolean[] changed = new boolean[Parallel.blocks(pool)];
        if (!balanced) {
            Parallel.forBlocks(
                    pool,
                    n,
                    (first, limit, block) -> {
                        double[] scratch = new double[k];
                        for (int i = first; i < limit; i++) {
                            Vectors.distancesToAll(x, i * d, c, norms, k, d, scratch, 0);
                            int a = Vectors.argmin(scratch, 0, k);
                            if (a != assign[i]) {
                                changed[block] = true;
                                assign[i] = a;
                            }
                            dist[i] = scratch[a];
                        }
                    });
        } else {
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
            for (int i = 0; i < n; i++) {
                if (a[i] != assign[i]) {
                    changed[0] = true;
                    assign[i] = a[i];
                }
                dist[i] = all[i * k + a[i]];
            }
        }
        for (boolean b : changed) {
            if (b) {
                return true;
            }
        }
        return false;
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

    private static void update(
            float[] x, int n, int d, float[] c, int k, int[] assign, double[] dist) {
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
        boolean[] taken = new boolean[n];
        for (int m = 0; m < k; m++) {
            if (count[m] > 0) {
                for (int j = 0; j < d; j++) {
                    c[m * d + j] = (float) (sum[m * d + j] / count[m]);
                }
            } else {
                // empty centre: move it onto the point farthest from its centre (deterministic)
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
