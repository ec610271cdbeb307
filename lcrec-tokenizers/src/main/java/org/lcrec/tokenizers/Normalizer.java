package org.lcrec.tokenizers;

import com.fasterxml.jackson.databind.JsonNode;
import java.text.Normalizer.Form;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Hugging Face normaliser: a pure function from text to text, applied to each piece of the input
 * between non-normalised added tokens.
 */
interface Normalizer {
    /**
     * @param text a piece of input, never {@code null}
     * @return the normalised piece
     */
    String normalize(String text);

    /**
     * Builds the normaliser a {@code tokenizer.json} describes.
     *
     * @param node the {@code normalizer} object (may be {@code null} or JSON null)
     * @param source the file, for messages
     * @return the normaliser, or {@code null} when there is none
     * @throws TokenizerException on an unsupported type
     */
    static Normalizer fromJson(JsonNode node, String source) {
        if (node == null || node.isNull()) {
            return null;
        }
        String type = Json.text(node, "type", source + ": normalizer");
        switch (type) {
            case "BertNormalizer":
                return new Bert(
                        node.path("clean_text").asBoolean(true),
                        node.path("handle_chinese_chars").asBoolean(true),
                        node.path("strip_accents").isBoolean()
                                ? node.get("strip_accents").asBoolean()
                                : null,
                        node.path("lowercase").asBoolean(true));
            case "NFC":
                return new Unicode(Form.NFC);
            case "NFD":
                return new Unicode(Form.NFD);
            case "NFKC":
                return new Unicode(Form.NFKC);
            case "NFKD":
                return new Unicode(Form.NFKD);
            case "Lowercase":
                return Normalizer::lowercase;
            case "StripAccents":
                return Normalizer::stripAccents;
            case "Prepend":
                {
                    String prefix = Json.text(node, "prepend", source + ": Prepend normalizer");
                    return s -> s.isEmpty() ? s : prefix + s;
                }
            case "Replace":
                return Replace.fromJson(node, source + ": Replace normalizer");
            case "Strip":
                {
                    boolean left = node.path("strip_left").asBoolean(false);
                    boolean right = node.path("strip_right").asBoolean(false);
                    return s -> strip(s, left, right);
                }
            case "Sequence":
                {
                    List<Normalizer> parts = new ArrayList<>();
                    for (JsonNode child : node.path("normalizers")) {
                        Normalizer n = fromJson(child, source);
                        if (n != null) {
                            parts.add(n);
                        }
                    }
                    return s -> {
                        String out = s;
                        for (Normalizer n : parts) {
                            out = n.normalize(out);
                        }
                        return out;
                    };
                }
            default:
                throw new TokenizerException(
                        source
                                + ": unsupported normalizer type \""
                                + type
                                + "\" (supported: BertNormalizer, NFC, NFD, NFKC, NFKD,"
                                + " Lowercase, StripAccents, Prepend, Replace, Strip, Sequence)");
        }
    }

