/**
 * Semantic item IDs (LC-Rec's item indexing, Zheng et al., ICDE 2024): residual quantizers that map
 * item text embeddings to one code per level, and the index generator that turns their codes into a
 * collision-free {@link org.lcrec.core.SemanticIndex}.
 *
 * <ul>
 *   <li>{@link org.lcrec.quantization.Embeddings}: the input matrix, read from NumPy {@code .npy}
 *       files such as LC-Rec's {@code <D>.emb-llama-td.npy}.
 *   <li>{@link org.lcrec.quantization.RqKMeansTrainer} → {@link
 *       org.lcrec.quantization.RqKMeansModel}: residual k-means, no neural network.
 *   <li>{@link org.lcrec.quantization.IndexGenerator} → {@link
 *       org.lcrec.quantization.GeneratedIndex}: uniform semantic mapping of the last level
 *       (Sinkhorn) and exact conflict resolution, with {@link
 *       org.lcrec.quantization.IndexStatistics}.
 * </ul>
 */
package org.lcrec.quantization;
