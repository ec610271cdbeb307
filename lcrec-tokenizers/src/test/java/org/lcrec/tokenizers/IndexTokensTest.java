package org.lcrec.tokenizers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lcrec.core.SemanticId;
import org.lcrec.core.SemanticIndex;

/**
 * Index tokens added to each tokenizer family: single ids, contiguous new ids, saved files that
 * Hugging Face (DJL) loads and encodes identically, and reloads that give the same ids.
 */
class IndexTokensTest {

    /** A 4-level index that uses every code 0..255 on every level: 1024 index tokens. */
    static SemanticIndex fullIndex() {
        Map<Integer, SemanticId> m = new HashMap<>();
        for (int i = 0; i < 256; i++) {
            m.put(i, SemanticId.of(i, (i * 7) % 256, (i * 13 + 5) % 256, (i * 31 + 11) % 256));
        }
        return SemanticIndex.of(m);
    }

    @ParameterizedTest
    @ValueSource(strings = {"minilm", "qwen3", "llama2"})
    void indexTokensAreSingleIdsAndHuggingFaceAgrees(String name, @TempDir Path dir) {
        Tokenizer base = Reference.ours(name);
        SemanticIndex index = fullIndex();
        Tokenizer tk = base.withIndexTokens(index);
        Map<String, Integer> ids = tk.indexTokenIds(index);
        assertThat(ids).hasSize(1024);
        // new ids are contiguous after the largest id in use, in SemanticIndex.tokens() order
        int first = base.vocabSize();
        assertThat(ids.values()).containsExactlyElementsOf(range(first, first + 1024));
        assertThat(tk.vocabSize()).isEqualTo(first + 1024);
        assertThat(tk.encode("<a_12><b_7>", false))
                .containsExactly(ids.get("<a_12>"), ids.get("<b_7>"));
        assertThat(tk.ids(SemanticId.of(12, 7, 0, 255)))
                .containsExactly(
                        ids.get("<a_12>"), ids.get("<b_7>"), ids.get("<c_0>"), ids.get("<d_255>"));

        Path saved = dir.resolve("tokenizer.json");
        tk.save(saved);
        Tokenizer reloaded = Tokenizer.load(saved);
        assertThat(reloaded.indexTokenIds(index)).isEqualTo(ids);

        List<String> texts = mixedTexts(index);
        try (HuggingFaceTokenizer ref = Reference.djl(saved, false)) {
            for (String t : List.of("<a_12><b_7>", "<a_0>", "<d_255><a_255>")) {
                assertThat(ref.encode(t, false, false).getIds())
                        .as("%s: HF ids of %s", name, t)
                        .containsExactly(Reference.toLong(tk.encode(t, false)));
            }
            for (int from = 0; from < texts.size(); from += 256) {
                List<String> chunk = texts.subList(from, Math.min(texts.size(), from + 256));
                Encoding[] expected = ref.batchEncode(chunk);
                for (int i = 0; i < chunk.size(); i++) {
                    int[] actual = tk.encode(chunk.get(i), false);
                    assertThat(Reference.toLong(actual))
                            .as("%s: %s", name, chunk.get(i))
                            .containsExactly(expected[i].getIds());
                    assertThat(reloaded.encode(chunk.get(i), false)).containsExactly(actual);
                    assertThat(tk.decode(actual))
                            .isEqualTo(ref.decode(Reference.toLong(actual), false));
                }
            }
        }
    }

    /**
     * Byte-level BPE is lossless around added tokens. (LLaMA-2's tokenizer.json is not: Hugging
     * Face prepends "▁" to every text piece, including the one right after an added token, so ", "
     * after an index token decodes as " , " — the parity test above pins that behaviour.)
     */
    @ParameterizedTest
    @ValueSource(strings = {"qwen3"})
    void losslessTokenizersRoundTripIndexTokens(String name) {
        Tokenizer tk = Reference.ours(name).withIndexTokens(fullIndex());
        for (String t : mixedTexts(fullIndex()).subList(0, 200)) {
            String expected = java.text.Normalizer.normalize(t, java.text.Normalizer.Form.NFC);
            assertThat(tk.decode(tk.encode(t, true), true)).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen3", "llama2"})
    void losslessTokenizersRoundTripTheCorpus(String name) {
        Tokenizer tk = Reference.ours(name);
        List<String> corpus = Reference.corpus();
        for (int i = 0; i < corpus.size(); i += 10) {
            String t = corpus.get(i);
            String expected = java.text.Normalizer.normalize(t, java.text.Normalizer.Form.NFC);
            assertThat(tk.decode(tk.encode(t, true), true)).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"minilm", "qwen3", "llama2"})
    void queryingTokensThatWereNotAddedFails(String name) {
        Tokenizer tk = Reference.ours(name);
        assertThatThrownBy(() -> tk.indexTokenIds(fullIndex()))
                .isInstanceOf(TokenizerException.class)
                .hasMessageContaining("<a_0> has not been added");
    }

    /** Titles and histories written with index tokens, as LC-Rec's prompts do. */
    static List<String> mixedTexts(SemanticIndex index) {
        Random r = new Random(11);
        List<String> corpus = Reference.corpus();
        int[] items = index.itemIds();
        List<String> out = new ArrayList<>();
        for (int k = 0; k < 300; k++) {
            StringBuilder sb = new StringBuilder();
            int n = 1 + r.nextInt(5);
            for (int j = 0; j < n; j++) {
                if (j > 0) {
                    sb.append(r.nextBoolean() ? ", " : " ");
                }
                sb.append(index.get(items[r.nextInt(items.length)]).toTokenString());
            }
            String text = corpus.get(r.nextInt(corpus.size()));
            switch (k % 4) {
                case 0 -> out.add("The user bought " + sb + ". What next? " + text);
                case 1 -> out.add(text + sb);
                case 2 -> out.add(sb.toString());
                default ->
                        out.add(
                                " "
                                        + sb
                                        + "  <a_1>x<b_2 <c_3>>"
                                        + text.substring(0, Math.min(60, text.length())));
            }
        }
        return out;
    }

    static List<Integer> range(int from, int to) {
        return Arrays.stream(java.util.stream.IntStream.range(from, to).toArray()).boxed().toList();
    }
}
