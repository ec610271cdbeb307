package org.lcrec.core;

import java.util.Arrays;

/**
 * An item's semantic ID: one code per level, e.g. {@code [128, 241, 146, 235]}, written in prompts
 * as {@code <a_128><b_241><c_146><d_235>} (see {@link IndexTokens}). Immutable; equal by content.
 */
public final class SemanticId implements Comparable<SemanticId> {
    private final int[] codes;

    private SemanticId(int[] codes) {
        this.codes = codes;
    }

    /**
     * @param codes one non-negative code per level (at least one level)
     * @return the semantic ID
     */
    public static SemanticId of(int... codes) {
        if (codes.length == 0) {
            throw new IllegalArgumentException("a semantic ID needs at least one level");
        }
        if (codes.length > IndexTokens.MAX_LEVELS) {
            throw new IllegalArgumentException(
                    "a semantic ID has at most "
                            + IndexTokens.MAX_LEVELS
                            + " levels, found "
                            + codes.length);
        }
        for (int c : codes) {
            if (c < 0) {
                throw new IllegalArgumentException(
                        "semantic ID codes must be >= 0, found " + Arrays.toString(codes));
            }
        }
        return new SemanticId(codes.clone());
    }

    /**
     * Parses the concatenated token form, e.g. {@code "<a_12><b_7>"}.
     *
     * @param text the tokens
     * @return the semantic ID
     * @throws IllegalArgumentException if the text is not a run of level tokens a, b, c, ...
     */
    public static SemanticId parse(String text) {
        return IndexTokens.parse(text);
    }

    /**
     * @return the number of levels
     */
    public int levels() {
        return codes.length;
    }

    /**
     * @param level a level, 0-based
     * @return the code at that level
     */
    public int code(int level) {
        return codes[level];
    }

    /**
     * @return the codes (a copy)
     */
    public int[] codes() {
        return codes.clone();
    }

    /**
     * @param levels how many leading levels to keep
     * @return the prefix of this ID
     */
    public SemanticId prefix(int levels) {
        return new SemanticId(Arrays.copyOf(codes, levels));
    }

    /**
     * @param code the code to append as a new last level
     * @return a longer ID
     */
    public SemanticId append(int code) {
        int[] c = Arrays.copyOf(codes, codes.length + 1);
        c[codes.length] = code;
        return of(c);
    }

    /**
     * @param level the level to change
     * @param code its new code
     * @return a copy with one code changed
     */
    public SemanticId withCode(int level, int code) {
        int[] c = codes.clone();
        c[level] = code;
        return of(c);
    }

    /**
     * @return the tokens, one per level, e.g. {@code ["<a_12>", "<b_7>"]}
     */
    public String[] tokens() {
        String[] t = new String[codes.length];
        for (int i = 0; i < codes.length; i++) {
            t[i] = IndexTokens.token(i, codes[i]);
        }
        return t;
    }

    /**
     * @return the concatenated tokens, e.g. {@code "<a_12><b_7>"}: LC-Rec's item string
     */
    public String toTokenString() {
        StringBuilder sb = new StringBuilder(codes.length * 7);
        for (int i = 0; i < codes.length; i++) {
            IndexTokens.appendToken(sb, i, codes[i]);
        }
        return sb.toString();
    }

    @Override
    public int compareTo(SemanticId o) {
        return Arrays.compare(codes, o.codes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SemanticId other && Arrays.equals(codes, other.codes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(codes);
    }

    @Override
    public String toString() {
        return toTokenString();
    }
}
