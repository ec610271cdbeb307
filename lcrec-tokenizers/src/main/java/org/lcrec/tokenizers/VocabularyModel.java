package org.lcrec.tokenizers;

import java.util.Map;

/** What WordPiece and BPE share: a token → id map and its inverse. */
abstract class VocabularyModel implements Model {
    /** The vocabulary, token → id. */
    protected final Map<String, Integer> vocab;

    private final String[] idToToken;

    /**
     * @param vocab token → id (ids may have gaps; a gap decodes to {@code null})
     */
    VocabularyModel(Map<String, Integer> vocab) {
        this.vocab = vocab;
        int max = -1;
        for (int id : vocab.values()) {
            max = Math.max(max, id);
        }
        this.idToToken = new String[max + 1];
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            idToToken[e.getValue()] = e.getKey();
        }
    }

    @Override
    public final int tokenToId(String token) {
        Integer id = vocab.get(token);
        return id == null ? -1 : id;
    }

    @Override
    public final String idToToken(int id) {
        return id >= 0 && id < idToToken.length ? idToToken[id] : null;
    }

    @Override
    public final int vocabSize() {
        return vocab.size();
    }
}
