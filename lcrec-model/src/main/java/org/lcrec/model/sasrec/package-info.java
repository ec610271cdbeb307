/**
 * SASRec (Kang &amp; McAuley, "Self-Attentive Sequential Recommendation", ICDM 2018), a learned
 * item-ID baseline for the results tables, trained on lcrec-onnx like the decoder: the graph is
 * built in Java ({@link org.lcrec.model.sasrec.SasRecGraph}), differentiated by lcrec-onnx's
 * Autodiff and run forward + backward on ONNX Runtime, with AdamW in Java.
 *
 * <pre>{@code
 * SasRecConfig cfg = SasRecConfig.builder().maxLength(20).build();
 * try (SasRecModel m = new SasRecTrainer(cfg)
 *         .train(dataset.interactions(), 2, runDir.resolve("checkpoints"), listener)) {
 *     int[] top10 = m.recommend(history, 10, true);
 *     m.save(runDir.resolve("sasrec"));
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@link org.lcrec.model.sasrec.SasRecConfig}: architecture and training settings, validated.
 *   <li>{@link org.lcrec.model.sasrec.SasRecTrainer}: windows of each user's training part,
 *       full-softmax cross-entropy (or the paper's sampled BCE, {@link
 *       org.lcrec.model.sasrec.TrainingLoss}), validation NDCG@10 with early stopping, resumable
 *       checkpoints, the same model for the same seed.
 *   <li>{@link org.lcrec.model.sasrec.SasRecModel}: batched scoring in one ORT call per batch,
 *       top-k with ties to the lower item id, save and load ({@code sasrec.json} + safetensors,
 *       versioned).
 * </ul>
 */
package org.lcrec.model.sasrec;
