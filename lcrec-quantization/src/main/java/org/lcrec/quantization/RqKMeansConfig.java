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
 * @param seed random seed of k-means++ and of the training sample
 * @param numThreads worker threads, {@code >= 1}
 * @param maxPointsPerCode the trainer fits k-means on at most {@code maxPointsPerCode × codes}
 *     items, a seeded uniform sample of the catalogue without replacement (FAISS's {@code
 *     max_points_per_centroid}); {@code 0} trains on every item. {@code >= 0}; default {@value
 *     #DEFAULT_MAX_POINTS_PER_CODE}. Encoding always covers every item.
 * @param distanceKernel how nearest codes are found in training and encoding
 */
public record RqKMeansConfig(
        int levels,
        int codes,
        int maxIterations,
        boolean balanced,
        double balanceEpsilon,
        long seed,
        int numThreads,
        int maxPointsPerCode,
        DistanceKernel distanceKernel) {

    /**
     * Training items per code by default: 256, FAISS's {@code max_points_per_centroid}, past which
     * more points barely move the centres; at {@code K = 256} a sample of 65,536 items.
     */
    public static final int DEFAULT_MAX_POINTS_PER_CODE = 256;

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
        if (maxPointsPerCode < 0) {
            throw new QuantizationException(
                    "RQ-KMeans maxPointsPerCode must be >= 0 (0 = every item), found "
                            + maxPointsPerCode);
        }
        if (distanceKernel == null) {
            throw new QuantizationException(
                    "RQ-KMeans distanceKernel must be MATMUL or SCALAR, found null");
        }
    }

    /**
     * @param items items in the catalogue
     * @return how many of them k-means trains on: {@code min(items, maxPointsPerCode × codes)}, or
     *     all for {@code maxPointsPerCode = 0}
     */
    public int trainingItems(int items) {
        if (maxPointsPerCode == 0) {
            return items;
        }
        return (int) Math.min(items, (long) maxPointsPerCode * codes);
    }

    /**
     * Named settings, the RQ-KMeans counterparts of {@link RqVaeConfig#preset(String)}: {@code cpu}
     * (3 levels of 256 codes, 25 Lloyd iterations, 2 threads) and {@code lcrec-paper} (4 levels of
     * 256 codes, 100 iterations: LC-Rec's index shape and k-means iteration count); both train on
     * at most {@value #DEFAULT_MAX_POINTS_PER_CODE} items per code with {@link
     * DistanceKernel#MATMUL}.
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
     *     epsilon 0.01, seed 2024, 1 thread, trained on at most 256 items per code, matrix-product
     *     distances
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
                .numThreads(numThreads)
                .maxPointsPerCode(maxPointsPerCode)
                .distanceKernel(distanceKernel);
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

    /**
     * @param value items per code in the training sample, 0 = every item
     * @return a copy with that sample bound
     */
    public RqKMeansConfig withMaxPointsPerCode(int value) {
        return toBuilder().maxPointsPerCode(value).build();
    }

    /**
     * @param value the distance kernel
     * @return a copy with that kernel
     */
    public RqKMeansConfig withDistanceKernel(DistanceKernel value) {
        return toBuilder().distanceKernel(value).build();
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
                + ", maxPointsPerCode="
                + maxPointsPerCode
                + ", distanceKernel="
                + distanceKernel
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
        private int maxPointsPerCode = DEFAULT_MAX_POINTS_PER_CODE;
        private DistanceKernel distanceKernel = DistanceKernel.MATMUL;

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
         * @param v items per code in the training sample, 0 = every item
         * @return this
         */
        public Builder maxPointsPerCode(int v) {
            maxPointsPerCode = v;
            return this;
        }

        /**
         * @param v the distance kernel
         * @return this
         */
        public Builder distanceKernel(DistanceKernel v) {
            distanceKernel = v;
            return this;
        }

        /**
         * @return the validated settings
         */
        public RqKMeansConfig build() {
            return new RqKMeansConfig(
                    levels,
                    codes,
                    maxIterations,
                    balanced,
                    balanceEpsilon,
                    seed,
                    numThreads,
                    maxPointsPerCode,
                    distanceKernel);
        }
    }
}
