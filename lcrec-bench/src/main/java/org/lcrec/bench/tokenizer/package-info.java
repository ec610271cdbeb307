/**
 * Tokenizer throughput against the Hugging Face Rust tokenizers (DJL), and text-encoder items/s.
 */
package org.lcrec.bench.tokenizer;
