package org.lcrec.tasks;

import org.lcrec.core.PythonLiterals;
import org.lcrec.core.TextCleaner;

/**
 * Item text as the tasks use it: {@link TextCleaner}, plus a lenient reading of stringified Python
 * lists that are not valid literals. Amazon metadata holds such lists (16 descriptions of
 * Industrial_and_Scientific have an unescaped apostrophe inside a single-quoted element, e.g.
 * {@code 'for it's long'}); {@link TextCleaner#clean} falls back to cleaning them as plain text and
 * keeps the brackets and quotes. Here an element ends only at a quote followed by a comma and
 * another quote, or by the closing bracket.
 */
final class ItemTexts {
    private ItemTexts() {}

    static String title(String raw) {
        return TextCleaner.cleanTitle(repairList(raw));
    }

    static String description(String raw) {
        return TextCleaner.clean(repairList(raw));
    }

    /** The raw text, or its list elements joined by spaces when it is a malformed list literal. */
    static String repairList(String raw) {
        if (raw == null || !PythonLiterals.looksLikeStringList(raw)) {
            return raw;
        }
        try {
            PythonLiterals.parseStringList(raw);
            return raw; // valid: TextCleaner handles it
        } catch (IllegalArgumentException e) {
            String lenient = lenientList(raw.strip());
            return lenient == null ? raw : lenient;
        }
    }

    /** Elements of {@code [q...q, q...q]} read leniently, joined by spaces; null if not a list. */
    static String lenientList(String t) {
        int last = t.length() - 1; // the closing ']'
        int i = skipSpaces(t, 1, last);
        StringBuilder out = new StringBuilder(t.length());
        while (i < last) {
            char q = t.charAt(i);
            if (q != '\'' && q != '"') {
                return null;
            }
            i++;
            if (out.length() > 0) {
                out.append(' ');
            }
            boolean closed = false;
            while (i < last) {
                char c = t.charAt(i);
                if (c == '\\' && i + 1 < last) {
                    char e = t.charAt(i + 1);
                    out.append(e == 'n' || e == 't' || e == 'r' ? ' ' : e);
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
                out.append(c);
                i++;
            }
            if (!closed) {
                return null;
            }
        }
        return out.toString();
    }

    /**
     * If a quote at {@code j - 1} closes an element, the start of the next element (or {@code last}
     * at the end of the list); else -1.
     */
    private static int elementEnd(String t, int j, int last) {
        int k = skipSpaces(t, j, last);
        if (k == last) {
            return last;
        }
        if (t.charAt(k) != ',') {
            return -1;
        }
        k = skipSpaces(t, k + 1, last);
        if (k < last && (t.charAt(k) == '\'' || t.charAt(k) == '"')) {
            return k;
        }
        return -1;
    }

    private static int skipSpaces(String t, int i, int end) {
        while (i < end && Character.isWhitespace(t.charAt(i))) {
            i++;
        }
        return i;
    }
}
