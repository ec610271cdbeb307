package org.lcrec.model.encoder;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.lcrec.tokenizers.Tokenizer;

class MiniLmTokenizerTest {
    @Test
    void bundledTokenizerIsBertUncasedWordPiece() {
        Tokenizer t = TextEncoder.miniLmTokenizer();
        assertThat(t.vocabSize()).isEqualTo(30522);
        // reference ids from Hugging Face's bert-base-uncased vocabulary (MiniLM shares it)
        assertThat(t.encode("Hello world", true)).containsExactly(101, 7592, 2088, 102);
        assertThat(t.tokenToId("[CLS]")).isEqualTo(101);
        assertThat(t.tokenToId("[SEP]")).isEqualTo(102);
    }
}
