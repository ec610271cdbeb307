package org.lcrec.tokenizers;

/**
 * How {@link Tokenizer#encodeBatch} shapes a batch.
 *
 * @param addSpecialTokens whether the post-processor's special tokens (CLS/SEP, BOS) are added
 * @param maxLength the longest row including special tokens, or 0 for no truncation (sequences are
 *     cut on the right, room kept for the special tokens)
 * @param padding how rows are padded
 * @param padToMultipleOf round the padded length up to a multiple of this (1 = no rounding)
 * @param padId the padding id, or -1 for the tokenizer's own ({@link Tokenizer#padId()})
 */
public record BatchOptions(
        boolean addSpecialTokens, int maxLength, Padding padding, int padToMultipleOf, int padId) {

    /** Padding policies. */
    public enum Padding {
        /** Rows keep their own length. */
        NONE,
        /** Rows are padded to the longest row of the batch (dynamic padding). */
        LONGEST,
        /** Rows are padded to {@code maxLength}. */
        MAX_LENGTH
    }

    /** Validates the options. */
    public BatchOptions {
        if (maxLength < 0) {
            throw new IllegalArgumentException(
                    "maxLength must be >= 0 (0 = none), found " + maxLength);
        }
        if (padding == null) {
            throw new IllegalArgumentException("padding must not be null");
        }
        if (padding == Padding.MAX_LENGTH && maxLength == 0) {
            throw new IllegalArgumentException("padding MAX_LENGTH needs maxLength > 0");
        }
        if (padToMultipleOf < 1) {
            throw new IllegalArgumentException(
                    "padToMultipleOf must be >= 1, found " + padToMultipleOf);
        }
        if (padId < -1) {
            throw new IllegalArgumentException(
                    "padId must be >= 0 or -1 (tokenizer default), found " + padId);
        }
    }

    /**
     * @return special tokens added, no truncation, dynamic padding to the longest row
     */
    public static BatchOptions defaults() {
        return new BatchOptions(true, 0, Padding.LONGEST, 1, -1);
    }

    /**
     * @param max the longest row (0 = none)
     * @return a copy truncating to that length
     */
    public BatchOptions withMaxLength(int max) {
        return new BatchOptions(addSpecialTokens, max, padding, padToMultipleOf, padId);
    }

    /**
     * @param p the padding policy
     * @return a copy with that policy
     */
    public BatchOptions withPadding(Padding p) {
        return new BatchOptions(addSpecialTokens, maxLength, p, padToMultipleOf, padId);
    }

    /**
     * @param add whether to add special tokens
     * @return a copy with that setting
     */
    public BatchOptions withAddSpecialTokens(boolean add) {
        return new BatchOptions(add, maxLength, padding, padToMultipleOf, padId);
    }

    /**
     * @param multiple the multiple to round padded lengths to
     * @return a copy with that setting
     */
    public BatchOptions withPadToMultipleOf(int multiple) {
        return new BatchOptions(addSpecialTokens, maxLength, padding, multiple, padId);
    }

    /**
     * @param id the padding id
     * @return a copy with that id
     */
    public BatchOptions withPadId(int id) {
        return new BatchOptions(addSpecialTokens, maxLength, padding, padToMultipleOf, id);
    }
}
