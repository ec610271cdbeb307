package org.lcrec.core;

import java.util.List;
import java.util.Map;

/**
 * Item-text cleaning as LC-Rec does it ({@code clean_text}), with its weaknesses fixed: HTML
 * entities decoded, tags stripped, stringified Python lists turned into prose, quotes and line
 * breaks removed, whitespace normalised. Unlike LC-Rec, long texts are kept (LC-Rec blanks any text
 * of 2,000 characters or more) and empty input stays empty (LC-Rec turns it into {@code "."}).
 */
public final class TextCleaner {
    private static final Map<String, String> ENTITIES =
            Map.ofEntries(
                    Map.entry("amp", "&"),
                    Map.entry("lt", "<"),
                    Map.entry("gt", ">"),
                    Map.entry("quot", "\""),
                    Map.entry("apos", "'"),
                    Map.entry("nbsp", " "),
                    Map.entry("ndash", "\u2013"),
                    Map.entry("mdash", "\u2014"),
                    Map.entry("lsquo", "\u2018"),
                    Map.entry("rsquo", "\u2019"),
                    Map.entry("ldquo", "\u201c"),
                    Map.entry("rdquo", "\u201d"),
                    Map.entry("hellip", "\u2026"),
                    Map.entry("trade", "\u2122"),
                    Map.entry("reg", "\u00ae"),
                    Map.entry("copy", "\u00a9"),
                    Map.entry("deg", "\u00b0"),
                    Map.entry("frac12", "\u00bd"),
                    Map.entry("frac14", "\u00bc"),
                    Map.entry("frac34", "\u00be"),
                    Map.entry("times", "\u00d7"),
                    Map.entry("micro", "\u00b5"),
                    Map.entry("plusmn", "\u00b1"),
                    Map.entry("bull", "\u2022"),
                    Map.entry("middot", "\u00b7"),
                    Map.entry("eacute", "\u00e9"),
                    Map.entry("egrave", "\u00e8"),
                    Map.entry("uuml", "\u00fc"),
                    Map.entry("ouml", "\u00f6"),
                    Map.entry("auml", "\u00e4"),
                    Map.entry("szlig", "\u00df"));

    private TextCleaner() {}

    /**
     * Cleans one text field.
     *
     * @param text raw text (may be a stringified Python list); {@code null} counts as empty
     * @return the cleaned text, possibly empty
     */
    public static String clean(String text) {
        if (text == null || text.isBlank()) {
            return "";
        }
        String s = text;
        if (PythonLiterals.looksLikeStringList(s)) {
            try {
                List<String> parts = PythonLiterals.parseStringList(s);
                s = String.join(" ", parts);
            } catch (IllegalArgumentException e) {
                // Amazon metadata has malformed literals (unescaped apostrophes): read leniently,
                // and if it is not list-shaped even then, clean it as plain text
                List<String> parts = PythonLiterals.parseStringListLenient(s);
                if (parts != null) {
                    s = String.join(" ", parts);
                }
            }
        }
        // entities twice: Amazon texts often carry "&amp;quot;"
        s = unescapeHtml(unescapeHtml(s));
        s = stripTags(s);
        StringBuilder sb = new StringBuilder(s.length());
        boolean space = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                continue;
            }
            if (Character.isWhitespace(c)
                    || Character.isSpaceChar(c)
                    || Character.isISOControl(c)) {
                space = sb.length() > 0;
                continue;
            }
            if (space) {
                sb.append(' ');
                space = false;
            }
            sb.append(c);
        }
        // collapse runs of trailing dots ("..", "...") into one
        int end = sb.length();
        while (end >= 2 && sb.charAt(end - 1) == '.' && sb.charAt(end - 2) == '.') {
            end--;
        }
        sb.setLength(end);
        return sb.toString();
    }

    /**
     * Cleans a title and strips trailing punctuation ({@code .!?,;:`}), as LC-Rec's dataset classes
     * do before putting titles into prompts.
     *
     * @param title a raw title
     * @return the cleaned title
     */
    public static String cleanTitle(String title) {
        String s = clean(title);
        int end = s.length();
        while (end > 0 && ".!?,;:` ".indexOf(s.charAt(end - 1)) >= 0) {
            end--;
        }
        return s.substring(0, end);
    }

    /**
     * @param s text with HTML entities
     * @return the text with named and numeric entities decoded (unknown ones kept verbatim)
     */
    public static String unescapeHtml(String s) {
        int amp = s.indexOf('&');
        if (amp < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        int i = 0;
        while (amp >= 0) {
            sb.append(s, i, amp);
            int semi = s.indexOf(';', amp);
            String decoded = null;
            if (semi > amp + 1 && semi - amp <= 10) {
                String name = s.substring(amp + 1, semi);
                if (name.charAt(0) == '#') {
                    try {
                        int cp =
                                name.length() > 1
                                                && (name.charAt(1) == 'x' || name.charAt(1) == 'X')
                                        ? Integer.parseInt(name.substring(2), 16)
                                        : Integer.parseInt(name.substring(1));
                        if (Character.isValidCodePoint(cp)) {
                            decoded = new String(Character.toChars(cp));
                        }
                    } catch (NumberFormatException e) {
                        decoded = null;
                    }
                } else {
                    decoded = ENTITIES.get(name);
                }
            }
            if (decoded != null) {
                sb.append(decoded);
                i = semi + 1;
            } else {
                sb.append('&');
                i = amp + 1;
            }
            amp = s.indexOf('&', i);
        }
        sb.append(s, i, s.length());
        return sb.toString();
    }

    private static String stripTags(String s) {
        if (s.indexOf('<') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            // a tag starts with '<' followed by a letter, '/' or '!' and ends at the next '>'
            if (c == '<' && i + 1 < s.length()) {
                char n = s.charAt(i + 1);
                int close = s.indexOf('>', i);
                if ((Character.isLetter(n) || n == '/' || n == '!') && close > 0) {
                    sb.append(' ');
                    i = close + 1;
                    continue;
                }
            }
            sb.append(c);
            i++;
        }
        return sb.toString();
    }
}
