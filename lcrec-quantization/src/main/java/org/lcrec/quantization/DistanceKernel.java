package org.lcrec.quantization;

/**
 * How {@link RqKMeansTrainer} and {@link RqKMeansModel#encode} find the nearest code of an item
 * (the k-means assignment step and the encoder's per-level search).
 */
public enum DistanceKernel {
    /**
     * {@code |c|² - 2 x·cᵀ} for a block of items against all codes as one float32 matrix product on
     * ONNX Runtime (Gemm), with the argmin fused into the same graph: at the MatMul rate of the
     * machine. Agrees with {@link #SCALAR} except between codes whose distances are equal within
     * float32 rounding (about {@code 1e-6} of {@code |x|² + |c|²}); the rounding, and so such
     * near-ties, can differ between CPUs. Values must stay below {@code 1e15} in magnitude.
     */
    MATMUL,
    /**
     * One double-precision distance loop per item and code in Java: bit-for-bit the same answer on
     * every machine, and many times slower than {@link #MATMUL} (lcrec-bench's {@code
     * KMeansAssignmentBenchmark} measures both against ORT's MatMul rate).
     */
    SCALAR
}
