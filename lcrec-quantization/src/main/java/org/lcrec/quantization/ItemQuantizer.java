package org.lcrec.quantization;

/**
 * A trained residual quantizer that maps item embeddings to one code per level: {@link
 * RqKMeansModel} (residual k-means in the embedding space) or an RQ-VAE (residual quantization of a
 * learned latent). {@link IndexGenerator} turns its encoding into a conflict-free {@link
 * org.lcrec.core.SemanticIndex}.
 */
public interface ItemQuantizer {
    /**
     * @return levels (codes per item)
     */
    int levels();

    /**
     * @return codes per level
     */
    int codebookSize();

    /**
     * @return the embedding dimension it accepts
     */
    int inputDim();

    /**
     * @param level a level, 0-based
     * @return that level's codebook (in the latent space)
     */
    Codebook codebook(int level);

    /**
     * Nearest-code encoding of every item at every level.
     *
     * @param items embeddings with {@link #inputDim()} columns
     * @param numThreads worker threads, {@code >= 1}
     * @return the encoding
     * @throws QuantizationException if the dimension does not match
     */
    Encoding encode(Embeddings items, int numThreads);
}
