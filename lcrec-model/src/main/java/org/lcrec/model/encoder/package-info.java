/**
 * Item text embeddings: {@link org.lcrec.model.encoder.TextEncoder} (a BERT-style ONNX encoder such
 * as the bundled all-MiniLM-L6-v2, mean pooling, optional L2 normalisation), {@link
 * org.lcrec.model.encoder.ItemTexts} (the item fields LC-Rec embeds), {@link
 * org.lcrec.model.encoder.EmbeddingCache} (embeddings keyed by encoder and text hash) and {@link
 * org.lcrec.model.encoder.Npy} (NumPy {@code .npy} matrices, LC-Rec's embedding file format).
 */
package org.lcrec.model.encoder;
