/**
 * The LLaMA-architecture decoder language model: its configuration ({@link
 * org.lcrec.model.llm.LlamaConfig}, Hugging Face config.json), the graph definition on lcrec-onnx
 * ({@link org.lcrec.model.llm.DecoderGraph}), Hugging Face checkpoint I/O ({@link
 * org.lcrec.model.llm.HfCheckpoint}), vocabulary extension for index tokens and CPU-sized presets.
 */
package org.lcrec.model.llm;
