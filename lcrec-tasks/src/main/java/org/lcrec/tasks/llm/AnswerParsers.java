package org.lcrec.tasks.llm;

import java.util.List;
import java.util.Locale;

/**
 * Strict parsing of model answers. No regular expressions: answers are read line by line.
 *
 * <ul>
 *   <li>{@link #summary}: one paragraph of prose (line breaks become spaces), non-empty, at most
 *       {@value #MAX_CHARS} characters.
 *   <li>{@link #labelled}: every requested {@code Label: value} line exactly once, in any order,
 *       each with a non-empty value; a line without a label continues the value above it; any text
 *       before the first label (a preamble such as "Sure! Here it is:") is rejected.
 * </ul>
 */
public final class AnswerParsers {
    /** Longest accepted answer: longer ones are rambling, not a summary. */
    public static final int MAX_CHARS = 2000;

    private AnswerParsers() {}

    /**
     * @param answer the raw answer
     * @return the text as one paragraph
     * @throws MalformedAnswerException if empty or too long
     */
    public static String summary(String answer) {
        String s = collapse(answer == null ? "" : answer);
        if (s.isEmpty()) {
            throw new MalformedAnswerException("expected a summary, found an empty answer");
        }
        if (s.length() > MAX_CHARS) {
            throw new MalformedAnswerException(
                    "expected a summary of at most "
                            + MAX_CHARS
                            + " characters, found "
                            + s.length());
        }
        return s;
    }

    /**
     * @param answer the raw answer
     * @param labels the labels, e.g. {@code "Long-term preferences"}, {@code "Short-term
     *     preferences"}
     * @return the values, in the order of {@code labels}
     * @throws MalformedAnswerException naming the missing, repeated or empty label, or the preamble
     */
    public static List<String> labelled(String answer, String... labels) {
        StringBuilder[] values = new StringBuilder[labels.length];
        int current = -1;
        String text = answer == null ? "" : answer;
        int start = 0;
        while (start <= text.length()) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = text.length();
            }
            String line = text.substring(start, end).strip();
            start = end + 1;
            if (line.isEmpty()) {
                continue;
            }
            String bare = stripMarkup(line);
            int which = -1;
            String rest = null;
            for (int i = 0; i < labels.length; i++) {
                String v = afterLabel(bare, labels[i]);
                if (v != null) {
                    which = i;
                    rest = v;
                    break;
                }
            }
            if (which >= 0) {
                if (values[which] != null) {
                    throw new MalformedAnswerException(
                            "expected \"" + labels[which] + ":\" once, found it twice");
                }
                values[which] = new StringBuilder(rest);
                current = which;
            } else if (current < 0) {
                throw new MalformedAnswerException(
                        "expected the answer to start with \""
                                + labels[0]
                                + ":\", found \""
                                + abbreviate(line)
                                + "\"");
            } else {
                values[current].append(' ').append(line);
            }
        }
        String[] out = new String[labels.length];
        for (int i = 0; i < labels.length; i++) {
            if (values[i] == null) {
                throw new MalformedAnswerException(
                        "expected a line \"" + labels[i] + ": ...\", found none");
            }
            out[i] = collapse(values[i].toString());
            if (out[i].isEmpty()) {
                throw new MalformedAnswerException(
                        "expected text after \"" + labels[i] + ":\", found none");
            }
            if (out[i].length() > MAX_CHARS) {
                throw new MalformedAnswerException(
                        "\""
                                + labels[i]
                                + "\": expected at most "
                                + MAX_CHARS
                                + " characters, found "
                                + out[i].length());
            }
        }
        return List.of(out);
    }

    /** Drops list bullets, heading marks and bold/italic markers around a leading label. */
    private static String stripMarkup(String line) {
        int i = 0;
        while (i < line.length() && "-*#>•0123456789. ".indexOf(line.charAt(i)) >= 0) {
            // a leading digit run counts only as "1." / "2)" list numbering
            if (Character.isDigit(line.charAt(i))) {
                int j = i;
                while (j < line.length() && Character.isDigit(line.charAt(j))) {
                    j++;
                }
                if (j < line.length() && (line.charAt(j) == '.' || line.charAt(j) == ')')) {
                    i = j + 1;
                    continue;
                }
                break;
            }
            i++;
        }
        StringBuilder sb = new StringBuilder(line.length());
        for (int k = i; k < line.length(); k++) {
            char c = line.charAt(k);
            if (c != '*' && c != '_') {
                sb.append(c);
            }
        }
        return sb.toString().strip();
    }

    /** The text after {@code label:} (case-insensitive) at the start of the line, else null. */
    private static String afterLabel(String line, String label) {
        if (line.length() <= label.length()
                || !line.regionMatches(true, 0, label, 0, label.length())) {
            return null;
        }
        int i = label.length();
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        if (i >= line.length() || line.charAt(i) != ':') {
            return null;
        }
        return line.substring(i + 1).strip();
    }

    /** Whitespace runs (line breaks included) become one space; surrounding quotes are dropped. */
    static String collapse(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        boolean space = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                space = sb.length() > 0;
                continue;
            }
            if (space) {
                sb.append(' ');
                space = false;
            }
            sb.append(c);
        }
        int from = 0;
        int to = sb.length();
        if (to >= 2 && sb.charAt(0) == '"' && sb.charAt(to - 1) == '"') {
            from++;
            to--;
        }
        return sb.substring(from, to).strip();
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    /**
     * @param text an answer
     * @param title an item title
     * @return whether the answer names the item (case-insensitive), which intention prompts forbid
     */
    static boolean mentions(String text, String title) {
        if (title == null || title.length() < 8) {
            return false;
        }
        return text.toLowerCase(Locale.ROOT).contains(title.toLowerCase(Locale.ROOT));
    }
}
