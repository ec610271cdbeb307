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

    /**
     * A generation for a beam search, which the decoder may serve faster than a general {@link
     * #newRun()}: the run starts with {@link DecoderRun#prefillLogProbs} (one row per prompt), then
     * alternates {@link DecoderRun#reorder} and {@link DecoderRun#stepLogProbs}; after the first
     * reorder the rows come in equal consecutive groups, one per prompt, and a reorder never moves
     * a row to another prompt's group. {@link DecoderRun#forward} and {@link
     * DecoderRun#forwardAllPositions} may be unsupported. The default is {@link #newRun()}.
     *
     * @return a new generation with an empty cache
     * @throws IllegalStateException if the decoder is closed
     */
    default DecoderRun newBeamRun() {
        return newRun();
    }

    /** Releases the model; idempotent. Runs still open must not be used afterwards. */
    @Override
    void close();
}
