/**
 * Training on ONNX Runtime: {@link org.lcrec.onnx.train.Trainer} (forward+backward in one ORT
 * session, optimiser in Java over direct buffers), {@link org.lcrec.onnx.train.Optimizer} (AdamW,
 * SGD with momentum), {@link org.lcrec.onnx.train.LrSchedule} (constant, linear, cosine, each with
 * warmup), gradient clipping and accumulation, NaN/Inf detection and exact-resume checkpoints.
 */
package org.lcrec.onnx.train;
