package org.lcrec.tokenizers;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The added tokens of a tokenizer and the two matchers that cut them out of the input: one over the
 * raw text (tokens with {@code normalized=false}) and one over each normalised piece (tokens with
 * {@code normalized=true}, whose contents are normalised too). Matching is leftmost-longest and
 * non-overlapping, with the {@code single_word}/{@code lstrip}/{@code rstrip} rules of Hugging
 * Face's {@code AddedVocabulary}. Immutable.
 */
final class AddedVocabulary {
    private final List<AddedToken> tokens;
    private final Map<Integer, AddedToken> byId;
    private final Map<String, Integer> byContent;
    private final java.util.Set<String> special = new java.util.HashSet<>();
    private final Matcher raw;
    private final Matcher normalized;

    AddedVocabulary(List<AddedToken> tokens, Normalizer normalizer) {
        this.tokens = List.copyOf(tokens);
        this.byId = new HashMap<>();
        this.byContent = new HashMap<>();
        List<AddedToken> rawTokens = new ArrayList<>();
        List<AddedToken> normTokens = new ArrayList<>();
        List<String> normContents = new ArrayList<>();
        // special tokens first, as Hugging Face builds its tries
        List<AddedToken> ordered = new ArrayList<>();
        for (AddedToken t : tokens) {
            if (t.special()) {
                ordered.add(t);
            }
        }
        for (AddedToken t : tokens) {
            if (!t.special()) {
                ordered.add(t);
            }
        }
        for (AddedToken t : tokens) {
            byId.put(t.id(), t);
            byContent.put(t.content(), t.id());
            if (t.special()) {
                special.add(t.content());
            }
        }
        for (AddedToken t : ordered) {
            if (t.normalized()) {
                normTokens.add(t);
                normContents.add(
                        normalizer == null ? t.content() : normalizer.normalize(t.content()));
            } else {
                rawTokens.add(t);
                normContents.add(null);
            }
        }
        normContents.removeIf(java.util.Objects::isNull);
        this.raw = new Matcher(rawTokens, rawTokens.stream().map(AddedToken::content).toList());
        this.normalized = new Matcher(normTokens, normContents);
    }

    List<AddedToken> tokens() {
        return tokens;
    }

    AddedToken byId(int id) {
        return byId.get(id);
    }

    /**
     * @return the id, or -1
     */
    int id(String content) {
        Integer id = byContent.get(content);
        return id == null ? -1 : id;
    }

    boolean isSpecial(String content) {
        return special.contains(content);
    }

    Matcher raw() {
        return raw;
    }

    Matcher normalized() {
        return normalized;
    }

    /** Callback for the pieces of a split. */
    interface Sink {
        void text(String s, int start, int end);

        void token(int id);
    }

    /** A leftmost-longest matcher over a fixed set of strings. */
    static final class Matcher {
        private final Map<String, AddedToken> byText = new HashMap<>();
        private final int[] lengths;
        private final BitSet firstChars = new BitSet();

        Matcher(List<AddedToken> tokens, List<String> texts) {
            TreeSet<Integer> lens = new TreeSet<>(Collections.reverseOrder());
            for (int i = 0; i < tokens.size(); i++) {
                String t = texts.get(i);
                if (t.isEmpty()) {
                    continue;
                }
                byText.putIfAbsent(t, tokens.get(i));
                lens.add(t.length());
                firstChars.set(t.charAt(0));
            }
            lengths = lens.stream().mapToInt(Integer::intValue).toArray();
        }

        boolean isEmpty() {
            return byText.isEmpty();
        }

        /**
         * Splits {@code s} into text pieces and matched tokens, in order. Empty text pieces are not
         * reported.
         */
        void split(String s, Sink sink) {
            int n = s.length();
            if (byText.isEmpty() || n == 0) {
                if (n > 0) {
                    sink.text(s, 0, n);
                }
                return;
            }
            int startOffset = 0;
            int i = 0;
            while (i < n) {
                char c = s.charAt(i);
                if (!firstChars.get(c)) {
                    i++;
                    continue;
                }
                AddedToken found = null;
                int len = 0;
                for (int l : lengths) {
                    if (i + l <= n) {
                        AddedToken t = byText.get(s.substring(i, i + l));
                        if (t != null) {
                            found = t;
                            len = l;
                            break;
                        }
                    }
                }
                if (found == null) {
                    i++;
                    continue;
                }
                int start = i;
                int stop = i + len;
                i = stop; // the search resumes after the match, whatever happens to it
                if (found.singleWord()) {
                    boolean startSpace =
                            start == 0 || !UnicodeProps.isWordChar(s.codePointBefore(start));
                    boolean stopSpace = stop == n || !UnicodeProps.isWordChar(s.codePointAt(stop));
                    if (!startSpace || !stopSpace) {
                        continue;
                    }
                }
                if (found.lstrip()) {
                    int ns = start;
                    while (ns > 0 && UnicodeProps.isWhiteSpace(s.codePointBefore(ns))) {
                        ns -= Character.charCount(s.codePointBefore(ns));
                    }
                    start = Math.max(ns, startOffset);
                }
                if (found.rstrip()) {
                    while (stop < n && UnicodeProps.isWhiteSpace(s.codePointAt(stop))) {
                        stop += Character.charCount(s.codePointAt(stop));
                    }
                }
                if (startOffset < start) {
                    sink.text(s, startOffset, start);
                }
                sink.token(found.id());
                startOffset = stop;
            }
            if (startOffset < n) {
                sink.text(s, startOffset, n);
            }
        }
    }
}
