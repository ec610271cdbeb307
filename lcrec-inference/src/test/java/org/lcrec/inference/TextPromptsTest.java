package org.lcrec.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lcrec.core.SemanticIndex;
import org.lcrec.core.testing.SharedData;
import org.lcrec.tokenizers.Tokenizer;

/** The text layer over lcrec-tokenizers (LLaMA-2's tokenizer.json from shared data). */
class TextPromptsTest {
    @Test
    void textTemplatesAndTokenMapFromTheTokenizer() {
        Tokenizer base = Tokenizer.load(SharedData.tokenizer("llama2"));
        SemanticIndex index = Fixtures.randomIndex(20, 1, 4);
        Tokenizer tok = base.withIndexTokens(index);
        Map<String, Integer> map = TextPrompts.tokenMap(tok, index);
        assertThat(map).hasSize(index.tokens().size());
        for (Map.Entry<String, Integer> e : map.entrySet()) {
            assertThat(e.getValue()).isGreaterThanOrEqualTo(32000); // appended after LLaMA's 32k
            assertThat(tok.encode(e.getKey(), false)).containsExactly(e.getValue());
        }
        TextTemplate t =
                new TextTemplate("seq", "The user bought:", ", ", ". What next? Response:");
        PromptTemplate p = TextPrompts.tokenize(tok, t, 1);
        assertThat(p.prefix()[0]).isEqualTo(1);
        assertThat(java.util.Arrays.copyOfRange(p.prefix(), 1, p.prefix().length))
                .containsExactly(tok.encode("The user bought:", false));
        assertThat(p.separator()).containsExactly(tok.encode(", ", false));
        assertThat(p.suffix()).containsExactly(tok.encode(". What next? Response:", false));
        IndexVocabulary v = IndexVocabulary.of(map, index, tok.vocabSize());
        int item = index.itemIds()[0];
        int[] prompt = p.encode(new int[][] {v.tokenIds(index.get(item))});
        assertThat(tok.decode(prompt, true)).contains(index.get(item).toTokenString());
    }

    @Test
    void textTemplatesFilesReadInOrderAndBadEntriesAreNamed(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("prompts.json");
        Files.writeString(
                f,
                """
                {"version": 1, "templates": [
                  {"name": "a", "prefix": "P", "separator": ", ", "suffix": " S",
                   "ids": {"prefix": [1]}},
                  {"name": "b", "prefix": "", "separator": "", "suffix": ""}]}
                """);
        assertThat(TextPrompts.read(f))
                .containsExactly(
                        new TextTemplate("a", "P", ", ", " S"), new TextTemplate("b", "", "", ""));
        Files.writeString(
                f,
                """
                {"version": 1, "templates": [{"name": "a", "prefix": 3, "separator": "", "suffix": ""}]}
                """);
        assertThatThrownBy(() -> TextPrompts.read(f))
                .hasMessageContaining(f + ": templates[0].prefix: expected a string, found 3");
        Files.writeString(f, "{\"version\": 2, \"templates\": []}");
        assertThatThrownBy(() -> TextPrompts.read(f))
                .hasMessageContaining("\"version\": expected 1, found 2");
    }
}
