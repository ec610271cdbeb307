package org.lcrec.quantization;

import java.util.concurrent.ExecutorService;
import org.lcrec.quantization.internal.Parallel;

/** Nearest-code residual quantisation of latent vectors in Java, shared by both quantizers. */
final class ResidualCoding {
    private ResidualCoding() {}

    /**
     * @param latent {@code n × d} latent vectors (not modified)
     * @param n items
     * @param d latent dimension
     * @param books one codebook per level
     * @param numThreads threads
     * @param quantized if not null, receives {@code Σ_l code vectors} per item ({@code n × d})
     * @return the encoding; its reconstruction error is that of the latent ({@code |z - ẑ|²})
     */
    static Encoding encode(
            float[] latent, int n, int d, Codebook[] books, int numThreads, float[] quantized) {
        int levels = books.length;
        float[] residual = latent.clone();
        float[] last = new float[n * d];
        int[] codes = new int[n * levels];
        int blocks = Math.max(1, numThreads);
        double[][] norms = new double[blocks][levels + 1];
        ExecutorService pool = Parallel.pool(numThreads, "residual-coding");
        try {
            Parallel.forBlocks(
                    pool,
                    n,
                    (first, limit, block) -> {
                        double[] scratch = new double[books[0].size()];
                        for (int i = first; i < limit; i++) {
                            int o = i * d;
                            norms[block][0] += Math.sqrt(sq(residual, o, d));
                            for (int l = 0; l < levels; l++) {
                                if (l == levels - 1) {
                                    System.arraycopy(residual, o, last, o, d);
                                }
                                Codebook b = books[l];
                                int c = b.nearest(residual, o, scratch);
                                codes[i * levels + l] = c;
                                float[] v = b.array();
                                for (int j = 0; j < d; j++) {
                                    residual[o + j] -= v[c * d + j];
                                }
                                norms[block][l + 1] += Math.sqrt(sq(residual, o, d));
                            }
                        }
                    });
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
        for (int k = 0; k < residual.length; k++) {
            se += (double) residual[k] * residual[k];
            if (quantized != null) {
                quantized[k] = latent[k] - residual[k];
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
