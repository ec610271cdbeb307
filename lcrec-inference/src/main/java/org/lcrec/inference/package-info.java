/**
 * Recommendation as constrained generation: the item trie over token ids ({@link
 * org.lcrec.inference.ItemTrie}), batched beam search with the KV cache kept in ONNX Runtime
 * ({@link org.lcrec.inference.BeamSearch}), the thread-safe {@link
 * org.lcrec.inference.Recommender}, and leave-one-out evaluation ({@link
 * org.lcrec.inference.Evaluator}: HR@K, NDCG@K, bootstrap confidence intervals, paired tests).
 *
 * <p>The decoder contract is the Hugging Face Optimum causal-LM layout ({@link
 * org.lcrec.inference.CausalDecoder}, {@link org.lcrec.inference.OrtCausalDecoder}), so a model
 * fine-tuned in Python and exported by Optimum can be served from Java, as can the graphs exported
 * by lcrec-model.
 *
 * <p>Reference: Zheng et al., "Adapting Large Language Models by Integrating Collaborative
 * Semantics for Recommendation", ICDE 2024 (LC-Rec). LC-Rec constrains each position to the tokens
 * seen at that level ({@link org.lcrec.inference.ConstraintMode#PER_POSITION}); the default here is
 * an exact prefix trie ({@link org.lcrec.inference.ConstraintMode#TRIE}).
 */
package org.lcrec.inference;
