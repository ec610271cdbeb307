package org.lcrec.tokenizers;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.lcrec.core.io.FileChecks;

/**
 * WordPiece (BERT): greedy longest-match-first over the word's code points, continuation pieces
 * carry a prefix ({@code ##}); a word with no complete segmentation, or longer than {@code
 * max_input_chars_per_word} code points, becomes the unknown token.
 *
 * @implNote Thread-safe. Segmentations of words up to {@value #CACHE_WORD_LIMIT} chars are cached
 *     (at most {@value #CACHE_CAPACITY} words).
 */
final class WordPieceModel extends VocabularyModel {
    static final int CACHE_WORD_LIMIT = 64;
    static final int CACHE_CAPACITY = 200_000;

    private final int unkId;
    private final String prefix;
    private final int maxChars;
    private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>();

    private WordPieceModel(Map<String, Integer> vocab, int unkId, String prefix, int maxChars) {
        super(vocab);
        this.unkId = unkId;
        this.prefix = prefix;
        this.maxChars = maxChars;
    }

    /**
     * @param addedTokens how many entries {@code added_tokens} lists, which may take ids beyond the
     *     vocabulary's own
     */
    static WordPieceModel fromJson(JsonNode model, String source, int addedTokens) {
        String where = source + ": model (WordPiece)";
        Map<String, Integer> vocab = readVocab(model, where, addedTokens);
        String unk = Json.text(model, "unk_token", where);
        Integer unkId = vocab.get(unk);
        if (unkId == null) {
            throw new TokenizerException(where + ": unk_token \"" + unk + "\" is not in the vocab");
        }
        String prefix =
                model.has("continuing_subword_prefix")
                                && !model.get("continuing_subword_prefix").isNull()
                        ? model.get("continuing_subword_prefix").asText()
                        : "##";
        int maxChars = model.path("max_input_chars_per_word").asInt(100);
        return new WordPieceModel(vocab, unkId, prefix, maxChars);
    }

    /**
     * Reads {@code model.vocab}. Ids are checked against the file's own size: they lie in {@code
     * [0, entries + addedTokens)}, so that one huge id cannot size the id-to-token table (a gap
     * decodes to null, as Hugging Face's does).
     */
    static Map<String, Integer> readVocab(JsonNode model, String where, int addedTokens) {
        JsonNode v = model.get("vocab");
        if (v == null || !v.isObject()) {
            throw new TokenizerException(
                    where
                            + ": expected object \"vocab\", found "
                            + (v == null ? "nothing" : v.getNodeType()));
        }
        Map<String, Integer> vocab = new HashMap<>(v.size() * 2);
        long bound = (long) v.size() + addedTokens;
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            JsonNode id = e.getValue();
            if (!id.isIntegralNumber()
                    || !id.canConvertToInt()
                    || id.intValue() < 0
                    || id.intValue() >= bound) {
                throw new TokenizerException(
                        where
                                + ": vocab entry \""
                                + FileChecks.abbreviate(e.getKey())
                                + "\": expected an id in [0, "
                                + bound
                                + ") (the "
                                + v.size()
                                + " entries and "
                                + addedTokens
                                + " added tokens), found "
                                + FileChecks.abbreviate(id));
            }
            vocab.put(e.getKey(), e.getValue().asInt());
        }
        return vocab;
    }

    @Override
    public void tokenize(String word, IntList out) {
        int[] cached = cache.get(word);
        if (cached != null) {
            out.addAll(cached);
            return;
        }
        int[] ids = segment(word);
        if (word.length() <= CACHE_WORD_LIMIT && cache.size() < CACHE_CAPACITY) {
            cache.put(word, ids);
        }
        out.addAll(ids);
    }

    private int[] segment(String word) {
        if (word.codePointCount(0, word.length()) > maxChars) {
            return new int[] {unkId};
        }
        IntList ids = new IntList(8);
        int n = word.length();
        int start = 0;
        StringBuilder sb = new StringBuilder(n + prefix.length());
        while (start < n) {
            int end = n;
            int found = -1;
            while (end > start) {
                sb.setLength(0);
                if (start > 0) {
                    sb.append(prefix);
                }
                sb.append(word, start, end);
                Integer id = vocab.get(sb.toString());
                if (id != null) {
                    found = id;
                    break;
                }
                end = Character.offsetByCodePoints(word, end, -1);
            }
            if (found < 0) {
                return new int[] {unkId};
            }
            ids.add(found);
            start = end;
        }
        return ids.toArray();
    }

    String prefix() {
        return prefix;
    }
}
