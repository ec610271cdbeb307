package org.lcrec.tokenizers;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Token-id parity with Hugging Face's Rust tokenizers (through DJL) for MiniLM (WordPiece), Qwen3
 * (byte-level BPE) and LLaMA-2 (SentencePiece BPE with byte fallback): every title and description
 * of Industrial (raw and cleaned), hand-picked edge cases and seeded random strings built from the
 * characters the split patterns treat differently. 100% identical ids required.
 */
class TokenizerParityTest {

    /** Default run: every corpus text once per tokenizer, with special tokens. */
    @ParameterizedTest
    @ValueSource(strings = {"minilm", "qwen3", "llama2"})
    void identicalIdsOnTheWholeCorpus(String name) {
        List<String> texts = new ArrayList<>(Reference.edgeCases());
        texts.addAll(Reference.corpus());
        assertParity(name, texts, true);
    }

    /** Default run: edge cases and random strings, without special tokens. */
    @ParameterizedTest
    @ValueSource(strings = {"minilm", "qwen3", "llama2"})
    void identicalIdsOnEdgeCasesAndRandomStrings(String name) {
        List<String> texts = new ArrayList<>(Reference.edgeCases());
        texts.addAll(Reference.fuzz(4242L, 3000));
        assertParity(name, texts, false);
    }

    /** Slow sweep: the whole corpus without special tokens and far more random strings. */
    @Tag("slow")
    @ParameterizedTest
    @ValueSource(strings = {"minilm", "qwen3", "llama2"})
    void identicalIdsExhaustive(String name) {
        List<String> texts = new ArrayList<>(Reference.corpus());
        texts.addAll(Reference.fuzz(99L, 50_000));
        assertParity(name, texts, false);
        assertParity(name, Reference.fuzz(100L, 20_000), true);
    }

    @ParameterizedTest
    @ValueSource(strings = {"minilm", "qwen3", "llama2"})
    void identicalDecodes(String name) {
        Tokenizer ours = Reference.ours(name);
        List<String> texts = new ArrayList<>(Reference.edgeCases());
        texts.addAll(Reference.fuzz(77L, 300));
        List<String> corpus = Reference.corpus();
        for (int i = 0; i < corpus.size(); i += 50) {
            texts.add(corpus.get(i));
        }
        try (HuggingFaceTokenizer ref = Reference.djl(Reference.file(name))) {
            for (String text : texts) {
                int[] ids = ours.encode(text, true);
                for (boolean skip : new boolean[] {false, true}) {
                    assertThat(ours.decode(ids, skip))
                            .as("%s decode(skip=%s) of %s", name, skip, escape(text))
                            .isEqualTo(ref.decode(Reference.toLong(ids), skip));
                }
            }
        }
    }

    static void assertParity(String name, List<String> texts, boolean special) {
        Tokenizer ours = Reference.ours(name);
        List<String> mismatches = new ArrayList<>();
        try (HuggingFaceTokenizer ref = Reference.djl(Reference.file(name), special)) {
            int batch = 512;
            for (int from = 0; from < texts.size(); from += batch) {
                List<String> chunk = texts.subList(from, Math.min(texts.size(), from + batch));
                Encoding[] expected = ref.batchEncode(chunk);
                for (int i = 0; i < chunk.size(); i++) {
                    int[] actual = ours.encode(chunk.get(i), special);
                    long[] exp = expected[i].getIds();
                    if (!Arrays.equals(exp, Reference.toLong(actual)) && mismatches.size() < 10) {
                        mismatches.add(
                                escape(chunk.get(i))
                                        + "\n  expected "
                                        + Arrays.toString(exp)
                                        + "\n  actual   "
                                        + Arrays.toString(actual));
                    }
                }
            }
        }
        assertThat(mismatches)
                .as(
                        "%s (special tokens %s): %d texts, first mismatches",
                        name, special, texts.size())
                .isEmpty();
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
