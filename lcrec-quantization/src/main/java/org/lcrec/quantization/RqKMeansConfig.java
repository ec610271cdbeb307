package org.lcrec.quantization;

/**
 * Settings of {@link RqKMeansTrainer}. Immutable; validated on construction; build with {@link
 * #builder()}.
 *
 * @param levels levels, {@code 1 ..} {@value org.lcrec.core.IndexTokens#MAX_LEVELS}
 * @param codes codes per level ({@code K}), {@code >= 1}
 * @param maxIterations Lloyd iterations per level, {@code >= 1}
 * @param balanced whether every level's assignment is balanced by Sinkhorn (uniform mapping)
 * @param balanceEpsilon Sinkhorn epsilon on centred distances, {@code > 0}
 * @param seed random seed of k-means++
 * @param numThreads worker threads, {@code >= 1}
 */
public record RqKMeansConfig(
        int levels,
        int codes,
        int maxIterations,
        boolean balanced,
        double balanceEpsilon,
        long seed,
        int numThreads) {

    /** Validates the settings. */
    public RqKMeansConfig {
        if (levels < 1 || levels > org.lcrec.core.IndexTokens.MAX_LEVELS) {
            throw new QuantizationException(
                    "RQ-KMeans levels must be in [1, "
                            + org.lcrec.core.IndexTokens.MAX_LEVELS
                            + "], found "
                            + levels);
        }
        if (codes < 1) {
            throw new QuantizationException("RQ-KMeans codes (K) must be >= 1, found " + codes);
        }
        if (maxIterations < 1) {
            throw new QuantizationException(
                    "RQ-KMeans maxIterations must be >= 1, found " + maxIterations);
        }
        if (!(balanceEpsilon > 0) || Double.isInfinite(balanceEpsilon)) {
            throw new QuantizationException(
                    "RQ-KMeans balanceEpsilon must be finite and > 0, found " + balanceEpsilon);
        }
        if (numThreads < 1) {
            throw new QuantizationException(
                    "RQ-KMeans numThreads must be >= 1, found " + numThreads);
        }
    }

    /**
     * Named settings, the RQ-KMeans counterparts of {@link RqVaeConfig#preset(String)}: {@code cpu}
     * (3 levels of 256 codes, 25 Lloyd iterations, 2 threads) and {@code lcrec-paper} (4 levels of
     * 256 codes, 100 iterations: LC-Rec's index shape and k-means iteration count).
     *
     * @param name the preset
     * @return its settings
     * @throws QuantizationException for an unknown name
     */
    public static RqKMeansConfig preset(String name) {
        return switch (name) {
            case "cpu" -> builder().levels(3).codes(256).maxIterations(25).numThreads(2).build();
            case "lcrec-paper" ->
                    builder().levels(4).codes(256).maxIterations(100).numThreads(2).build();
            default ->
                    throw new QuantizationException(
                            "unknown RQ-KMeans preset \""
                                    + name
                                    + "\"; expected cpu or lcrec-paper");
        };
    }

    /**
     * @return a builder with the defaults: 3 levels of 256 codes, 50 iterations, unbalanced,
     *     epsilon 0.01, seed 2024, 1 thread
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @return a builder holding these settings
     */
    public Builder toBuilder() {
        return new Builder()
                .levels(levels)
                .codes(codes)
                .maxIterations(maxIterations)
                .balanced(balanced)
                .balanceEpsilon(balanceEpsilon)
                .seed(seed)
                .numThreads(numThreads);
    }

    /**
     * @param value threads
     * @return a copy with that thread count
     */
    public RqKMeansConfig withNumThreads(int value) {
        return toBuilder().numThreads(value).build();
    }

    /**
     * @param value seed
     * @return a copy with that seed
     */
    public RqKMeansConfig withSeed(long value) {
        return toBuilder().seed(value).build();
    }

    @Override
    public String toString() {
        return "RqKMeansConfig(levels="
                + levels
                + ", codes="
                + codes
                + ", maxIterations="
                + maxIterations
                + ", balanced="
                + balanced
                + ", balanceEpsilon="
                + balanceEpsilon
                + ", seed="
                + seed
                + ", numThreads="
                + numThreads
                + ")";
    }

    /** Builder of {@link RqKMeansConfig}. */
    public static final class Builder {
        private int levels = 3;
        private int codes = 256;
        private int maxIterations = 50;
        private boolean balanced = false;
        private double balanceEpsilon = 0.01;
        private long seed = 2024;
        private int numThreads = 1;

        private Builder() {}

        /**
         * @param v levels
         * @return this
         */
        public Builder levels(int v) {
            levels = v;
            return this;
        }

        /**
         * @param v codes per level
         * @return this
         */
        public Builder codes(int v) {
            codes = v;
            return this;
        }

        /**
         * @param v Lloyd iterations per level
         * @return this
         */
        public Builder maxIterations(int v) {
            maxIterations = v;
            return this;
        }

        /**
         * @param v balanced assignment
         * @return this
         */
        public Builder balanced(boolean v) {
            balanced = v;
            return this;
        }

        /**
         * @param v Sinkhorn epsilon of the balanced assignment
         * @return this
         */
        public Builder balanceEpsilon(double v) {
            balanceEpsilon = v;
            return this;
        }

        /**
         * @param v seed
         * @return this
         */
        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /**
         * @param v threads
         * @return this
         */
        public Builder numThreads(int v) {
            numThreads = v;
            return this;
        }

        /**
         * @return the validated settings
         */
        public RqKMeansConfig build() {
            return new RqKMeansConfig(
                    levels, codes, maxIterations, balanced, balanceEpsilon, seed, numThreads);
        }
    }
}
