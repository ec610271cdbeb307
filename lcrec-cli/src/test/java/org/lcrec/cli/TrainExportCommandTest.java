package org.lcrec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lcrec.core.io.LcRecFiles;
import org.lcrec.inference.ModelBundle;
import org.lcrec.inference.Recommender;
import org.lcrec.model.export.DecoderExport;
import org.lcrec.model.llm.LlamaConfig;
import org.lcrec.model.llm.LlamaModel;
import org.lcrec.onnx.HostTensor;
import org.lcrec.onnx.runtime.InferenceSession;
import org.lcrec.onnx.runtime.SessionConfig;

class TrainExportCommandTest {
    /** A character-level WordPiece tokenizer.json (lower-case letters, digits, punctuation). */
    static Path tinyTokenizer(Path dir) throws Exception {
        StringBuilder vocab = new StringBuilder();
        String[] special = {"[PAD]", "[UNK]", "[CLS]", "[SEP]"};
        int id = 0;
        StringBuilder added = new StringBuilder();
        for (String s : special) {
            vocab.append(id == 0 ? "" : ",").append('"').append(s).append("\":").append(id);
            added.append(id == 0 ? "" : ",")
                    .append("{\"id\":")
                    .append(id)
                    .append(",\"content\":\"")
                    .append(s)
                    .append(
                            "\",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,\"normalized\":false,"
                                    + "\"special\":true}");
            id++;
        }
        String chars = "abcdefghijklmnopqrstuvwxyz0123456789";
        for (char ch : chars.toCharArray()) {
            vocab.append(",\"").append(ch).append("\":").append(id++);
            vocab.append(",\"##").append(ch).append("\":").append(id++);
        }
        for (char ch : ".,:;?!'()-#/&<>_[]".toCharArray()) {
            vocab.append(",\"")
                    .append(ch == '"' ? "\\\"" : String.valueOf(ch))
                    .append("\":")
                    .append(id++);
        }
        String json =
                "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":["
                        + added
                        + "],"
                        + "\"normalizer\":{\"type\":\"BertNormalizer\",\"clean_text\":true,\"handle_chinese_chars\":true,"
                        + "\"strip_accents\":null,\"lowercase\":true},\"pre_tokenizer\":{\"type\":\"BertPreTokenizer\"},"
                        + "\"post_processor\":null,\"decoder\":{\"type\":\"WordPiece\",\"prefix\":\"##\",\"cleanup\":true},"
                        + "\"model\":{\"type\":\"WordPiece\",\"unk_token\":\"[UNK]\",\"continuing_subword_prefix\":\"##\","
                        + "\"max_input_chars_per_word\":100,\"vocab\":{"
                        + vocab
                        + "}}}";
        Path f = dir.resolve("tokenizer.json");
        Files.writeString(f, json);
        return f;
    }

    /**
     * {@code --lora} on a base model whose tokenizer lacks the index tokens: the base vocabulary's
     * embedding rows come out unchanged and the added rows trained; {@code --lora-all-embeddings}
     * trains the base rows too.
     */
    @Test
    void loraTrainsTheAddedRowsOnlyUnlessAllEmbeddingsAreAskedFor(@TempDir Path tmp)
            throws Exception {
        Path tok = tinyTokenizer(tmp);
        org.lcrec.tokenizers.Tokenizer t = org.lcrec.tokenizers.Tokenizer.load(tok);
        Path base = tmp.resolve("base");
        // the model's vocabulary is padded 3 rows past its tokenizer, as Qwen2's is: the first
        // index tokens land in padding rows, which LoRA must train as well
        int padded = 3;
        org.lcrec.model.llm.LlamaModel.random(
                        org.lcrec.model.llm.LlamaPreset.CPU_TINY.config(
                                t.vocabSize() + padded,
                                t.tokenToId("[CLS]"),
                                t.tokenToId("[SEP]"),
                                0),
                        3)
                .save(base);
        t.save(base);
        Path index = tmp.resolve("synthetic.index.json");
        org.lcrec.core.io.LcRecFiles.writeIndex(index, org.lcrec.core.Dataset.synthetic().index());
        float[] before = embedding(base);
        int baseRows = t.vocabSize();
        int width = before.length / (baseRows + padded);
        for (boolean all : new boolean[] {false, true}) {
            Path out = tmp.resolve(all ? "all" : "rows");
            List<String> args =
                    new ArrayList<>(
                            List.of(
                                    "train",
                                    "--model",
                                    base.toString(),
                                    "--index",
                                    index.toString(),
                                    "--lora",
                                    "--tasks",
                                    "seqrec",
                                    "--max-samples",
                                    "8",
                                    "--batch-size",
                                    "4",
                                    "--max-length",
                                    "96",
                                    "--lr",
                                    "0.01",
                                    "--seed",
                                    "5",
                                    "--threads",
                                    "1",
                                    "--out",
                                    out.toString()));
            if (all) {
                args.add("--lora-all-embeddings");
            }
            CliTesting.Run r = CliTesting.run(args.toArray(String[]::new));
            assertThat(r.code()).as(r.err()).isZero();
            float[] after = embedding(out.resolve("model"));
            assertThat(after.length).isGreaterThan(before.length);
            boolean baseChanged = false;
            for (int i = 0; i < baseRows * width; i++) {
                baseChanged |= before[i] != after[i];
            }
            assertThat(baseChanged).as("base rows trained with all=%s", all).isEqualTo(all);
            // the padding rows now hold the first index tokens: trained either way
            assertThat(java.util.Arrays.copyOfRange(after, baseRows * width, before.length))
                    .as("padding rows holding index tokens, all=%s", all)
                    .isNotEqualTo(
                            java.util.Arrays.copyOfRange(before, baseRows * width, before.length));
            // the rows past the padding as training found them: the base extended as train does
            int extension = after.length / width - baseRows - padded;
            float[] initial =
                    org.lcrec.model.llm.VocabularyExtension.withMeanInit(
                                    org.lcrec.model.llm.LlamaModel.load(base),
                                    extension,
                                    5,
                                    org.lcrec.model.llm.VocabularyExtension.DEFAULT_RELATIVE_NOISE)
                            .weights()
                            .get(org.lcrec.model.llm.LlamaParameters.EMBED)
                            .toArray();
            assertThat(java.util.Arrays.copyOf(initial, before.length)).isEqualTo(before);
            assertThat(java.util.Arrays.copyOfRange(after, before.length, after.length))
                    .as("added rows trained with all=%s", all)
                    .isNotEqualTo(
                            java.util.Arrays.copyOfRange(initial, before.length, initial.length));
        }
        CliTesting.Run alone =
                CliTesting.run(
                        "train",
                        "--model",
                        base.toString(),
                        "--lora-all-embeddings",
                        "--out",
                        tmp.resolve("x").toString());
        assertThat(alone.code()).isEqualTo(2);
        assertThat(alone.err()).contains("--lora-all-embeddings sets what --lora trains");
    }

    private static float[] embedding(Path modelDir) {
        return org.lcrec.model.llm.LlamaModel.load(modelDir)
                .weights()
                .get(org.lcrec.model.llm.LlamaParameters.EMBED)
                .toArray();
    }

    @Test
    void trainFromAPresetThenExportRuns(@TempDir Path tmp) throws Exception {
        Path tok = tinyTokenizer(tmp);
        Path out = tmp.resolve("run");
        Path report = tmp.resolve("train.json");
        Path index = tmp.resolve("synthetic.index.json");
        org.lcrec.core.io.LcRecFiles.writeIndex(index, org.lcrec.core.Dataset.synthetic().index());
        CliTesting.Run r =
                CliTesting.run(
                        "train",
                        "--preset",
                        "cpu-tiny",
                        "--tokenizer",
                        tok.toString(),
                        "--index",
                        index.toString(),
                        "--eval-samples",
                        "4",
                        "--eval-every",
                        "2",
                        "--tasks",
                        "seqrec,item2index",
                        "--max-samples",
                        "12",
                        "--batch-size",
                        "4",
                        "--max-length",
                        "96",
                        "--epochs",
                        "1",
                        "--threads",
                        "1",
                        "--out",
                        out.toString(),
                        "--report",
                        report.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("trained", "left-truncated", "bundle");
        JsonNode rep = new ObjectMapper().readTree(report.toFile());
        assertThat(rep.get("steps").asInt()).isEqualTo(3);
        assertThat(rep.get("samples").asInt()).isEqualTo(12);
        assertThat(rep.get("truncatedPrompts").asInt()).isPositive();
        assertThat(rep.get("losses")).hasSize(3);
        assertThat(rep.get("bestStep").asInt()).isBetween(2, 3);
        assertThat(rep.get("bestValidationLoss").asDouble()).isPositive();
        assertThat(out.resolve("best").resolve("tokenizer.json")).isRegularFile();
        Path modelDir = out.resolve("model");
        assertThat(modelDir.resolve("tokenizer.json")).isRegularFile();
        assertThat(modelDir.resolve("model.safetensors")).isRegularFile();

        // seqrec was among the tasks: the run wrote a bundle with every seqrec template
        ModelBundle bundle = ModelBundle.read(out.resolve("bundle"));
        assertThat(bundle.prompts()).hasSizeGreaterThan(1);
        assertThat(bundle.prompts().get(0).name()).isEqualTo("seqrec-0");
        assertThat(bundle.manifest().decoding().eosStep()).isTrue();
        CliTesting.Run rec =
                CliTesting.run(
                        "recommend",
                        "--model",
                        out.resolve("bundle").toString(),
                        "--history",
                        "1,2,3",
                        "--k",
                        "3");
        assertThat(rec.code()).as(rec.err()).isZero();
        assertThat(rec.out()).contains("rank", "log-prob");
        // more items than beams: the beams are raised, and the user is told
        CliTesting.Run wide =
                CliTesting.run(
                        "recommend",
                        "--model",
                        out.resolve("bundle").toString(),
                        "--history",
                        "1,2,3",
                        "--k",
                        "8",
                        "--beams",
                        "3");
        assertThat(wide.code()).as(wide.err()).isZero();
        assertThat(wide.err()).contains("note: 3 beams raised to 8");

        // a checkpoint exported with --bundle serves the same way; without --index it says why
        CliTesting.Run noIndex =
                CliTesting.run(
                        "export",
                        "--model",
                        modelDir.toString(),
                        "--out",
                        tmp.resolve("b2").toString(),
                        "--bundle");
        assertThat(noIndex.code()).isEqualTo(2);
        assertThat(noIndex.err()).contains("--bundle needs --index");
        Path indexFile = tmp.resolve("index.json");
        LcRecFiles.writeIndex(indexFile, bundle.index());
        CliTesting.Run exported =
                CliTesting.run(
                        "export",
                        "--model",
                        modelDir.toString(),
                        "--out",
                        tmp.resolve("b2").toString(),
                        "--bundle",
                        "--index",
                        indexFile.toString());
        assertThat(exported.code()).as(exported.err()).isZero();
        assertThat(ModelBundle.read(tmp.resolve("b2")).templates())
                .isEqualTo(ModelBundle.read(out.resolve("bundle")).templates());
        assertThat(tmp.resolve("b2").resolve(DecoderExport.BEAM_MODEL_FILE)).isRegularFile();
        assertThat(tmp.resolve("b2").resolve(DecoderExport.DATA_FILE)).doesNotExist();
        // --bundle takes the export options too
        CliTesting.Run options =
                CliTesting.run(
                        "export",
                        "--model",
                        modelDir.toString(),
                        "--out",
                        tmp.resolve("b3").toString(),
                        "--bundle",
                        "--index",
                        indexFile.toString(),
                        "--no-beam-graph",
                        "--external-data",
                        "always");
        assertThat(options.code()).as(options.err()).isZero();
        assertThat(tmp.resolve("b3").resolve(DecoderExport.BEAM_MODEL_FILE)).doesNotExist();
        assertThat(tmp.resolve("b3").resolve(DecoderExport.DATA_FILE)).isRegularFile();
        try (Recommender served = Recommender.open(tmp.resolve("b3"))) {
            assertThat(served.recommend(new int[] {bundle.index().itemIds()[0]}, 3).items())
                    .hasSize(3);
        }

        Path onnx = tmp.resolve("onnx");
        CliTesting.Run e =
                CliTesting.run("export", "--model", modelDir.toString(), "--out", onnx.toString());
        assertThat(e.code()).as(e.err()).isZero();
        assertThat(onnx.resolve("model.onnx")).isRegularFile();
        assertThat(onnx.resolve("tokenizer.json")).isRegularFile();
        LlamaConfig c = LlamaModel.load(modelDir).config();
        try (InferenceSession s =
                InferenceSession.open(onnx.resolve("model.onnx"), SessionConfig.cpu())) {
            Map<String, Object> f = new HashMap<>();
            f.put("input_ids", HostTensor.ofLongs(new long[] {2, 10, 11}, 1, 3));
            f.put("attention_mask", HostTensor.ofLongs(new long[] {1, 1, 1}, 1, 3));
            f.put("position_ids", HostTensor.ofLongs(new long[] {0, 1, 2}, 1, 3));
            f.put("beam_idx", HostTensor.ofLongs(new long[] {0}, 1));
            for (int i = 0; i < c.numLayers(); i++) {
                HostTensor empty =
                        HostTensor.ofFloats(new float[0], 1, c.numKvHeads(), 0, c.headDim());
                f.put(DecoderExport.pastKey(i), empty);
                f.put(DecoderExport.pastValue(i), empty);
            }
            assertThat(s.run(f).get("logits").shape()).containsExactly(1, 3, c.vocabSize());
        }
        // lcrec-inference's decoder accepts the layout (names, shapes, config.json)
        try (org.lcrec.inference.OrtCausalDecoder d =
                org.lcrec.inference.OrtCausalDecoder.open(
                        onnx.resolve("model.onnx"), org.lcrec.inference.DecoderOptions.cpu())) {
            assertThat(d.config().vocabularySize()).isEqualTo(c.vocabSize());
            assertThat(d.config().kvHeads()).isEqualTo(c.numKvHeads());
            assertThat(d.config().eosId()).isEqualTo(c.eosTokenId());
        }
    }

    @Test
    void badInputsExitWithTwoAndANamedProblem(@TempDir Path tmp) throws Exception {
        CliTesting.Run notCkpt =
                CliTesting.run(
                        "export", "--model", tmp.toString(), "--out", tmp.resolve("o").toString());
        assertThat(notCkpt.code()).isEqualTo(2);
        assertThat(notCkpt.err()).contains(tmp.toString(), "not a checkpoint directory");

        CliTesting.Run both =
                CliTesting.run(
                        "train",
                        "--preset",
                        "cpu-tiny",
                        "--model",
                        tmp.toString(),
                        "--out",
                        tmp.toString());
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("exactly one of --model DIR and --preset NAME");

        CliTesting.Run noTok =
                CliTesting.run(
                        "train",
                        "--preset",
                        "cpu-tiny",
                        "--tokenizer",
                        tmp.resolve("nope.json").toString(),
                        "--out",
                        tmp.toString());
        assertThat(noTok.code()).isEqualTo(2);
        assertThat(noTok.err()).contains("nope.json: tokenizer.json not found");

        Path tok = tinyTokenizer(tmp);
        CliTesting.Run badDevice =
                CliTesting.run(
                        "train",
                        "--preset",
                        "cpu-tiny",
                        "--tokenizer",
                        tok.toString(),
                        "--device",
                        "tpu",
                        "--max-samples",
                        "2",
                        "--out",
                        tmp.resolve("r").toString());
        assertThat(badDevice.code()).isEqualTo(2);
        assertThat(badDevice.err())
                .contains("--device: expected cpu, cuda or cuda:N, found \"tpu\"");

        // an --out that cannot be written is found before training, not after
        Path aFile = Files.writeString(tmp.resolve("not-a-dir"), "x");
        CliTesting.Run unwritable =
                CliTesting.run(
                        "train",
                        "--preset",
                        "cpu-tiny",
                        "--tokenizer",
                        tok.toString(),
                        "--out",
                        aFile.toString());
        assertThat(unwritable.code()).isEqualTo(2);
        assertThat(unwritable.err())
                .contains("--out " + aFile + ": not a writable directory", "nothing was trained");
        CliTesting.Run negative =
                CliTesting.run(
                        "train",
                        "--preset",
                        "cpu-tiny",
                        "--tokenizer",
                        tok.toString(),
                        "--max-samples",
                        "-3",
                        "--out",
                        tmp.resolve("r2").toString());
        assertThat(negative.code()).isEqualTo(2);
        assertThat(negative.err()).contains("--max-samples must be >= 1, found -3");

        Files.writeString(
                tmp.resolve("config.json"),
                "{\"model_type\":\"llama\",\"hidden_size\":8,"
                        + "\"intermediate_size\":8,\"num_hidden_layers\":1,\"num_attention_heads\":2,\"vocab_size\":10,"
                        + "\"hidden_act\":\"gelu\"}");
        Files.writeString(tmp.resolve("model.safetensors"), "x");
        CliTesting.Run badCfg =
                CliTesting.run(
                        "export", "--model", tmp.toString(), "--out", tmp.resolve("o").toString());
        assertThat(badCfg.code()).isEqualTo(2);
        assertThat(badCfg.err()).contains("hidden_act: only 'silu'");
    }
}
