package org.lcrec.tokenizers;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The split regexes of the byte-level BPE families, hand-written as scanners so that they match
 * exactly what the Rust tokenizers' Oniguruma engine matches (Java's regex engine treats {@code \s}
 * and case-insensitive matching differently), and fast. Any other regex falls back to {@code
 * java.util.regex} with Unicode character classes.
 *
 * <p>A scanner returns the end of the match starting at {@code start}. The patterns below match
 * every character, so matches tile the input.
 */
final class SplitPatterns {
    private static final System.Logger LOG = System.getLogger(SplitPatterns.class.getName());

    /** GPT-2, RoBERTa and the ByteLevel pre-tokenizer's built-in regex. */
    static final String GPT2 =
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    /** Qwen2/Qwen3: cl100k-style with single digits. */
    static final String QWEN =
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}|"
                    + " ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    /** LLaMA-3 and cl100k: digits in groups of up to three. */
    static final String LLAMA3 =
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}|"
                    + " ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private SplitPatterns() {}

    /** A compiled split pattern: the end of the match at or after a position. */
    interface Scanner {
        /**
         * Finds the next match.
         *
         * @param s the text
         * @param from where to start looking
         * @param out receives {start, end} of the match
         * @return whether a match was found
         */
        boolean find(String s, int from, int[] out);
    }

    /**
     * @param regex a regex from {@code tokenizer.json}
     * @return a scanner with the Rust semantics for the known patterns, else a Java regex
     */
    static Scanner forRegex(String regex) {
        if (regex.equals(GPT2)) {
            return (s, from, out) -> tile(s, from, out, SplitPatterns::gpt2End);
        }
        if (regex.equals(QWEN)) {
            return (s, from, out) -> tile(s, from, out, (t, i) -> cl100kEnd(t, i, 1));
        }
        if (regex.equals(LLAMA3)) {
            return (s, from, out) -> tile(s, from, out, (t, i) -> cl100kEnd(t, i, 3));
        }
        LOG.log(
                System.Logger.Level.DEBUG,
                "split regex {0} has no Rust-exact scanner; using java.util.regex, whose \\s and"
                        + " case-insensitive matching may split some texts differently from the"
                        + " Rust tokenizers",
                regex);
        Pattern p = compileJava(regex);
        return (s, from, out) -> {
            Matcher m = p.matcher(s);
            while (from <= s.length() && m.find(from)) {
                if (m.end() > m.start()) {
                    out[0] = m.start();
                    out[1] = m.end();
                    return true;
                }
                from = m.end() + 1;
            }
            return false;
        };
    }

    /**
     * @param literal a literal delimiter
     * @return a scanner finding its occurrences
     */
    static Scanner forLiteral(String literal) {
        return (s, from, out) -> {
            if (literal.isEmpty()) {
                return false;
            }
            int i = s.indexOf(literal, from);
            if (i < 0) {
                return false;
            }
            out[0] = i;
            out[1] = i + literal.length();
            return true;
        };
    }

    /** Compiles a regex from {@code tokenizer.json} for java.util.regex with Unicode classes. */
    static Pattern compileJava(String regex) {
        try {
            return Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS);
        } catch (RuntimeException e) {
            throw new TokenizerException(
                    "regex " + regex + " is not supported by java.util.regex: " + e.getMessage(),
                    e);
        }
    }

    private interface EndFn {
        int end(String s, int start);
    }

    private static boolean tile(String s, int from, int[] out, EndFn fn) {
        if (from >= s.length()) {
            return false;
        }
        out[0] = from;
        out[1] = fn.end(s, from);
        return true;
    }

    private static int cp(String s, int i) {
        return s.codePointAt(i);
    }

    private static int next(String s, int i) {
        return i + Character.charCount(s.codePointAt(i));
    }

    private static boolean isOther(int c) {
        return !UnicodeProps.isWhiteSpace(c)
                && !UnicodeProps.isLetter(c)
                && !UnicodeProps.isNumber(c);
    }

    private static int letters(String s, int i) {
        int n = s.length();
        while (i < n) {
            int c = cp(s, i);
            if (!UnicodeProps.isLetter(c)) {
                break;
            }
            i += Character.charCount(c);
        }
        return i;
    }

    private static int others(String s, int i) {
        int n = s.length();
        while (i < n) {
            int c = cp(s, i);
            if (!isOther(c)) {
                break;
            }
            i += Character.charCount(c);
        }
        return i;
    }

    private static int numbers(String s, int i, int max) {
        int n = s.length();
        int count = 0;
        while (i < n && count < max) {
            int c = cp(s, i);
            if (!UnicodeProps.isNumber(c)) {
                break;
            }
            i += Character.charCount(c);
            count++;
        }
        return i;
    }

    /** Whitespace handling shared by both families: {@code \s+(?!\S)|\s+} at a whitespace char. */
    private static int spaces(String s, int i) {
        int n = s.length();
        int j = i;
        while (j < n && UnicodeProps.isWhiteSpace(s.charAt(j))) {
            j++; // White_Space is all in the BMP
        }
        if (j == n || j - 1 == i) {
            return j;
        }
        return j - 1;
    }

    /** Case-insensitive contraction after an apostrophe (Oniguruma folds U+017F to s). */
    private static int contraction(String s, int i, boolean ignoreCase) {
        int n = s.length();
        if (i + 1 >= n) {
            return -1;
        }
        char a = s.charAt(i + 1);
        if (ignoreCase) {
            a = a == '\u017F' ? 's' : (a < 0x80 ? Character.toLowerCase(a) : a);
        }
        switch (a) {
            case 's':
            case 't':
            case 'm':
            case 'd':
                return i + 2;
            case 'r':
            case 'v':
            case 'l':
                if (i + 2 < n) {
                    char b = s.charAt(i + 2);
                    if (ignoreCase && b < 0x80) {
                        b = Character.toLowerCase(b);
                    }
                    if ((a == 'l' && b == 'l') || (a != 'l' && b == 'e')) {
                        return i + 3;
                    }
                }
                return -1;
            default:
                return -1;
        }
    }

    private static int gpt2End(String s, int i) {
        int n = s.length();
        int c = cp(s, i);
        if (c == '\'') {
            int e = contraction(s, i, false);
            if (e > 0) {
                return e;
            }
        }
        int j = i;
        int d = c;
        if (c == ' ' && i + 1 < n) {
            j = i + 1;
            d = cp(s, j);
        }
        if (UnicodeProps.isLetter(d)) {
            return letters(s, j);
        }
        if (UnicodeProps.isNumber(d)) {
            return numbers(s, j, Integer.MAX_VALUE);
        }
        if (isOther(d)) {
            return others(s, j);
        }
        return spaces(s, i);
    }

    private static int cl100kEnd(String s, int i, int maxDigits) {
        int n = s.length();
        int c = cp(s, i);
        if (c == '\'') {
            int e = contraction(s, i, true);
            if (e > 0) {
                return e;
            }
        }
        // [^\r\n\p{L}\p{N}]?\p{L}+
        if (UnicodeProps.isLetter(c)) {
            return letters(s, next(s, i));
        }
        boolean number = UnicodeProps.isNumber(c);
        if (!number && c != '\r' && c != '\n') {
            int j = next(s, i);
            if (j < n && UnicodeProps.isLetter(cp(s, j))) {
                return letters(s, j);
            }
        }
        // \p{N}{1,k}
        if (number) {
            return numbers(s, i, maxDigits);
        }
        // ' ?[^\s\p{L}\p{N}]+[\r\n]*'
        int j = -1;
        if (c == ' ' && i + 1 < n && isOther(cp(s, i + 1))) {
            j = i + 1;
        } else if (isOther(c)) {
            j = i;
        }
        if (j >= 0) {
            int e = others(s, j);
            while (e < n && (s.charAt(e) == '\r' || s.charAt(e) == '\n')) {
                e++;
            }
            return e;
        }
        // c is whitespace: \s*[\r\n]+ ends after the last line break of the whitespace run
        int k = i;
        while (k < n && UnicodeProps.isWhiteSpace(s.charAt(k))) {
            k++;
        }
        for (int m = k - 1; m >= i; m--) {
            char ch = s.charAt(m);
            if (ch == '\r' || ch == '\n') {
                return m + 1;
            }
        }
        return spaces(s, i);
    }
}
