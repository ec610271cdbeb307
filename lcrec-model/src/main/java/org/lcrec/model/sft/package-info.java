/**
 * Supervised fine-tuning of decoders: (prompt, response) examples with response-only loss ({@link
 * org.lcrec.model.sft.SftGraph}), length-bucketed batches, AdamW with warmup and cosine/linear
 * decay, accumulation, clipping, LoRA ({@link org.lcrec.model.sft.LoraConfig}), resumable
 * checkpoints, an evaluation hook and progress listeners ({@link org.lcrec.model.sft.SftTrainer}).
 */
package org.lcrec.model.sft;
