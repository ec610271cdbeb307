/**
 * Baselines that give every generative result its context: random, most-popular and item-to-item
 * co-occurrence recommenders, and any other through the open {@link
 * org.lcrec.inference.baseline.Baseline} interface (user-aware queries, {@code Baseline.of} for a
 * scoring function), scored with the same HR@K / NDCG@K under explicit {@link
 * org.lcrec.inference.baseline.EvaluationRules}: whether history items may be recommended, and
 * which part of each sequence the baselines are fitted on (by default what the model trains on).
 */
package org.lcrec.inference.baseline;
