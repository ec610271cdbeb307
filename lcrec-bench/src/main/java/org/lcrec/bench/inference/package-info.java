/**
 * Benchmarks of the decode hot path of lcrec-inference: trie masking + top-k against one plain pass
 * over the same logits ({@link org.lcrec.bench.inference.DecodeHotPathBenchmark}), the Java-side
 * share of a beam step against the bare {@code session.run} ({@link
 * org.lcrec.bench.inference.BeamStepBenchmark}), and users per second for whole recommendations
 * ({@link org.lcrec.bench.inference.RecommendThroughputBenchmark}). The model benchmarks use
 * lcrec-inference's tiny test decoder (vocabulary 512, 2 layers, hidden 32); run them from the
 * repository root or pass {@code -p modelDir=...}.
 */
package org.lcrec.bench.inference;
