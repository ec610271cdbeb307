package org.lcrec.model.encoder;

/**
 * How a {@link TextEncoder} runs.
 *
 * @param maxLength the longest token sequence fed to the model, special tokens included (longer
 *     texts are truncated); all-MiniLM-L6-v2 was trained with 256
 * @param batchSize texts per model call; texts are sorted by length first so a batch pads little
 * @param normalize whether embeddings are scaled to unit L2 norm
 * @param numThreads ONNX Runtime intra-op threads (the parallelism of one model call)
 */
public record TextEncoderConfig(int maxLength, int batchSize, boolean normalize, int numThreads) {
    /** Validates the fields. */
    public TextEncoderConfig {
        if (maxLength < 2) {
            throw new IllegalArgumentException("maxLength must be >= 2, found " + maxLength);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, found " + batchSize);
        }
        if (numThreads < 1) {
            throw new IllegalArgumentException("numThreads must be >= 1, found " + numThreads);
        }
    }

    /**
     * @return maxLength 256, batchSize 32, L2-normalised, one thread per available processor
     */
    public static TextEncoderConfig defaults() {
        return new TextEncoderConfig(256, 32, true, Runtime.getRuntime().availableProcessors());
    }

    /**
     * @param n the max length
     * @return a copy with it
     */
    public TextEncoderConfig withMaxLength(int n) {
        return new TextEncoderConfig(n, batchSize, normalize, numThreads);
    }

    /**
     * @param n the batch size
     * @return a copy with it
     */
    public TextEncoderConfig withBatchSize(int n) {
        return new TextEncoderConfig(maxLength, n, normalize, numThreads);
    }

    /**
     * @param b whether to L2-normalise
     * @return a copy with it
     */
    public TextEncoderConfig withNormalize(boolean b) {
        return new TextEncoderConfig(maxLength, batchSize, b, numThreads);
    }

    /**
     * @param n the thread count
     * @return a copy with it
     */
    public TextEncoderConfig withNumThreads(int n) {
        return new TextEncoderConfig(maxLength, batchSize, normalize, n);
    }

    @Override
    public String toString() {
        return "TextEncoderConfig(maxLength="
                + maxLength
                + ", batchSize="
                + batchSize
                + ", normalize="
                + normalize
                + ", numThreads="
                + numThreads
                + ")";
    }
}
