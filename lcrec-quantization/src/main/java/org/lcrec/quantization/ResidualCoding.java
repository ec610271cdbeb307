package org.lcrec.quantization;

import java.util.concurrent.ExecutorService;
import org.lcrec.quantization.internal.KMeans;
import org.lcrec.quantization.internal.NearestCentres;
import org.lcrec.quantization.internal.Parallel;

/**
 * Nearest-code residual quantisation of latent vectors in Java, shared by both quantizers: level by
 * level, every item's residual is matched to its nearest code ({@link NearestCentres}, scalar or
 * matrix products) and the code subtracted.
 *
 * @implNote {@code O(n × levels × K × d)}; memory {@code O(n × (2d + levels))} (the residuals, the
 *     last level's residuals and the codes), no {@code n × K} matrix.
 */
final class ResidualCoding {
    private ResidualCoding() {}

    /**
     * @param latent {@code n × d} latent vectors (not modified)
     * @param n items
     * @param d latent dimension
     * @param books one codebook per level, all of the same size
     * @param matMul nearest codes as matrix products ({@link DistanceKernel#MATMUL}), else the
     *     scalar loop
     * @param numThreads threads
     * @param quantized if not null, receives {@code Σ_l code vectors} per item ({@code n × d})
     * @return the encoding; its reconstruction error is that of the latent ({@code |z - ẑ|²})
     * @throws QuantizationException if a value is too large for the matrix kernel
     */
    static Encoding encode(
            float[] latent,
            int n,
            int d,
            Codebook[] books,
            boolean matMul,
            int numThreads,
            float[] quantized) {
        int levels = books.length;
        int k = books[0].size();
        float[] residual = latent.clone();
        float[] last = new float[n * d];
        int[] codes = new int[n * levels];
        int[] nearest = new int[n];
        int blocks = Math.max(1, numThreads);
        double[][] norms = new double[blocks][levels + 1];
        if (matMul) {
            try {
                KMeans.checkPoints(latent, n, d, true, "encode: item");
            } catch (IllegalArgumentException e) {
                throw new QuantizationException(e.getMessage(), e);
            }
        }
        ExecutorService pool = Parallel.pool(numThreads, "residual-coding");
        try (NearestCentres search = NearestCentres.open(matMul, d, k, n, pool)) {
            Parallel.forBlocks(
                    pool,
                    n,
                    (first, limit, block) -> {
                        for (int i = first; i < limit; i++) {
                            norms[block][0] += Math.sqrt(sq(residual, i * d, d));
                        }
                    });
            for (int l = 0; l < levels; l++) {
                if (l == levels - 1) {
                    System.arraycopy(residual, 0, last, 0, n * d);
                }
                float[] v = books[l].array();
                search.setCentres(v);
                search.assign(residual, n, nearest);
                int level = l;
                Parallel.forBlocks(
                        pool,
                        n,
                        (first, limit, block) -> {
                            for (int i = first; i < limit; i++) {
                                int o = i * d;
                                int c = nearest[i];
                                codes[i * levels + level] = c;
                                for (int j = 0; j < d; j++) {
                                    residual[o + j] -= v[c * d + j];
                                }
                                norms[block][level + 1] += Math.sqrt(sq(residual, o, d));
                            }
                        });
            }
        } finally {
            Parallel.close(pool);
        }
        double[] mean = new double[levels + 1];
        for (double[] b : norms) {
            for (int l = 0; l <= levels; l++) {
                mean[l] += b[l];
            }
        }
        for (int l = 0; l <= levels; l++) {
            mean[l] /= n;
        }
        double se = 0;
        for (int q = 0; q < residual.length; q++) {
            se += (double) residual[q] * residual[q];
            if (quantized != null) {
                quantized[q] = latent[q] - residual[q];
            }
        }
        return new Encoding(n, levels, codes, last, d, mean, se / ((double) n * d));
    }

    private static double sq(float[] x, int o, int d) {
        double s = 0;
        for (int j = 0; j < d; j++) {
            s += (double) x[o + j] * x[o + j];
        }
        return s;
    }
}
