package org.lcrec.model.sft;

/**
 * Text to token ids, as the trainer needs it ({@code org.lcrec.tokenizers.Tokenizer::encode} fits).
 */
@FunctionalInterface
public interface SftTokenizer {
    /** The ids of {@code text}, with the tokenizer's special tokens when asked. */
    int[] encode(String text, boolean addSpecialTokens);
}
