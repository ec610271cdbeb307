package org.lcrec.tokenizers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Hand-computed segmentations, batch shaping against DJL, other components, bad input. */
class TokenizerTest {
    private static final ObjectMapper M = new ObjectMapper();

    private static Tokenizer tiny(String model, String extra) {
        return Tokenizer.fromJson("{\"version\":\"1.0\",\"model\":" + model + extra + "}", "tiny");
    }

    @Test
    void vocabularyIdsBeyondTheEntryCountAreRejected() {
        // one huge id must not size a 2^31-entry id table
        for (String type : new String[] {"WordPiece", "BPE"}) {
            String model =
                    "{\"type\":\""
                            + type
                            + "\",\"unk_token\":\"[UNK]\",\"merges\":[],"
                            + "\"vocab\":{\"[UNK]\":0,\"a\":1,\"b\":2147483000}}";
            assertThatThrownBy(() -> tiny(model, ",\"added_tokens\":[]"))
                    .as(type)
                    .isInstanceOf(TokenizerException.class)
                    .hasMessageContaining("tiny: model (" + type + "): vocab entry \"b\"")
                    .hasMessageContaining("expected an id in [0, 3)")
                    .hasMessageContaining("found 2147483000");
        }
    }

    @Test
    void addedTokenIdsAreAssignedAsHuggingFaceDoesAndADisagreeingFileIdIsLogged() {
        java.util.List<java.util.logging.LogRecord> records = new java.util.ArrayList<>();
        java.util.logging.Logger log =
                java.util.logging.Logger.getLogger(Tokenizer.class.getName());
        java.util.logging.Handler h =
                new java.util.logging.Handler() {
                    @Override
                    public void publish(java.util.logging.LogRecord r) {
                        records.add(r);
                    }

                    @Override
                    public void flush() {}

                    @Override
                    public void close() {}
                };
        log.addHandler(h);
        try {
            String model =
                    "{\"type\":\"WordPiece\",\"unk_token\":\"[UNK]\","
                            + "\"vocab\":{\"[UNK]\":0,\"a\":1,\"b\":2}}";
            // "<x>" follows the vocabulary (id 3) whatever the file says; "a" keeps its id 1
            Tokenizer t =
                    tiny(
                            model,
                            ",\"added_tokens\":[{\"id\":3,\"content\":\"<x>\",\"special\":true},"
                                    + "{\"id\":2147483000,\"content\":\"<y>\",\"special\":true},"
                                    + "{\"id\":1,\"content\":\"a\",\"special\":true}]");
            assertThat(t.tokenToId("<x>")).isEqualTo(3);
            assertThat(t.tokenToId("<y>")).isEqualTo(4);
            assertThat(t.tokenToId("a")).isEqualTo(1);
            assertThat(records).hasSize(1);
            assertThat(records.get(0).getLevel()).isEqualTo(java.util.logging.Level.WARNING);
            assertThat(
                            java.text.MessageFormat.format(
                                    records.get(0).getMessage(), records.get(0).getParameters()))
                    .isEqualTo(
                            "tiny: added_tokens[1]: token \"<y>\" has id 2147483000 in the file"
                                    + " but is given id 4, as Hugging Face tokenizers would; the"
                                    + " model may expect the file's id");
        } finally {
            log.removeHandler(h);
        }
    }

    @Test
    void wordPieceIsGreedyLongestMatchFirst() {
        Tokenizer t =
                tiny(
                        "{\"type\":\"WordPiece\",\"unk_token\":\"[UNK]\",\"continuing_subword_prefix\":\"##\","
                                + "\"max_input_chars_per_word\":10,\"vocab\":{\"[UNK]\":0,\"un\":1,\"##aff\":2,"
                                + "\"##able\":3,\"u\":4,\"##n\":5,\"##a\":6,\"##ffable\":7}}",
                        ",\"pre_tokenizer\":{\"type\":\"WhitespaceSplit\"}");
        // "un" beats "u", then "##ffable" is not reachable from "a": "##aff" + "##able"
        assertThat(t.encode("unaffable")).containsExactly(1, 2, 3);
        // no segmentation for "x": the whole word is [UNK]; longer than 10 chars: [UNK]
        assertThat(t.encode("unx un unaffableun")).containsExactly(0, 1, 0);
    }

