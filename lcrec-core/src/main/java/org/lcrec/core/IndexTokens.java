package org.lcrec.core;

/**
 * The codec between semantic-ID codes and LC-Rec's index tokens: level {@code i} uses the letter
 * {@code 'a' + i}, so code 12 at level 0 is {@code <a_12>} and code 7 at level 1 is {@code <b_7>}.
 * LC-Rec names five letters (a-e) and LETTER a sixth (f); this codec accepts all 26.
 */
public final class IndexTokens {
    /** Levels that have a letter: {@code a} to {@code z}. */
    public static final int MAX_LEVELS = 26;

    private IndexTokens() {}

    /**
     * @param level the level, 0-based
     * @param code the code
     * @return the token, e.g. {@code <a_12>}
     */
    public static String token(int level, int code) {
        return appendToken(new StringBuilder(8), level, code).toString();
    }

    static StringBuilder appendToken(StringBuilder sb, int level, int code) {
        if (level < 0 || level >= MAX_LEVELS) {
            throw new IllegalArgumentException(
                    "level must be in [0, " + MAX_LEVELS + "), found " + level);
        }
        if (code < 0) {
            throw new IllegalArgumentException("code must be >= 0, found " + code);
        }
        return sb.append('<').append((char) ('a' + level)).append('_').append(code).append('>');
    }

    /**
     * Parses one token.
     *
     * @param token e.g. {@code <c_200>}
     * @return {@code {level, code}}
     * @throws IllegalArgumentException naming the token if it is malformed
     */
    public static int[] parseToken(String token) {
        int[] out = new int[2];
        int end = parseAt(token, 0, out);
        if (end != token.length()) {
            throw new IllegalArgumentException(
                    "expected one index token like <a_12>, found \"" + token + "\"");
        }
        return out;
    }

    /**
     * Parses a run of tokens whose levels are a, b, c, ... in order.
     *
     * @param text e.g. {@code <a_12><b_7><c_3>}
     * @return the semantic ID
     * @throws IllegalArgumentException naming the text if it is malformed or levels are out of
     *     order
     */
    public static SemanticId parse(String text) {
        int[] codes = new int[MAX_LEVELS];
        int[] lc = new int[2];
        int pos = 0;
        int levels = 0;
        while (pos < text.length()) {
            pos = parseAt(text, pos, lc);
            if (lc[0] != levels) {
                throw new IllegalArgumentException(
                        "index \""
                                + text
                                + "\": expected level '"
                                + (char) ('a' + levels)
                                + "' at token "
                                + (levels + 1)
                                + ", found '"
                                + (char) ('a' + lc[0])
                                + "'");
            }
            codes[levels++] = lc[1];
        }
        if (levels == 0) {
            throw new IllegalArgumentException(
                    "expected index tokens like <a_12><b_7>, found \"\"");
        }
        return SemanticId.of(java.util.Arrays.copyOf(codes, levels));
    }

    private static int parseAt(String s, int pos, int[] out) {
        int n = s.length();
        if (pos + 5 > n
                || s.charAt(pos) != '<'
                || s.charAt(pos + 1) < 'a'
                || s.charAt(pos + 1) > 'z'
                || s.charAt(pos + 2) != '_') {
            throw bad(s);
        }
        int level = s.charAt(pos + 1) - 'a';
        int i = pos + 3;
        long code = 0;
        int digits = 0;
        while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            code = code * 10 + (s.charAt(i) - '0');
            if (code > Integer.MAX_VALUE) {
                throw bad(s);
            }
            i++;
            digits++;
        }
        if (digits == 0 || i >= n || s.charAt(i) != '>') {
            throw bad(s);
        }
        out[0] = level;
        out[1] = (int) code;
        return i + 1;
    }

    private static IllegalArgumentException bad(String s) {
        return new IllegalArgumentException(
                "expected index tokens like <a_12><b_7>, found \"" + s + "\"");
    }
}
