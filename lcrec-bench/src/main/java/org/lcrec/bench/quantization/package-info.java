/**
 * Benchmarks of semantic-ID construction: a Sinkhorn iteration on a 10,000 × 256 cost matrix
 * against a plain streaming pass over the same matrix, and RQ-VAE training throughput against an
 * ORT MatMul, each reference measured in the same run.
 */
package org.lcrec.bench.quantization;
