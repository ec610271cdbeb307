package org.lcrec.model.sft;

import java.util.Arrays;

/**
 * One training sequence in which several spans carry loss: each token of a span is predicted from
 * every token before it, exactly as if the sequence up to that span were a prompt and the span its
 * response. A user's whole history written once, with every item after the first as a target, is
 * the same set of next-item losses as one prompt per position (the causal mask sees to that), but
 * the shared prefix is read once instead of once per target. Unlike {@link SftExample}, no EOS is
 * appended: a span ends where the sequence goes on.
 *
 * @param tokens the sequence, with any leading special tokens (e.g. BOS)
 * @param spans target spans as pairs {@code [start, end)}: {@code spans[2j]} is the first token of
 *     span {@code j}, {@code spans[2j + 1]} one past its last; ascending, non-overlapping,
 *     non-empty and with {@code start >= 1} (the first token has nothing to be predicted from)
 */
public record SftSequence(int[] tokens, int[] spans) implements SftInput {
    /** Validates and copies. */
    public SftSequence {
        if (tokens == null || spans == null) {
            throw new IllegalArgumentException("tokens and spans must not be null");
        }
        if (spans.length == 0 || spans.length % 2 != 0) {
            throw new IllegalArgumentException(
                    "spans must be a non-empty list of [start, end) pairs, found "
                            + spans.length
                            + " numbers");
        }
        int last = 1;
        for (int j = 0; j < spans.length; j += 2) {
            int s = spans[j];
            int e = spans[j + 1];
            if (s < last || e <= s || e > tokens.length) {
                throw new IllegalArgumentException(
                        "span "
                                + j / 2
                                + ": expected "
                                + last
                                + " <= start < end <= "
                                + tokens.length
                                + " (ascending, non-overlapping), found ["
                                + s
                                + ", "
                                + e
                                + ")");
            }
            last = e;
        }
        tokens = tokens.clone();
        spans = spans.clone();
    }

    @Override
    public int[] tokens() {
        return tokens.clone();
    }

    @Override
    public int[] spans() {
        return spans.clone();
    }

    /**
     * @return the number of target spans
     */
    public int spanCount() {
        return spans.length / 2;
    }

    int length() {
        return tokens.length;
    }

    int tokenAt(int i) {
        return tokens[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SftSequence s
                && Arrays.equals(tokens, s.tokens)
                && Arrays.equals(spans, s.spans);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(tokens) + Arrays.hashCode(spans);
    }

    @Override
    public String toString() {
        return "SftSequence(" + tokens.length + " tokens, " + spanCount() + " target spans)";
    }
}
