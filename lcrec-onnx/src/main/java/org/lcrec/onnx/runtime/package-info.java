/**
 * Running ONNX models on ONNX Runtime: one process-wide environment ({@link
 * org.lcrec.onnx.runtime.Ort}), provider selection ({@link org.lcrec.onnx.runtime.SessionConfig};
 * CUDA fails with {@link org.lcrec.onnx.runtime.ExecutionProviderUnavailableException} when the GPU
 * build is missing), checked inference sessions and reusable direct-buffer tensors. {@code
 * OrtException} never leaves this package: it is wrapped in {@link
 * org.lcrec.onnx.runtime.OnnxRuntimeException} with context.
 */
package org.lcrec.onnx.runtime;
