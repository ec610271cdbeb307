package org.lcrec.quantization;

/**
 * Settings of {@link IndexGenerator}. Immutable; validated on construction.
 *
 * @param uniformMapping whether the last level is assigned by Sinkhorn ("uniform semantic mapping")
 *     instead of the nearest code
 * @param epsilon Sinkhorn epsilon on centred distances, {@code > 0} (LC-Rec: 0.003)
 * @param sinkhornIterations Sinkhorn iterations, {@code >= 1} (LC-Rec: 50)
 * @param mappingBatch items per Sinkhorn problem, {@code >= 1}: the catalog is mapped in
 *     consecutive batches of this many items (bounds memory at {@code 2 × batch × K} doubles)
 * @param numThreads worker threads, {@code >= 1}
 */
public record IndexConfig(
        boolean uniformMapping,
        double epsilon,
        int sinkhornIterations,
        int mappingBatch,
        int numThreads) {

    /** LC-Rec's last-level epsilon. */
    public static final double LCREC_EPSILON = 0.003;

    /** Validates the settings. */
    public IndexConfig {
        if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
            throw new QuantizationException(
                    "index mapping epsilon must be finite and > 0, found " + epsilon);
        }
        if (sinkhornIterations < 1) {
            throw new QuantizationException(
                    "index sinkhornIterations must be >= 1, found " + sinkhornIterations);
        }
        if (mappingBatch < 1) {
            throw new QuantizationException(
                    "index mappingBatch must be >= 1, found " + mappingBatch);
        }
        if (numThreads < 1) {
            throw new QuantizationException("index numThreads must be >= 1, found " + numThreads);
        }
    }

    /**
     * @return LC-Rec's settings (uniform mapping, epsilon 0.003, 50 iterations), batches of 16,384
     *     items, one thread
     */
    public static IndexConfig lcRec() {
        return new IndexConfig(true, LCREC_EPSILON, 50, 16_384, 1);
    }

    /**
     * @param value threads
     * @return a copy with that thread count
     */
    public IndexConfig withNumThreads(int value) {
        return new IndexConfig(uniformMapping, epsilon, sinkhornIterations, mappingBatch, value);
    }

    /**
     * @param value whether to map uniformly
     * @return a copy with that choice
     */
    public IndexConfig withUniformMapping(boolean value) {
        return new IndexConfig(value, epsilon, sinkhornIterations, mappingBatch, numThreads);
    }

    @Override
    public String toString() {
        return "IndexConfig(uniformMapping="
                + uniformMapping
                + ", epsilon="
                + epsilon
                + ", sinkhornIterations="
                + sinkhornIterations
                + ", mappingBatch="
                + mappingBatch
                + ", numThreads="
                + numThreads
                + ")";
    }
}
