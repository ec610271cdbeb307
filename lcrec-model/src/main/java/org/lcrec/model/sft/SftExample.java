package org.lcrec.model.sft;

import java.util.Arrays;

/**
 * One supervised example as token ids: the prompt and the response, tokenised separately (the
 * concatenation is never re-tokenised). Training appends EOS to the response; the loss covers the
 * response tokens and that EOS only.
 *
 * @param prompt prompt ids (with the tokenizer's leading special tokens, if any)
 * @param response response ids (without special tokens)
 */
public record SftExample(int[] prompt, int[] response) implements SftInput {
    /** Validates and copies. */
    public SftExample {
        if (prompt == null || response == null) {
            throw new IllegalArgumentException("prompt and response must not be null");
        }
        if (response.length == 0) {
            throw new IllegalArgumentException("response must not be empty");
        }
        prompt = prompt.clone();
        response = response.clone();
    }

    @Override
    public int[] prompt() {
        return prompt.clone();
    }

    @Override
    public int[] response() {
        return response.clone();
    }

    int promptLength() {
        return prompt.length;
    }

    int responseLength() {
        return response.length;
    }

    int promptAt(int i) {
        return prompt[i];
    }

    int responseAt(int i) {
        return response[i];
    }

    /**
     * Tokenises a prompt/response pair: the prompt with the tokenizer's special tokens (e.g. BOS),
     * the response without.
     */
    public static SftExample of(SftTokenizer tokenizer, String prompt, String response) {
        return new SftExample(tokenizer.encode(prompt, true), tokenizer.encode(response, false));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SftExample e
                && Arrays.equals(prompt, e.prompt)
                && Arrays.equals(response, e.response);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(prompt) + Arrays.hashCode(response);
    }

    @Override
    public String toString() {
        return "SftExample(prompt="
                + prompt.length
                + " tokens, response="
                + Arrays.toString(response)
                + ")";
    }
}
