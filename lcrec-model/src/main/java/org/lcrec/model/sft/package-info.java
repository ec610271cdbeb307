/**
 * Supervised fine-tuning of decoders: (prompt, response) examples with response-only loss ({@link
 * org.lcrec.model.sft.SftGraph}), length-bucketed batches, AdamW with warmup and cosine/linear
 * decay, accumulation, clipping, LoRA ({@link org.lcrec.model.sft.LoraConfig}), resumable
 * checkpoints, an evaluation hook and progress listeners ({@link org.lcrec.model.sft.SftTrainer}).
 *
 * <pre>{@code
 * Tokenizer tok = Tokenizer.load(dir.resolve("tokenizer.json")).withIndexTokens(index);
 * LlamaModel base = LlamaModel.load(dir);
 * int added = tok.vocabSize() - base.config().vocabSize();
 * LlamaModel model = VocabularyExtension.withMeanInit(base, added, 42, 0.1);
 * List<SftExample> data = samples.stream()
 *         .map(s -> SftExample.of(tok::encode, s.sftPrompt(), s.response())).toList();
 * SftConfig cfg = SftConfig.builder().lora(LoraConfig.lcRec()).addedTokens(added)
 *         .checkpointEvery(500).build();
 * SftResult r = new SftTrainer(cfg).train(model, data, out, SftListener.onStep(System.out::println), null);
 * DecoderExport.exportDirectory(r.modelDir(), onnxDir, ExportOptions.defaults());
 * }</pre>
 *
 * <p>Precision: float32 on every execution provider (parameters, activations, gradients and
 * optimiser state); bf16/fp16 training is out of scope. Reduced-precision checkpoints (F16, BF16)
 * are widened to float32 when loaded.
 */
package org.lcrec.model.sft;
