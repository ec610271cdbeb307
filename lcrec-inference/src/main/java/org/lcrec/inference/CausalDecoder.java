package org.lcrec.inference;

/**
 * A causal language model with a key/value cache: the one thing the beam search needs from a model.
 * The contract follows the Hugging Face Optimum decoder layout (see {@link OrtCausalDecoder}).
 *
 * <p>The decoder itself is shared and thread-safe; each generation opens its own {@link
 * DecoderRun}, which holds that generation's cache.
 */
public interface CausalDecoder extends AutoCloseable {
    /**
     * @return the shape facts (layers, heads, vocabulary, special ids)
     */
    DecoderConfig config();

    /**
     * @return whether the model reorders its cache in-graph ({@code beam_idx} input); otherwise
     *     {@link DecoderRun#reorder(int[])} gathers the cache rows on the Java side
     */
    boolean reordersInGraph();

    /**
     * @return a new generation with an empty cache
     * @throws IllegalStateException if the decoder is closed
     */
    DecoderRun newRun();

    /** Releases the model; idempotent. Runs still open must not be used afterwards. */
    @Override
    void close();
}
