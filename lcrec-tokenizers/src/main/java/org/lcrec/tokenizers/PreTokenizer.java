package org.lcrec.tokenizers;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A Hugging Face pre-tokenizer: splits a normalised piece into words. The byte-level mapping of the
 * {@code ByteLevel} pre-tokenizer is not done here: the BPE model works on UTF-8 bytes directly
 * (see {@link BpeModel}); {@code ByteLevel} only contributes its optional regex split and prefix
 * space.
 */
interface PreTokenizer {
    /**
     * @param text a normalised piece (non-empty)
     * @param out receives the words, in order (none empty)
     */
    void split(String text, List<String> out);

    /** How a delimiter match is kept (Hugging Face {@code SplitDelimiterBehavior}). */
    enum Behavior {
        REMOVED,
        ISOLATED,
        MERGED_WITH_PREVIOUS,
        MERGED_WITH_NEXT,
        CONTIGUOUS;

        static Behavior parse(String s, String where) {
            switch (s) {
                case "Removed":
                    return REMOVED;
                case "Isolated":
                    return ISOLATED;
                case "MergedWithPrevious":
                    return MERGED_WITH_PREVIOUS;
                case "MergedWithNext":
                    return MERGED_WITH_NEXT;
                case "Contiguous":
                    return CONTIGUOUS;
                default:
                    throw new TokenizerException(
                            where + ": unsupported split behavior \"" + s + "\"");
            }
        }
    }

    /** The result of parsing: the pre-tokenizer and whether the pipeline is byte-level. */
    record Parsed(PreTokenizer preTokenizer, boolean byteLevel) {}

    /**
     * Builds the pre-tokenizer a {@code tokenizer.json} describes.
     *
     * @param node the {@code pre_tokenizer} object (may be null)
     * @param source the file, for messages
     * @return the pre-tokenizer (null when none) and the byte-level flag
     */
    static Parsed fromJson(JsonNode node, String source) {
        if (node == null || node.isNull()) {
            return new Parsed(null, false);
        }
        String where = source + ": pre_tokenizer";
        String type = Json.text(node, "type", where);
        if (type.equals("Sequence")) {
            List<PreTokenizer> parts = new ArrayList<>();
            boolean byteLevel = false;
            JsonNode children = node.path("pretokenizers");
            for (int i = 0; i < children.size(); i++) {
                if (byteLevel) {
                    throw new TokenizerException(
                            where + ": ByteLevel must be the last pre-tokenizer of a Sequence");
                }
                Parsed p = fromJson(children.get(i), source);
                byteLevel = p.byteLevel();
                if (p.preTokenizer() != null) {
                    parts.add(p.preTokenizer());
                }
            }
            return new Parsed(sequence(parts), byteLevel);
        }
        switch (type) {
            case "ByteLevel":
                {
                    boolean prefix = node.path("add_prefix_space").asBoolean(false);
                    boolean regex = node.path("use_regex").asBoolean(true);
                    List<PreTokenizer> parts = new ArrayList<>();
                    if (prefix) {
                        parts.add((s, out) -> out.add(s.charAt(0) == ' ' ? s : " " + s));
                    }
                    if (regex) {
                        parts.add(
                                split(
                                        SplitPatterns.forRegex(SplitPatterns.GPT2),
                                        Behavior.ISOLATED,
                                        false));
                    }
                    return new Parsed(sequence(parts), true);
                }
            case "BertPreTokenizer":
                return new Parsed(PreTokenizer::bert, false);
            case "WhitespaceSplit":
                return new Parsed(PreTokenizer::whitespaceSplit, false);
            case "Whitespace":
                return new Parsed(PreTokenizer::whitespace, false);
            case "Digits":
                {
                    boolean individual = node.path("individual_digits").asBoolean(false);
                    return new Parsed((s, out) -> digits(s, individual, out), false);
                }
            case "Split":
                {
                    JsonNode pattern = node.path("pattern");
                    SplitPatterns.Scanner scanner;
                    if (pattern.has("Regex")) {
                        scanner = SplitPatterns.forRegex(pattern.get("Regex").asText());
                    } else if (pattern.has("String")) {
                        scanner = SplitPatterns.forLiteral(pattern.get("String").asText());
                    } else {
                        throw new TokenizerException(
                                where
                                        + ": Split expects pattern {\"Regex\"|\"String\": ...}, found "
                                        + pattern);
                    }
                    Behavior behavior = Behavior.parse(Json.text(node, "behavior", where), where);
                    if (behavior == Behavior.CONTIGUOUS) {
                        throw new TokenizerException(
                                where + ": Split behavior Contiguous is not supported");
                    }
                    boolean invert = node.path("invert").asBoolean(false);
                    return new Parsed(split(scanner, behavior, invert), false);
                }
            default:
                throw new TokenizerException(
                        where
                                + ": unsupported pre-tokenizer type \""
                                + type
                                + "\" (supported: BertPreTokenizer, ByteLevel, Split, Whitespace,"
                                + " WhitespaceSplit, Digits, Sequence)");
        }
    }