    @Test
    void bpeMergesLowestRankFirstLeftmostOnTies() {
        String vocab = "{\"a\":0,\"b\":1,\"c\":2,\"ab\":3,\"bc\":4,\"abc\":5,\"aa\":6,\"aaa\":7}";
        Tokenizer t =
                tiny(
                        "{\"type\":\"BPE\",\"vocab\":"
                                + vocab
                                + ",\"merges\":[\"b c\",\"a b\",\"a bc\",\"a a\",\"aa a\"]}",
                        "");
        // "b c" (rank 0) before "a b" (rank 1): a + bc, then "a bc" -> abc
        assertThat(t.encode("abc")).containsExactly(5);
        // "ab" then nothing merges "ab"+"c" (no such merge)
        assertThat(t.encode("ab")).containsExactly(3);
        // "aaa": leftmost "a a" first -> aa + a -> aaa; "aaaa" -> aa aa (no "aa aa" merge)
        assertThat(t.encode("aaa")).containsExactly(7);
        assertThat(t.encode("aaaa")).containsExactly(6, 6);
    }

    @Test
    void sentencePieceWordsAreCutAtMetaSpacesOnlyWhenNoMergeCrossesThem() {
        String vocab = "{\"\u2581\":0,\"a\":1,\"b\":2,\"a\u2581\":3,\"\u2581b\":4}";
        // "a ▁" produces a token with a character before ▁: cutting "a▁b" before ▁ would be wrong
        Tokenizer crossing =
                tiny(
                        "{\"type\":\"BPE\",\"vocab\":"
                                + vocab
                                + ",\"merges\":[\"a \u2581\",\"\u2581 b\"]}",
                        "");
        assertThat(crossing.encode("a\u2581b")).containsExactly(3, 2);
        // without it the cut is safe and gives the same ids as merging the whole word
        Tokenizer safe =
                tiny("{\"type\":\"BPE\",\"vocab\":" + vocab + ",\"merges\":[\"\u2581 b\"]}", "");
        assertThat(safe.encode("a\u2581b\u2581\u2581b")).containsExactly(1, 4, 0, 4);
    }

    @Test
    void byteFallbackAndUnknownFusion() {
        String vocab = "{\"<unk>\":0,\"<0xC3>\":1,\"<0xA9>\":2,\"a\":3}";
        Tokenizer fb =
                tiny(
                        "{\"type\":\"BPE\",\"unk_token\":\"<unk>\",\"byte_fallback\":true,\"vocab\":"
                                + vocab
                                + ",\"merges\":[]}",
                        "");
        assertThat(fb.encode("a\u00e9")).containsExactly(3, 1, 2);
        Tokenizer fused =
                tiny(
                        "{\"type\":\"BPE\",\"unk_token\":\"<unk>\",\"fuse_unk\":true,\"vocab\":"
                                + vocab
                                + ",\"merges\":[]}",
                        "");
        assertThat(fused.encode("\u00e9\u00e9a\u00e9")).containsExactly(0, 3, 0);
    }

