/**
 * The SDK on Apache Spark, as a library: batch recommendation ({@link
 * org.lcrec.spark.BatchRecommender}) equal to the single-JVM recommender on the same users,
 * leave-one-out evaluation aggregated exactly ({@link org.lcrec.spark.DistributedEvaluator}) equal
 * to {@code Evaluator}, semantic IDs for a catalogue with a trained quantizer ({@link
 * org.lcrec.spark.DistributedIndexer}) equal to {@code IndexGenerator}, and instruction data for
 * the six tasks ({@link org.lcrec.spark.TaskDataWriter}) equal to {@code lcrec tasks}.
 *
 * <p>Spark is provided by the cluster. Model bundles, datasets, quantizers and encoders reach the
 * executors as {@link org.lcrec.spark.ExecutorFile}s (a shared path, or shipped by Spark), and each
 * executor JVM opens each of them once for all its tasks.
 */
package org.lcrec.spark;
