package org.lcrec.tasks;

/**
 * A hand-written JSON string escaper for the export hot path (no regex, no allocation): escapes
 * {@code "} and {@code \}, control characters below U+0020 and the JavaScript line separators
 * U+2028/U+2029; everything else, including non-ASCII text, is copied as is (the files are UTF-8).
 */
public final class JsonStrings {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private JsonStrings() {}

    /**
     * Appends {@code s} as a quoted JSON string.
     *
     * @param sb the target
     * @param s the text (non-null)
     * @return {@code sb}
     */
    public static StringBuilder appendQuoted(StringBuilder sb, CharSequence s) {
        sb.append('"');
        appendEscaped(sb, s);
        return sb.append('"');
    }

    /**
     * Appends the escaped content of {@code s} without quotes.
     *
     * @param sb the target
     * @param s the text
     * @return {@code sb}
     */
    public static StringBuilder appendEscaped(StringBuilder sb, CharSequence s) {
        if (s instanceof String str) {
            return appendEscaped(sb, str);
        }
        return appendEscaped(sb, s, 0);
    }

    /**
     * Appends the escaped content of {@code s} without quotes; text that needs no escape (the
     * common case) is appended in one bulk copy.
     *
     * @param sb the target
     * @param s the text
     * @return {@code sb}
     */
    public static StringBuilder appendEscaped(StringBuilder sb, String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\' || c == '\u2028' || c == '\u2029') {
                sb.append(s, 0, i);
                return appendEscaped(sb, s, i);
            }
        }
        return sb.append(s);
    }

    private static StringBuilder appendEscaped(StringBuilder sb, CharSequence s, int from) {
        int n = s.length();
        int run = from;
        for (int i = from; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\' && c != '\u2028' && c != '\u2029') {
                continue;
            }
            sb.append(s, run, i);
            run = i + 1;
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default ->
                        sb.append("\\u")
                                .append(HEX[(c >> 12) & 0xF])
                                .append(HEX[(c >> 8) & 0xF])
                                .append(HEX[(c >> 4) & 0xF])
                                .append(HEX[c & 0xF]);
            }
        }
        sb.append(s, run, n);
        return sb;
    }

    /**
     * @param s a text
     * @return it as a quoted JSON string
     */
    public static String quote(CharSequence s) {
        return appendQuoted(new StringBuilder(s.length() + 8), s).toString();
    }
}