    @Test
    void nullTextIsRejected() {
        Tokenizer t = Reference.ours("minilm");
        assertThatThrownBy(() -> t.encode(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("null");
        assertThatThrownBy(() -> t.encodeBatch(Arrays.asList("a", null), BatchOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("texts[1] is null");
    }

    @Test
    void missingFileIsNamed(@TempDir Path dir) {
        assertThatThrownBy(() -> Tokenizer.load(dir))
                .isInstanceOf(TokenizerException.class)
                .hasMessageContaining(dir.resolve("tokenizer.json").toString())
                .hasMessageContaining("not found");
        assertThatThrownBy(() -> Tokenizer.load(dir.resolve("nope.json")))
                .isInstanceOf(TokenizerException.class)
                .hasMessageContaining("nope.json");
    }

    @Test
    void malformedJsonIsNamed(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("tokenizer.json");
        Files.writeString(f, "{\"model\": ");
        assertThatThrownBy(() -> Tokenizer.load(f))
                .isInstanceOf(TokenizerException.class)
                .hasMessageContaining("not valid JSON");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "normalizer|{\"type\":\"Precompiled\",\"precompiled_charsmap\":\"\"}|Precompiled",
                "pre_tokenizer|{\"type\":\"UnicodeScripts\"}|UnicodeScripts",
                "post_processor|{\"type\":\"Fancy\"}|Fancy",
                "decoder|{\"type\":\"CTC\"}|CTC",
                "model|{\"type\":\"Unigram\",\"vocab\":[]}|Unigram"
            })
    void unsupportedComponentsFailAtLoadNamingThem(String spec) throws IOException {
        String[] p = spec.split("\\|");
        ObjectNode root = (ObjectNode) M.readTree(Reference.file("minilm").toFile());
        root.set(p[0], M.readTree(p[1]));
        String json = M.writeValueAsString(root);
        assertThatThrownBy(() -> Tokenizer.fromJson(json, "custom.json"))
                .isInstanceOf(TokenizerException.class)
                .hasMessageContaining("custom.json")
                .hasMessageContaining("\"" + p[2] + "\"");
    }

    @Test
    void dynamicPaddingAndMasks() {
        Tokenizer t = Reference.ours("minilm");
        BatchEncoding b = t.encodeBatch(List.of("hello world", "hi", ""), BatchOptions.defaults());
        assertThat(b.ids()[0]).containsExactly(101, 7592, 2088, 102);
        assertThat(b.ids()[1]).containsExactly(101, 7632, 102, 0);
        assertThat(b.ids()[2]).containsExactly(101, 102, 0, 0);
        assertThat(b.attentionMask()[1]).containsExactly(1, 1, 1, 0);
        assertThat(b.length(2)).isEqualTo(2);
        BatchEncoding r =
                t.encodeBatch(
                        List.of("hello world", "hi"),
                        BatchOptions.defaults().withPadding(BatchOptions.Padding.NONE));
        assertThat(r.ids()[1]).hasSize(3);
        BatchEncoding m =
                t.encodeBatch(List.of("hi"), BatchOptions.defaults().withPadToMultipleOf(8));
        assertThat(m.ids()[0]).hasSize(8);
    }

    /** Truncation and padding against DJL's (max length 16, longest padding). */
    @ParameterizedTest
    @ValueSource(strings = {"minilm", "qwen3", "llama2"})
    void truncationAndPaddingMatchHuggingFace(String name) throws IOException {
        Tokenizer t = Reference.ours(name);
        List<String> texts = Reference.corpus().subList(0, 64);
        BatchEncoding ours = t.encodeBatch(texts, BatchOptions.defaults().withMaxLength(16));
        try (HuggingFaceTokenizer ref =
                HuggingFaceTokenizer.newInstance(
                        Reference.file(name),
                        Map.of("padding", "false", "truncation", "true", "maxLength", "16"))) {
            Encoding[] exp = ref.batchEncode(texts);
            for (int i = 0; i < texts.size(); i++) {
                int len = ours.length(i);
                assertThat(Reference.toLong(Arrays.copyOf(ours.ids()[i], len)))
                        .as("%s row %d", name, i)
                        .containsExactly(exp[i].getIds());
            }
        }
    }

    /** Other normalisers and pre-tokenizers, on MiniLM's vocabulary, against DJL. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"type\":\"Whitespace\"}",
                "{\"type\":\"WhitespaceSplit\"}",
                "{\"type\":\"Sequence\",\"pretokenizers\":[{\"type\":\"WhitespaceSplit\"},{\"type\":\"Digits\",\"individual_digits\":true}]}",
                "{\"type\":\"Sequence\",\"pretokenizers\":[{\"type\":\"BertPreTokenizer\"},{\"type\":\"Digits\",\"individual_digits\":false}]}",
                "{\"type\":\"Split\",\"pattern\":{\"String\":\" \"},\"behavior\":\"MergedWithNext\",\"invert\":false}",
                "{\"type\":\"Split\",\"pattern\":{\"String\":\"e\"},\"behavior\":\"MergedWithPrevious\",\"invert\":false}",
                "{\"type\":\"Split\",\"pattern\":{\"Regex\":\"[a-z]+\"},\"behavior\":\"Removed\",\"invert\":true}"
            })
    void otherPreTokenizersMatchHuggingFace(String preTokenizer, @TempDir Path dir)
            throws IOException {
        assertVariantParity(dir, "pre_tokenizer", preTokenizer);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"type\":\"Sequence\",\"normalizers\":[{\"type\":\"NFKC\"},{\"type\":\"Lowercase\"}]}",
                "{\"type\":\"Sequence\",\"normalizers\":[{\"type\":\"NFD\"},{\"type\":\"StripAccents\"},{\"type\":\"Lowercase\"}]}",
                "{\"type\":\"BertNormalizer\",\"clean_text\":true,\"handle_chinese_chars\":false,\"strip_accents\":false,\"lowercase\":true}",
                "{\"type\":\"Sequence\",\"normalizers\":[{\"type\":\"Strip\",\"strip_left\":true,\"strip_right\":true},{\"type\":\"Replace\",\"pattern\":{\"Regex\":\"\\\\s+\"},\"content\":\" \"},{\"type\":\"Lowercase\"}]}"
            })
    void otherNormalizersMatchHuggingFace(String normalizer, @TempDir Path dir) throws IOException {
        assertVariantParity(dir, "normalizer", normalizer);
    }

    /**
     * The GPT-2 split (ByteLevel with use_regex, with and without a prefix space) and the LLaMA-3
     * split (digits in threes), on Qwen3's byte-level vocabulary, against DJL.
     */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"type\":\"ByteLevel\",\"add_prefix_space\":false,\"trim_offsets\":true,\"use_regex\":true}",
                "{\"type\":\"ByteLevel\",\"add_prefix_space\":true,\"trim_offsets\":true,\"use_regex\":true}",
                "LLAMA3"
            })
    void gpt2AndLlama3SplitsMatchHuggingFace(String preTokenizer, @TempDir Path dir)
            throws IOException {
        String json = preTokenizer;
        if (json.equals("LLAMA3")) {
            ObjectNode seq = M.createObjectNode();
            seq.put("type", "Sequence");
            com.fasterxml.jackson.databind.node.ArrayNode parts = seq.putArray("pretokenizers");
            ObjectNode split = parts.addObject();
            split.put("type", "Split");
            split.putObject("pattern").put("Regex", SplitPatterns.LLAMA3);
            split.put("behavior", "Isolated");
            split.put("invert", false);
            ObjectNode bl = parts.addObject();
            bl.put("type", "ByteLevel");
            bl.put("add_prefix_space", false);
            bl.put("trim_offsets", false);
            bl.put("use_regex", false);
            json = M.writeValueAsString(seq);
        }
        assertVariantParity(dir, "qwen3", "pre_tokenizer", json);
    }

    private static void assertVariantParity(Path dir, String field, String json)
            throws IOException {
        assertVariantParity(dir, "minilm", field, json);
    }

    private static void assertVariantParity(Path dir, String base, String field, String json)
            throws IOException {
        ObjectNode root = (ObjectNode) M.readTree(Reference.file(base).toFile());
        root.set(field, M.readTree(json));
        Path f = dir.resolve("tokenizer.json");
        M.writeValue(f.toFile(), root);
        Tokenizer ours = Tokenizer.load(f);
        List<String> texts = new ArrayList<>(Reference.edgeCases());
        texts.addAll(Reference.fuzz(5L, base.equals("qwen3") ? 2000 : 400));
        List<String> corpus = Reference.corpus();
        for (int i = 0; i < corpus.size(); i += 40) {
            texts.add(corpus.get(i));
        }
        try (HuggingFaceTokenizer ref = Reference.djl(f, true)) {
            Encoding[] exp = ref.batchEncode(texts);
            for (int i = 0; i < texts.size(); i++) {
                assertThat(Reference.toLong(ours.encode(texts.get(i))))
                        .as("%s %s: %s", field, json, TokenizerParityTest.escape(texts.get(i)))
                        .containsExactly(exp[i].getIds());
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    @Test
    void tokenizerConfigGivesSpecialIdsAndLlamaFlags(@TempDir Path dir) throws IOException {
        Tokenizer qwen = Tokenizer.load(org.lcrec.core.testing.SharedData.tokenizer("qwen3"));
        assertThat(qwen.eosTokenId()).isEqualTo(qwen.tokenToId("<|im_end|>")).isEqualTo(151645);
        assertThat(qwen.padId()).isEqualTo(151643);
        assertThat(qwen.bosTokenId()).isEqualTo(-1);
        Path llamaDir = org.lcrec.core.testing.SharedData.tokenizer("llama2");
        Tokenizer llama = Tokenizer.load(llamaDir);
        assertThat(llama.bosTokenId()).isEqualTo(1);
        assertThat(llama.eosTokenId()).isEqualTo(2);
        assertThat(llama.encode("hi")).startsWith(1).doesNotContain(2);
        // add_eos_token=true, add_bos_token=false: LlamaTokenizerFast rebuilds the template
        Files.copy(llamaDir.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        ObjectNode cfg =
                (ObjectNode) M.readTree(llamaDir.resolve("tokenizer_config.json").toFile());
        cfg.put("add_eos_token", true);
        cfg.put("add_bos_token", false);
        M.writeValue(dir.resolve("tokenizer_config.json").toFile(), cfg);
        Tokenizer eos = Tokenizer.load(dir);
        int[] plain = llama.encode("hi", false);
        int[] withEos = eos.encode("hi");
        assertThat(withEos).hasSize(plain.length + 1).endsWith(2).startsWith(plain);
        cfg.put("eos_token", "<nope>");
        M.writeValue(dir.resolve("tokenizer_config.json").toFile(), cfg);
        assertThatThrownBy(() -> Tokenizer.load(dir))
                .isInstanceOf(TokenizerException.class)
                .hasMessageContaining("tokenizer_config.json")
                .hasMessageContaining("<nope>");
    }

    /** Added-token flags (single_word, lstrip, rstrip, normalized) against DJL. */
    @ParameterizedTest
    @ValueSource(strings = {"minilm", "qwen3", "llama2"})
    void addedTokenFlagsMatchHuggingFace(String base, @TempDir Path dir) throws IOException {
        ObjectNode root = (ObjectNode) M.readTree(Reference.file(base).toFile());
        com.fasterxml.jackson.databind.node.ArrayNode list =
                (com.fasterxml.jackson.databind.node.ArrayNode) root.get("added_tokens");
        int next = Reference.ours(base).vocabSize();
        String[][] specs = {
            {"<mark>", "false", "true", "true", "false"},
            {"cat", "true", "false", "false", "false"},
            {"Hello World", "false", "false", "false", "true"},
            {"caf\u00e9", "false", "false", "false", "true"},
            {"\u2126", "false", "false", "false", "true"},
            {"[x]", "true", "true", "false", "false"}
        };
        for (String[] t : specs) {
            ObjectNode o = list.addObject();
            o.put("id", next++);
            o.put("content", t[0]);
            o.put("single_word", Boolean.parseBoolean(t[1]));
            o.put("lstrip", Boolean.parseBoolean(t[2]));
            o.put("rstrip", Boolean.parseBoolean(t[3]));
            o.put("normalized", Boolean.parseBoolean(t[4]));
            o.put("special", false);
        }
        Path f = dir.resolve("tokenizer.json");
        M.writeValue(f.toFile(), root);
        Tokenizer ours = Tokenizer.load(f);
        List<String> texts = new ArrayList<>(Reference.edgeCases());
        texts.addAll(
                List.of(
                        "the cat sat",
                        "concatenate cat",
                        "cat!",
                        "(cat)",
                        "_cat_",
                        "cat",
                        "a cat\u00e9",
                        " <mark> x",
                        "a<mark>b",
                        "a  <mark>  b",
                        "<mark><mark>",
                        "  <mark>",
                        "Caf\u00e9 CAF\u00c9 cafe\u0301 caf\u00e9s",
                        "Ohm \u2126 \u03a9",
                        "HELLO WORLD hello world Hello World!",
                        "x [x] y[x] [x]z  [x]  "));
        texts.addAll(Reference.fuzz(9L, 300));
        try (HuggingFaceTokenizer ref = Reference.djl(f, false)) {
            Encoding[] exp = ref.batchEncode(texts);
            for (int i = 0; i < texts.size(); i++) {
                assertThat(Reference.toLong(ours.encode(texts.get(i), false)))
                        .as("%s: %s", base, TokenizerParityTest.escape(texts.get(i)))
                        .containsExactly(exp[i].getIds());
            }
        }
    }

    @Test
    void toStringIsReadable() {
        assertThat(Reference.ours("qwen3").toString())
                .contains("model=Bpe")
                .contains("vocab=151669")
                .contains("added=26");
    }
}