    private static PreTokenizer sequence(List<PreTokenizer> parts) {
        if (parts.isEmpty()) {
            return null;
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        return (s, out) -> {
            List<String> words = new ArrayList<>();
            words.add(s);
            for (PreTokenizer p : parts) {
                List<String> next = new ArrayList<>(words.size() * 2);
                for (String w : words) {
                    p.split(w, next);
                }
                words = next;
            }
            out.addAll(words);
        };
    }

    /** Splits at scanner matches and keeps them according to the behaviour. */
    static PreTokenizer split(SplitPatterns.Scanner scanner, Behavior behavior, boolean invert) {
        return (s, out) -> {
            int[] m = new int[2];
            int n = s.length();
            // pieces: alternating (start, end, isDelimiter)
            List<int[]> pieces = new ArrayList<>();
            int pos = 0;
            int from = 0;
            while (from < n && scanner.find(s, from, m)) {
                if (m[0] > pos) {
                    pieces.add(new int[] {pos, m[0], invert ? 1 : 0});
                }
                pieces.add(new int[] {m[0], m[1], invert ? 0 : 1});
                pos = m[1];
                from = m[1];
            }
            if (pos < n) {
                pieces.add(new int[] {pos, n, invert ? 1 : 0});
            }
            applyBehavior(s, pieces, behavior, out);
        };
    }

    private static void applyBehavior(String s, List<int[]> pieces, Behavior b, List<String> out) {
        switch (b) {
            case ISOLATED:
                for (int[] p : pieces) {
                    out.add(s.substring(p[0], p[1]));
                }
                return;
            case REMOVED:
                for (int[] p : pieces) {
                    if (p[2] == 0) {
                        out.add(s.substring(p[0], p[1]));
                    }
                }
                return;
            case MERGED_WITH_PREVIOUS:
                {
                    int start = -1;
                    int end = -1;
                    for (int[] p : pieces) {
                        if (p[2] == 1 && start >= 0) {
                            end = p[1];
                            out.add(s.substring(start, end));
                            start = -1;
                        } else if (p[2] == 1) {
                            out.add(s.substring(p[0], p[1]));
                        } else {
                            if (start >= 0) {
                                out.add(s.substring(start, end));
                            }
                            start = p[0];
                            end = p[1];
                        }
                    }
                    if (start >= 0) {
                        out.add(s.substring(start, end));
                    }
                    return;
                }
            case MERGED_WITH_NEXT:
                {
                    int start = -1;
                    for (int[] p : pieces) {
                        if (p[2] == 1) {
                            if (start >= 0) {
                                out.add(s.substring(start, p[0]));
                            }
                            start = p[0];
                        } else {
                            out.add(s.substring(start >= 0 ? start : p[0], p[1]));
                            start = -1;
                        }
                    }
                    if (start >= 0) {
                        out.add(s.substring(start));
                    }
                    return;
                }
            case CONTIGUOUS:
                throw new TokenizerException("split behavior Contiguous is not supported");
            default:
                throw new IllegalStateException(b.toString());
        }
    }

    /** BERT: split on White_Space (removed), then isolate each punctuation character. */
    static void bert(String s, List<String> out) {
        int n = s.length();
        int start = -1;
        for (int i = 0; i < n; ) {
            int c = s.codePointAt(i);
            int w = Character.charCount(c);
            if (UnicodeProps.isWhiteSpace(c)) {
                if (start >= 0) {
                    out.add(s.substring(start, i));
                    start = -1;
                }
            } else if (UnicodeProps.isBertPunctuation(c)) {
                if (start >= 0) {
                    out.add(s.substring(start, i));
                    start = -1;
                }
                out.add(s.substring(i, i + w));
            } else if (start < 0) {
                start = i;
            }
            i += w;
        }
        if (start >= 0) {
            out.add(s.substring(start));
        }
    }

    /** Splits on White_Space, dropping it. */
    static void whitespaceSplit(String s, List<String> out) {
        int n = s.length();
        int start = -1;
        for (int i = 0; i < n; ) {
            int c = s.codePointAt(i);
            int w = Character.charCount(c);
            if (UnicodeProps.isWhiteSpace(c)) {
                if (start >= 0) {
                    out.add(s.substring(start, i));
                    start = -1;
                }
            } else if (start < 0) {
                start = i;
            }
            i += w;
        }
        if (start >= 0) {
            out.add(s.substring(start));
        }
    }

    /** {@code \w+|[^\w\s]+}: runs of word characters and runs of other non-space characters. */
    static void whitespace(String s, List<String> out) {
        int n = s.length();
        int start = -1;
        int kind = 0; // 1 word, 2 other
        for (int i = 0; i < n; ) {
            int c = s.codePointAt(i);
            int w = Character.charCount(c);
            int k = UnicodeProps.isWhiteSpace(c) ? 0 : UnicodeProps.isWordChar(c) ? 1 : 2;
            if (k != kind) {
                if (start >= 0) {
                    out.add(s.substring(start, i));
                }
                start = k == 0 ? -1 : i;
                kind = k;
            }
            i += w;
        }
        if (start >= 0) {
            out.add(s.substring(start));
        }
    }

    /** Isolates digits (each, or runs of them). */
    static void digits(String s, boolean individual, List<String> out) {
        int n = s.length();
        int start = 0;
        boolean inDigits = false;
        for (int i = 0; i < n; ) {
            int c = s.codePointAt(i);
            int w = Character.charCount(c);
            boolean d = UnicodeProps.isNumber(c);
            if (d && individual) {
                if (i > start) {
                    out.add(s.substring(start, i));
                }
                out.add(s.substring(i, i + w));
                start = i + w;
            } else if (d != inDigits && i > start) {
                out.add(s.substring(start, i));
                start = i;
            }
            inDigits = d;
            i += w;
        }
        if (start < n) {
            out.add(s.substring(start));
        }
    }
}
