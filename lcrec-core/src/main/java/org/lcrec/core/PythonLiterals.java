package org.lcrec.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses the Python list literals that MiniOneRec and Amazon metadata store as strings, e.g. {@code
 * ['Bob\'s "best" saw, 12"', "it's"]} or {@code [3466, 2697]}. Handles single- and double-quoted
 * strings with Python escapes ({@code \\ \' \" \n \t \r \xNN \\uNNNN}), commas and apostrophes
 * inside strings, and integers.
 */
public final class PythonLiterals {
    private PythonLiterals() {}

    /**
     * @param text a list of string literals, e.g. {@code ['a', "b's"]}
     * @return the strings
     * @throws IllegalArgumentException naming the position if the text is not such a list
     */
    public static List<String> parseStringList(String text) {
        List<String> out = new ArrayList<>();
        int i = skip(text, 0);
        i = expectChar(text, i, '[');
        i = skip(text, i);
        if (i < text.length() && text.charAt(i) == ']') {
            return checkEnd(text, i + 1, out);
        }
        StringBuilder sb = new StringBuilder();
        while (true) {
            i = skip(text, i);
            if (i >= text.length() || (text.charAt(i) != '\'' && text.charAt(i) != '"')) {
                throw error(text, i, "a quoted string");
            }
            char q = text.charAt(i++);
            sb.setLength(0);
            while (true) {
                if (i >= text.length()) {
                    throw error(text, i, "closing quote " + q);
                }
                char c = text.charAt(i++);
                if (c == q) {
                    break;
                }
                if (c == '\\' && i < text.length()) {
                    char e = text.charAt(i++);
                    switch (e) {
                        case 'n' -> sb.append('\n');
                        case 't' -> sb.append('\t');
                        case 'r' -> sb.append('\r');
                        case '\\', '\'', '"' -> sb.append(e);
                        case 'x' -> {
                            sb.append((char) Integer.parseInt(hex(text, i, 2), 16));
                            i += 2;
                        }
                        case 'u' -> {
                            sb.append((char) Integer.parseInt(hex(text, i, 4), 16));
                            i += 4;
                        }
                        default -> sb.append('\\').append(e);
                    }
                } else {
                    sb.append(c);
                }
            }
            out.add(sb.toString());
            i = skip(text, i);
            if (i < text.length() && text.charAt(i) == ',') {
                i = skip(text, i + 1);
                if (i < text.length() && text.charAt(i) == ']') {
                    return checkEnd(text, i + 1, out);
                }
                continue;
            }
            i = expectChar(text, i, ']');
            return checkEnd(text, i, out);
        }
    }

    /**
     * @param text a list of integers, e.g. {@code [3466, 2697]}
     * @return the integers
     * @throws IllegalArgumentException naming the position if the text is not such a list
     */
    public static int[] parseIntList(String text) {
        int[] buf = new int[16];
        int n = 0;
        int i = skip(text, 0);
        i = expectChar(text, i, '[');
        i = skip(text, i);
        if (i < text.length() && text.charAt(i) == ']') {
            checkEnd(text, i + 1, null);
            return new int[0];
        }
        while (true) {
            i = skip(text, i);
            int start = i;
            if (i < text.length() && text.charAt(i) == '-') {
                i++;
            }
            while (i < text.length() && Character.isDigit(text.charAt(i))) {
                i++;
            }
            if (i == start || (i == start + 1 && text.charAt(start) == '-')) {
                throw error(text, start, "an integer");
            }
            long v = Long.parseLong(text.substring(start, i));
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw error(text, start, "a 32-bit integer");
            }
            if (n == buf.length) {
                buf = java.util.Arrays.copyOf(buf, n * 2);
            }
            buf[n++] = (int) v;
            i = skip(text, i);
            if (i < text.length() && text.charAt(i) == ',') {
                i = skip(text, i + 1);
                if (i < text.length() && text.charAt(i) == ']') {
                    checkEnd(text, i + 1, null);
                    break;
                }
                continue;
            }
            i = expectChar(text, i, ']');
            checkEnd(text, i, null);
            break;
        }
        return java.util.Arrays.copyOf(buf, n);
    }

    /**
     * Reads a list of strings that is not a valid literal, as Amazon metadata holds some (an
     * unescaped apostrophe inside a single-quoted element: {@code ['for it's size', 'b']}). An
     * element ends only at a quote followed by a comma and another quote, or by the closing
     * bracket; escapes are honoured, line-break escapes become spaces.
     *
     * @param text a text that {@link #looksLikeStringList} accepts
     * @return the elements, or {@code null} if the text is not list-shaped even leniently
     */
    public static List<String> parseStringListLenient(String text) {
        String t = text.strip();
        if (!looksLikeStringList(t)) {
            return null;
        }
        int last = t.length() - 1; // the closing ']'
        int i = skip(t, 1, last);
        List<String> out = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        while (i < last) {
            char q = t.charAt(i);
            if (q != '\'' && q != '"') {
                return null;
            }
            i++;
            sb.setLength(0);
            boolean closed = false;
            while (i < last) {
                char c = t.charAt(i);
                if (c == '\\' && i + 1 < last) {
                    char e = t.charAt(i + 1);
                    sb.append(e == 'n' || e == 't' || e == 'r' ? ' ' : e);
                    i += 2;
                    continue;
                }
                if (c == '\'' || c == '"') {
                    int next = elementEnd(t, i + 1, last);
                    if (next >= 0) {
                        i = next;
                        closed = true;
                        break;
                    }
                }
                sb.append(c);
                i++;
            }
            if (!closed) {
                return null;
            }
            out.add(sb.toString());
        }
        return out;
    }

    /**
     * If a quote at {@code j - 1} closes an element: where the next one starts (or {@code last});
     * else -1.
     */
    private static int elementEnd(String t, int j, int last) {
        int k = skip(t, j, last);
        if (k == last) {
            return last;
        }
        if (t.charAt(k) != ',') {
            return -1;
        }
        k = skip(t, k + 1, last);
        return k < last && (t.charAt(k) == '\'' || t.charAt(k) == '"') ? k : -1;
    }

    private static int skip(String s, int i, int end) {
        while (i < end && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /**
     * @param text any text
     * @return whether it looks like a Python list of strings ({@code [' ... ']})
     */
    public static boolean looksLikeStringList(String text) {
        String t = text.strip();
        return t.length() >= 2
                && t.charAt(0) == '['
                && t.charAt(t.length() - 1) == ']'
                && (t.length() == 2 || t.charAt(1) == '\'' || t.charAt(1) == '"');
    }

    private static String hex(String text, int i, int n) {
        if (i + n > text.length()) {
            throw error(text, i, n + " hex digits");
        }
        return text.substring(i, i + n);
    }

    private static List<String> checkEnd(String text, int i, List<String> out) {
        if (skip(text, i) != text.length()) {
            throw error(text, i, "end of list");
        }
        return out;
    }

    private static int skip(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int expectChar(String s, int i, char c) {
        if (i >= s.length() || s.charAt(i) != c) {
            throw error(s, i, "'" + c + "'");
        }
        return i + 1;
    }

    private static IllegalArgumentException error(String text, int pos, String expected) {
        String shown = text.length() > 60 ? text.substring(0, 57) + "..." : text;
        return new IllegalArgumentException(
                "Python list literal \""
                        + shown
                        + "\": expected "
                        + expected
                        + " at character "
                        + pos
                        + ", found "
                        + (pos >= text.length() ? "end of text" : "'" + text.charAt(pos) + "'"));
    }
}
