/**
 * Benchmarks of semantic-ID construction: a Sinkhorn iteration on a 10,000 × 256 cost matrix
 * against a plain streaming pass over the same matrix, RQ-VAE training throughput against an ORT
 * MatMul, and the k-means assignment of 400,000 × 64 items to 256 centres against an ORT MatMul,
 * each reference measured in the same run; plus {@code ClusteredCatalog}, the seeded catalogue the
 * {@code lcrec index --method rqkmeans} timings are taken on.
 */
package org.lcrec.bench.quantization;
