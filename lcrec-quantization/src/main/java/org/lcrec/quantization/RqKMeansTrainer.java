package org.lcrec.quantization;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import org.lcrec.quantization.internal.KMeans;
import org.lcrec.quantization.internal.Parallel;

/**
 * Trains residual k-means (RQ-KMeans): level 1 clusters the embeddings into {@code K} centres,
 * every further level clusters what the previous levels left over (the residuals). No neural
 * network; the codebooks live in the embedding space.
 *
 * <p>k-means runs on a seeded uniform sample of at most {@link RqKMeansConfig#maxPointsPerCode()}
 * {@code × K} items (all items when the catalogue is smaller or the bound is 0); the model then
 * encodes every item ({@link RqKMeansModel#encode}). The nearest-centre steps run as matrix
 * products or scalar loops as {@link RqKMeansConfig#distanceKernel()} says.
 *
 * @implNote {@code O(levels × iterations × m × K × d)} for a sample of {@code m} items; memory
 *     {@code O(m × d)} beyond the embeddings. Threads as configured, pool per call. Same config and
 *     data → identical model, for any thread count.
 */
public final class RqKMeansTrainer {
    /**
     * Mixed into the seed for the sample's random stream, so that the per-level k-means seeds stay
     * those of the whole-catalogue trainer.
     */
    static final long SAMPLE_STREAM = 0x5A4D_504C_4553_4545L;

    private final RqKMeansConfig config;

    /**
     * @param config the settings
     */
    public RqKMeansTrainer(RqKMeansConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * @param items the embeddings (at least {@code K} items)
     * @return the model
     * @throws QuantizationException if there are fewer items than codes, or a value is too large
     *     for {@link DistanceKernel#MATMUL}
     */
    public RqKMeansModel fit(Embeddings items) {
        Objects.requireNonNull(items, "items");
        int n = items.rows();
        int d = items.dim();
        int k = config.codes();
        if (n < k) {
            throw new QuantizationException(
                    "RQ-KMeans: fewer items ("
                            + n
                            + ") than codes per level (K = "
                            + k
                            + "); lower K or add items");
        }
        boolean matMul = config.distanceKernel() == DistanceKernel.MATMUL;
        if (matMul) {
            try {
                KMeans.checkPoints(items.array(), n, d, true, "RQ-KMeans: item");
            } catch (IllegalArgumentException e) {
                throw new QuantizationException(e.getMessage(), e);
            }
        }
        int m = config.trainingItems(n);
        float[] residual =
                m == n
                        ? items.toArray()
                        : sampleRows(items.array(), n, d, m, config.seed() ^ SAMPLE_STREAM);
        Codebook[] books = new Codebook[config.levels()];
        double[] inertia = new double[config.levels()];
        SplittableRandom seeds = new SplittableRandom(config.seed());
        ExecutorService pool = Parallel.pool(config.numThreads(), "rq-kmeans");
        try {
            for (int l = 0; l < config.levels(); l++) {
                KMeans.Result r;
                try {
                    r =
                            KMeans.fit(
                                    residual,
                                    m,
                                    d,
                                    k,
                                    config.maxIterations(),
                                    config.balanced(),
                                    config.balanceEpsilon(),
                                    matMul,
                                    seeds.nextLong(),
                                    pool);
                } catch (IllegalArgumentException e) {
                    throw new QuantizationException(
                            "RQ-KMeans level " + (l + 1) + ": " + e.getMessage(), e);
                }
                float[] c = r.centroids();
                int[] a = r.assignment();
                for (int i = 0; i < m; i++) {
                    int o = a[i] * d;
                    for (int j = 0; j < d; j++) {
                        residual[i * d + j] -= c[o + j];
                    }
                }
                books[l] = Codebook.wrap(c, k, d);
                inertia[l] = r.inertia();
            }
        } finally {
            Parallel.close(pool);
        }
        return new RqKMeansModel(books, d, config, inertia);
    }

    /**
     * A uniform sample of {@code m} distinct rows without replacement (a partial Fisher-Yates
     * shuffle of the row numbers), copied in catalogue order.
     *
     * @param x rows, {@code n × d}
     * @param n rows
     * @param d dimension
     * @param m rows to keep, {@code <= n}
     * @param seed the sample's seed
     * @return {@code m × d} values
     */
    static float[] sampleRows(float[] x, int n, int d, int m, long seed) {
        int[] rows = sample(n, m, seed);
        float[] out = new float[m * d];
        for (int i = 0; i < m; i++) {
            System.arraycopy(x, rows[i] * d, out, i * d, d);
        }
        return out;
    }

    /**
     * @param n population
     * @param m sample size, {@code <= n}
     * @param seed seed
     * @return {@code m} distinct numbers in {@code [0, n)}, ascending
     */
    static int[] sample(int n, int m, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        for (int i = 0; i < m; i++) {
            int j = i + rnd.nextInt(n - i);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        int[] rows = Arrays.copyOf(perm, m);
        Arrays.sort(rows);
        return rows;
    }

    @Override
    public String toString() {
        return "RqKMeansTrainer(" + config + ")";
    }
}
