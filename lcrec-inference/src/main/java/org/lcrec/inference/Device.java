package org.lcrec.inference;

/** Where ONNX Runtime runs the decoder. */
public enum Device {
    /** The CPU execution provider (always available). */
    CPU,
    /**
     * The CUDA execution provider: needs the {@code onnxruntime_gpu} artifact on the class path
     * instead of {@code onnxruntime}, and a CUDA-capable machine; opening fails with a clear error
     * otherwise.
     */
    CUDA
}
