package org.lcrec.quantization;

/**
 * How {@link RqKMeansTrainer} and {@link RqKMeansModel#encode} find the nearest code of an item
 * (the k-means assignment step and the encoder's per-level search).
 */
public enum DistanceKernel {
    /**
     * {@code |c|² - 2 x·cᵀ} for a block of items against all codes as one float32 matrix product on
     * ONNX Runtime (Gemm), with the argmin fused into the same graph, one single-threaded session
     * per thread: 74% of ORT's own MatMul rate in the run quoted under {@link #SCALAR}. Agrees with
     * {@link #SCALAR} except between codes whose squared distances are equal within float32
     * rounding (within about {@code 2 d 2⁻²⁴ (|x|² + |c_a|² + |c_b|²)}, the bound the tests check);
     * that rounding, and so the side such a near-tie falls on, can differ between CPUs, never
     * between thread counts. Values must stay within {@code 1e15} in magnitude.
     */
    MATMUL,
    /**
     * One double-precision distance loop per item and code in Java: bit-for-bit the same answer on
     * every machine, and many times slower than {@link #MATMUL}: 3.6 against 56.9 GFLOP/s in one
     * run of lcrec-bench's {@code KMeansAssignmentBenchmark} on two cores (400,000 × 64 items, K =
     * 256).
     */
    SCALAR
}
