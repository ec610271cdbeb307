package org.lcrec.tokenizers;

/** A tokenization model (WordPiece, BPE): word to token ids, and its vocabulary. */
interface Model {
    /**
     * Appends the ids of one pre-tokenized word.
     *
     * @param word a non-empty word (raw text for byte-level BPE, which maps the bytes itself)
     * @param out the buffer to append to
     */
    void tokenize(String word, IntList out);

    /**
     * @param token a vocabulary entry
     * @return its id, or -1
     */
    int tokenToId(String token);

    /**
     * @param id a token id
     * @return the vocabulary entry, or {@code null}
     */
    String idToToken(int id);

    /**
     * @return the number of entries in the model's vocabulary (ids 0..size-1 for well-formed files)
     */
    int vocabSize();
}
