package org.lcrec.quantization;

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
 * @implNote {@code O(levels × iterations × n × K × d)}; threads as configured, pool per call. Same
 *     config and data → identical model.
 */
public final class RqKMeansTrainer {
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
     * @throws QuantizationException if there are fewer items than codes
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
        float[] residual = items.toArray();
        Codebook[] books = new Codebook[config.levels()];
        double[] inertia = new double[config.levels()];
        SplittableRandom seeds = new SplittableRandom(config.seed());
        ExecutorService pool = Parallel.pool(config.numThreads(), "rq-kmeans");
        try {
            for (int l = 0; l < config.levels(); l++) {
                KMeans.Result r =
                        KMeans.fit(
                                residual,
                                n,
                                d,
                                k,
                                config.maxIterations(),
                                config.balanced(),
                                config.balanceEpsilon(),
                                seeds.nextLong(),
                                pool);
                float[] c = r.centroids();
                int[] a = r.assignment();
                for (int i = 0; i < n; i++) {
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

    @Override
    public String toString() {
        return "RqKMeansTrainer(" + config + ")";
    }
}
