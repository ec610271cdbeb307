package org.lcrec.tokenizers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lcrec.core.SemanticIndex;

/**
 * {@link Tokenizer#restrictedTo}: the kept texts give the same tokens with dense new ids, index
 * tokens follow the kept vocabulary, and the saved file is one that Hugging Face loads and encodes
 * to the same ids.
 */
class RestrictedVocabularyTest {
    private static final List<String> TEXTS =
            List.of(
                    "Below is an instruction that describes a task.\n\n### Instruction:\nList the"
                            + " items this user interacted with, oldest first.\n\n### Response:",
                    "Fender acoustic guitar strings, phosphor bronze, light gauge (12-53).",
                    "<a_3><b_200><c_17><d_9>, <a_12><b_7><c_0><d_255>, ");

    @Test
    void keptTextsTokeniseAlikeWithDenseIdsAndHuggingFaceAgrees(@TempDir Path dir)
            throws Exception {
        SemanticIndex index = IndexTokensTest.fullIndex();
        Tokenizer full = Reference.ours("minilm").withIndexTokens(index);
        Tokenizer small = full.restrictedTo(TEXTS);
        // specials (5) + the texts' word pieces + 1,024 index tokens, far below 30,522
        assertThat(small.vocabSize()).isBetween(1024 + 5 + 20, 1024 + 5 + 80);
        for (String t : TEXTS) {
            int[] a = full.encode(t, true);
            int[] b = small.encode(t, true);
            assertThat(small.tokens(b)).isEqualTo(full.tokens(a));
            for (int id : b) {
                assertThat(id).isBetween(0, small.vocabSize() - 1);
            }
        }
        // index tokens: contiguous after the kept word pieces, in the same order as before
        Map<String, Integer> ids = small.indexTokenIds(index);
        int first = small.vocabSize() - ids.size();
        assertThat(ids.values())
                .containsExactlyInAnyOrderElementsOf(
                        java.util.stream.IntStream.range(first, small.vocabSize())
                                .boxed()
                                .toList());
        assertThat(small.tokenToId("[CLS]")).isGreaterThanOrEqualTo(0);
        assertThat(small.tokenToId(small.idToToken(small.padId()))).isEqualTo(small.padId());
        // a word the texts never used falls back to the pieces that remain, here [UNK]
        assertThat(small.tokens(small.encode("xylophone", false))).containsExactly("[UNK]");
        // Hugging Face reads the saved file and encodes the texts to the same ids
        Path file = dir.resolve("tokenizer.json");
        small.save(file);
        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(file)) {
            for (String t : TEXTS) {
                long[] want = hf.encode(t, true, false).getIds();
                int[] got = small.encode(t, true);
                assertThat(got.length).isEqualTo(want.length);
                for (int i = 0; i < got.length; i++) {
                    assertThat((long) got[i]).isEqualTo(want[i]);
                }
            }
        }
        // and our own reload is the same tokenizer
        Tokenizer back = Tokenizer.load(file);
        assertThat(back.vocabSize()).isEqualTo(small.vocabSize());
        assertThat(back.encode(TEXTS.get(2), true)).isEqualTo(small.encode(TEXTS.get(2), true));
    }

    @Test
    void bpeModelsAreRejectedByName() {
        // loaded outside the assertion: a missing shared folder must skip the test, not count as
        // the expected exception's absence
        Tokenizer llama = Reference.ours("llama2");
        assertThatThrownBy(() -> llama.restrictedTo(TEXTS))
                .isInstanceOf(TokenizerException.class)
                .hasMessageContaining("supports WordPiece models, found BpeModel");
    }
}
