/**
 * Inference export of decoders: one ONNX graph with a key/value cache in Hugging Face Optimum's
 * input and output layout ({@link org.lcrec.model.export.DecoderExport}), written with its
 * config.json and tokenizer.json so that lcrec-inference and other ONNX Runtime users can load it.
 */
package org.lcrec.model.export;
