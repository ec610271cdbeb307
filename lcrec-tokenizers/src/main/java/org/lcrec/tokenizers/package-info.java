/**
 * Hugging Face tokenizers in pure Java: {@link org.lcrec.tokenizers.Tokenizer} reads a {@code
 * tokenizer.json} (WordPiece, byte-level BPE, SentencePiece-style BPE with byte fallback) and
 * encodes, batch-encodes and decodes with the same ids as the Rust {@code tokenizers} library;
 * index tokens of a {@link org.lcrec.core.SemanticIndex} are added as single tokens and the result
 * can be saved back as a {@code tokenizer.json}.
 */
package org.lcrec.tokenizers;
