package org.lcrec.onnx.runtime;

/** Where ONNX Runtime runs a session. */
public enum ExecutionProvider {
    /** The default CPU provider (always available). */
    CPU,
    /**
     * NVIDIA CUDA; needs the {@code com.microsoft.onnxruntime:onnxruntime_gpu} artifact on the
     * class path instead of {@code onnxruntime}, and a CUDA/cuDNN installation.
     */
    CUDA
}
