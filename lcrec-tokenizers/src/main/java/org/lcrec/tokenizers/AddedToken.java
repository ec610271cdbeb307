package org.lcrec.tokenizers;

import java.util.Objects;

/**
 * A token added to a tokenizer's vocabulary, matched in the input before the model runs, with the
 * flags Hugging Face defines.
 *
 * @param id the token id
 * @param content the exact text of the token
 * @param singleWord only match when not preceded or followed by a word character
 * @param lstrip absorb the whitespace to its left
 * @param rstrip absorb the whitespace to its right
 * @param normalized match against the normalised text (the content normalised too) rather than the
 *     raw input
 * @param special a special token (skipped by {@code decode(ids, true)})
 */
public record AddedToken(
        int id,
        String content,
        boolean singleWord,
        boolean lstrip,
        boolean rstrip,
        boolean normalized,
        boolean special) {
    /** Validates the fields. */
    public AddedToken {
        Objects.requireNonNull(content, "content");
        if (content.isEmpty()) {
            throw new IllegalArgumentException("added token content must not be empty");
        }
        if (id < 0) {
            throw new IllegalArgumentException(
                    "added token \"" + content + "\": id must be >= 0, found " + id);
        }
    }

    /**
     * A token matched verbatim in the raw input (no stripping, not normalised), as index tokens are
     * added.
     *
     * @param id the id
     * @param content the text
     * @param special whether it is special
     * @return the token
     */
    public static AddedToken plain(int id, String content, boolean special) {
        return new AddedToken(id, content, false, false, false, false, special);
    }

    /**
     * @param newId another id
     * @return this token with that id
     */
    public AddedToken withId(int newId) {
        return new AddedToken(newId, content, singleWord, lstrip, rstrip, normalized, special);
    }

    /**
     * @param other another token
     * @return whether both have the same content and flags (ids aside), as Hugging Face compares
     */
    boolean sameAs(AddedToken other) {
        return content.equals(other.content)
                && singleWord == other.singleWord
                && lstrip == other.lstrip
                && rstrip == other.rstrip
                && normalized == other.normalized
                && special == other.special;
    }
}