    /**
     * Lower-cases code point by code point, as Rust's {@code char::to_lowercase} does (no
     * context-dependent final sigma; U+0130 becomes "i" + U+0307).
     */
    static String lowercase(String s) {
        int n = s.length();
        int i = 0;
        // fast path: nothing to change
        while (i < n) {
            char c = s.charAt(i);
            if (c < 0x80 ? (c >= 'A' && c <= 'Z') : true) {
                break;
            }
            i++;
        }
        if (i == n) {
            return s;
        }
        StringBuilder sb = new StringBuilder(n);
        sb.append(s, 0, i);
        while (i < n) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == 0x130) {
                sb.append("i\u0307");
            } else {
                sb.appendCodePoint(Character.toLowerCase(cp));
            }
        }
        return sb.toString();
    }

    /** NFD, then drops non-spacing marks (category Mn). */
    static String stripAccents(String s) {
        if (UnicodeProps.isAscii(s)) {
            return s;
        }
        String d = java.text.Normalizer.normalize(s, Form.NFD);
        StringBuilder sb = new StringBuilder(d.length());
        for (int i = 0; i < d.length(); ) {
            int cp = d.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.getType(cp) != Character.NON_SPACING_MARK) {
                sb.appendCodePoint(cp);
            }
        }
        return sb.toString();
    }

    /** Strips leading and/or trailing White_Space. */
    static String strip(String s, boolean left, boolean right) {
        int start = 0;
        int end = s.length();
        if (left) {
            while (start < end) {
                int cp = s.codePointAt(start);
                if (!UnicodeProps.isWhiteSpace(cp)) {
                    break;
                }
                start += Character.charCount(cp);
            }
        }
        if (right) {
            while (end > start) {
                int cp = s.codePointBefore(end);
                if (!UnicodeProps.isWhiteSpace(cp)) {
                    break;
                }
                end -= Character.charCount(cp);
            }
        }
        return s.substring(start, end);
    }

    /** Unicode normalisation forms, with an ASCII fast path (ASCII is invariant in all four). */
    final class Unicode implements Normalizer {
        private final Form form;

        Unicode(Form form) {
            this.form = form;
        }

        @Override
        public String normalize(String s) {
            if (UnicodeProps.isAscii(s) || java.text.Normalizer.isNormalized(s, form)) {
                return s;
            }
            return java.text.Normalizer.normalize(s, form);
        }

        @Override
        public String toString() {
            return form.name();
        }
    }

    /** {@code Replace}: a literal string or a regular expression replaced everywhere. */
    final class Replace implements Normalizer {
        private final String literal;
        private final Pattern regex;
        private final String content;

        private Replace(String literal, Pattern regex, String content) {
            this.literal = literal;
            this.regex = regex;
            this.content = content;
        }

        static Replace fromJson(JsonNode node, String where) {
            JsonNode pattern = node.path("pattern");
            String content = Json.text(node, "content", where);
            if (pattern.has("String")) {
                return new Replace(pattern.get("String").asText(), null, content);
            }
            if (pattern.has("Regex")) {
                return new Replace(
                        null, SplitPatterns.compileJava(pattern.get("Regex").asText()), content);
            }
            throw new TokenizerException(
                    where
                            + ": expected pattern {\"String\": ...} or {\"Regex\": ...}, found "
                            + pattern);
        }

        @Override
        public String normalize(String s) {
            if (literal != null) {
                return literal.isEmpty() ? s : s.replace(literal, content);
            }
            return regex.matcher(s).replaceAll(Matcher.quoteReplacement(content));
        }

        /**
         * @return the literal pattern, or {@code null} for a regex
         */
        String literal() {
            return literal;
        }

        /**
         * @return the replacement
         */
        String content() {
            return content;
        }
    }

    /** The BERT normaliser: clean text, pad CJK ideographs, strip accents, lowercase. */
    final class Bert implements Normalizer {
        private final boolean cleanText;
        private final boolean handleChinese;
        private final boolean stripAccents;
        private final boolean lowercase;

        Bert(boolean cleanText, boolean handleChinese, Boolean stripAccents, boolean lowercase) {
            this.cleanText = cleanText;
            this.handleChinese = handleChinese;
            this.stripAccents = stripAccents == null ? lowercase : stripAccents;
            this.lowercase = lowercase;
        }

        @Override
        public String normalize(String s) {
            String out = s;
            if (cleanText || handleChinese) {
                out = cleanAndPad(out);
            }
            if (stripAccents) {
                out = Normalizer.stripAccents(out);
            }
            if (lowercase) {
                out = Normalizer.lowercase(out);
            }
            return out;
        }

        private String cleanAndPad(String s) {
            int n = s.length();
            // fast path: printable ASCII and spaces only
            boolean plain = true;
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c < 0x20 || c >= 0x7F) {
                    plain = false;
                    break;
                }
            }
            if (plain) {
                return s;
            }
            StringBuilder sb = new StringBuilder(n + 8);
            for (int i = 0; i < n; ) {
                int cp = s.codePointAt(i);
                i += Character.charCount(cp);
                if (cleanText) {
                    if (cp == 0 || cp == 0xFFFD || UnicodeProps.isBertControl(cp)) {
                        continue;
                    }
                    if (UnicodeProps.isBertWhitespace(cp)) {
                        sb.append(' ');
                        continue;
                    }
                }
                if (handleChinese && UnicodeProps.isChineseChar(cp)) {
                    sb.append(' ').appendCodePoint(cp).append(' ');
                } else {
                    sb.appendCodePoint(cp);
                }
            }
            return sb.toString();
        }
    }
}
