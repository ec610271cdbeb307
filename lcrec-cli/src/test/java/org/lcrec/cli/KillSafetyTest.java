package org.lcrec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lcrec.core.io.AtomicFiles;
import org.lcrec.inference.DecoderConfig;
import org.lcrec.model.llm.LlamaConfig;
import org.lcrec.model.llm.LlamaModel;

/**
 * Hard kills of real {@code lcrec} processes (SIGKILL, no shutdown hooks) at several points of a
 * write that replaces an earlier result: what is in place afterwards is always the earlier result
 * or the new one, complete, and the next run leaves no temporary file behind.
 */
class KillSafetyTest {
    /** Kill points after the start, in ms: from JVM start-up to the write's last steps. */
    private static final long[] KILL_AFTER = {150, 400, 700, 1000, 1400, 1900, 2600};

    private static Process start(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(
                System.getProperty(
                        "surefire.test.class.path", System.getProperty("java.class.path")));
        cmd.add(Lcrec.class.getName());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("log-" + System.nanoTime() + ".txt").toFile())
                .start();
    }

    private static void finish(Process p) throws Exception {
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).isZero();
    }

    private static void kill(Process p, long afterMs) throws Exception {
        if (!p.waitFor(afterMs, TimeUnit.MILLISECONDS)) {
            p.destroyForcibly(); // SIGKILL: no finally blocks, no shutdown hooks
            p.waitFor(1, TimeUnit.MINUTES);
        }
    }

    private static List<String> leftovers(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(".") && (n.endsWith(".tmp") || n.endsWith(".old")))
                    .toList();
        }
    }

    @Test
    void aKilledTaskExportLeavesTheEarlierFileOrTheNewOne(@TempDir Path tmp) throws Exception {
        String[] base = {"tasks", "--tasks", "seqrec,item2index,index2item", "--format", "alpaca"};
        Path out = tmp.resolve("train.jsonl");
        finish(start(tmp, concat(base, "--seed", "1", "--out", out.toString())));
        String earlier = Files.readString(out, StandardCharsets.UTF_8);
        Path reference = tmp.resolve("reference.jsonl");
        finish(start(tmp, concat(base, "--seed", "2", "--out", reference.toString())));
        String newer = Files.readString(reference, StandardCharsets.UTF_8);
        assertThat(newer).isNotEqualTo(earlier);
        for (long ms : KILL_AFTER) {
            kill(start(tmp, concat(base, "--seed", "2", "--out", out.toString())), ms);
            String now = Files.readString(out, StandardCharsets.UTF_8);
            assertThat(now.equals(earlier) || now.equals(newer))
                    .as("after a kill at %d ms the file is one of the two complete exports", ms)
                    .isTrue();
            // an earlier kill's temporary file never outlives the next run
            Files.writeString(out, earlier);
        }
        finish(start(tmp, concat(base, "--seed", "2", "--out", out.toString())));
        assertThat(Files.readString(out, StandardCharsets.UTF_8)).isEqualTo(newer);
        assertThat(leftovers(tmp)).isEmpty();
    }

    @Test
    void aKilledExportLeavesTheEarlierExportOrTheNewOne(@TempDir Path tmp) throws Exception {
        LlamaConfig c =
                LlamaConfig.builder()
                        .vocabSize(300)
                        .hiddenSize(64)
                        .intermediateSize(96)
                        .numLayers(2)
                        .numHeads(4)
                        .numKvHeads(2)
                        .eosTokenId(2)
                        .bosTokenId(1)
                        .build();
        Path small = tmp.resolve("small");
        LlamaModel.random(c, 1).save(small);
        Path wide = tmp.resolve("wide");
        LlamaModel.random(c.toBuilder().numLayers(4).build(), 2).save(wide);
        Path out = tmp.resolve("onnx");
        finish(start(tmp, "export", "--model", small.toString(), "--out", out.toString()));
        for (long ms : KILL_AFTER) {
            kill(
                    start(
                            tmp,
                            "export",
                            "--model",
                            wide.toString(),
                            "--out",
                            out.toString(),
                            "--external-data",
                            "always"),
                    ms);
            // a reader that finds the export moved aside by a kill puts it back first
            AtomicFiles.recoverDirectory(out);
            int layers = DecoderConfig.read(out.resolve("config.json")).layers();
            assertThat(layers).as("after a kill at %d ms", ms).isIn(2, 4);
            if (layers == 4) {
                assertThat(out.resolve("model.onnx_data")).isRegularFile();
            } else {
                assertThat(out.resolve("model.onnx_data")).doesNotExist();
            }
            try (var d =
                    org.lcrec.inference.OrtCausalDecoder.open(
                            out, org.lcrec.inference.DecoderOptions.cpu())) {
                assertThat(d.config().layers()).isEqualTo(layers);
            }
        }
        finish(start(tmp, "export", "--model", wide.toString(), "--out", out.toString()));
        assertThat(leftovers(tmp)).isEmpty();
    }

    @Test
    void aKilledBundleWriteLeavesTheEarlierBundleOrTheNewOne(@TempDir Path tmp) throws Exception {
        java.util.Map<Integer, org.lcrec.core.SemanticId> ids = new java.util.HashMap<>();
        for (int item = 0; item < 40; item++) {
            ids.put(item, org.lcrec.core.SemanticId.of(item % 5, (item / 5) % 4, item / 20));
        }
        org.lcrec.core.SemanticIndex index = org.lcrec.core.SemanticIndex.of(ids);
        Path indexFile = tmp.resolve("x.index.json");
        org.lcrec.core.io.LcRecFiles.writeIndex(indexFile, index);
        org.lcrec.tokenizers.Tokenizer tok =
                org.lcrec.model.encoder.TextEncoder.miniLmTokenizer().withIndexTokens(index);
        LlamaConfig c =
                org.lcrec.model.llm.LlamaPreset.CPU_TINY.config(
                        tok.vocabSize(),
                        tok.tokenToId("[CLS]"),
                        tok.tokenToId("[SEP]"),
                        tok.padId());
        Path small = tmp.resolve("small");
        LlamaModel.random(c, 1).save(small);
        tok.save(small.resolve("tokenizer.json"));
        Path wide = tmp.resolve("wide");
        LlamaModel.random(c.toBuilder().numLayers(3).build(), 2).save(wide);
        tok.save(wide.resolve("tokenizer.json"));
        Path bundle = tmp.resolve("bundle");
        String[] common = {"--out", bundle.toString(), "--bundle", "--index", indexFile.toString()};
        finish(start(tmp, concat(new String[] {"export", "--model", small.toString()}, common)));
        for (long ms : KILL_AFTER) {
            kill(
                    start(tmp, concat(new String[] {"export", "--model", wide.toString()}, common)),
                    ms);
            // reading a bundle puts back one a kill left aside
            org.lcrec.inference.ModelBundle b = org.lcrec.inference.ModelBundle.read(bundle);
            int layers = DecoderConfig.read(bundle.resolve("config.json")).layers();
            assertThat(layers).as("after a kill at %d ms", ms).isIn(2, 3);
            assertThat(b.manifest().training().get("exportedFrom"))
                    .isEqualTo((layers == 2 ? small : wide).toString());
            try (var r = org.lcrec.inference.Recommender.open(bundle)) {
                assertThat(r.recommend(new int[] {1, 2, 3}, 3).items()).hasSize(3);
            }
        }
        finish(start(tmp, concat(new String[] {"export", "--model", wide.toString()}, common)));
        assertThat(leftovers(tmp)).isEmpty();
    }

    @Test
    void aKilledIndexRunLeavesTheEarlierIndexOrTheNewOne(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("syn.index.json");
        Path cache = tmp.resolve("emb.npy");
        String[] base = {
            "index",
            "--method",
            "rqkmeans",
            "--encoder",
            "lexical",
            "--cache",
            cache.toString(),
            "--out",
            out.toString()
        };
        finish(start(tmp, concat(base, "--codes", "16")));
        String earlier = Files.readString(out);
        Path reference = tmp.resolve("ref.index.json");
        finish(
                start(
                        tmp,
                        "index",
                        "--method",
                        "rqkmeans",
                        "--encoder",
                        "lexical",
                        "--cache",
                        tmp.resolve("ref.npy").toString(),
                        "--codes",
                        "24",
                        "--out",
                        reference.toString()));
        String newer = Files.readString(reference);
        assertThat(newer).isNotEqualTo(earlier);
        for (long ms : KILL_AFTER) {
            kill(start(tmp, concat(base, "--codes", "24")), ms);
            String now = Files.readString(out);
            assertThat(now.equals(earlier) || now.equals(newer))
                    .as("after a kill at %d ms the index is one of the two complete ones", ms)
                    .isTrue();
            Files.writeString(out, earlier);
        }
        finish(start(tmp, concat(base, "--codes", "24")));
        assertThat(Files.readString(out)).isEqualTo(newer);
        assertThat(leftovers(tmp)).isEmpty();
    }

    /**
     * {@code reproduce} killed in the middle of training resumes from the last checkpoint on the
     * next run and ends with exactly the model and test figures of a run that was never killed
     * (training runs on one ONNX Runtime thread, so the two are comparable bit for bit).
     */
    @Test
    void aReproduceKilledMidTrainingResumesAndEndsLikeAnUninterruptedRun(@TempDir Path tmp)
            throws Exception {
        String config =
                """
                {"name": "resume", "data": null, "index": "rqkmeans", "indexPreset": "cpu",
                 "indexCodes": 16, "embedder": "lexical", "mixes": [["seqrec"]], "model": "cpu-tiny",
                 "epochs": 6, "learningRate": 0.003, "batchSize": 16, "maxLength": 160,
                 "maxSamples": 240, "maxHistory": 20, "beams": 5, "templates": [0],
                 "validUsers": 10, "testUsers": 20, "evaluateEvery": 0, "seed": 7,
                 "form": "sequence", "sasrec": false}
                """;
        Path file = tmp.resolve("c.json");
        Files.writeString(file, config);
        Path reference = tmp.resolve("reference");
        finish(start(tmp, "reproduce", "--config", file.toString(), "--out", reference.toString()));
        Path out = tmp.resolve("run");
        Process p = start(tmp, "reproduce", "--config", file.toString(), "--out", out.toString());
        Path sft = out.resolve("train-seqrec/sft");
        // kill as soon as the first epoch's checkpoint is complete (its directory appears by a
        // rename, so it is whole once visible)
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (p.isAlive() && System.nanoTime() < deadline && checkpoints(sft).isEmpty()) {
            Thread.sleep(20);
        }
        assertThat(p.isAlive()).as("still training when the first checkpoint appeared").isTrue();
        p.destroyForcibly();
        p.waitFor(1, TimeUnit.MINUTES);
        List<String> before = checkpoints(sft);
        assertThat(before).isNotEmpty();
        assertThat(out.resolve("train-seqrec/bundle")).doesNotExist();
        finish(start(tmp, "reproduce", "--config", file.toString(), "--out", out.toString()));
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var train =
                json.readTree(out.resolve("results.json").toFile())
                        .at("/stages/train-seqrec/figures");
        long resumed = train.get("resumedFromStep").asLong();
        assertThat(resumed)
                .as("resumed from the checkpoint the killed run left (%s)", before)
                .isPositive();
        assertThat(before).contains("checkpoint-" + resumed);
        var refTrain =
                json.readTree(reference.resolve("results.json").toFile())
                        .at("/stages/train-seqrec/figures");
        assertThat(refTrain.get("resumedFromStep").asLong()).isZero();
        assertThat(train.get("steps")).isEqualTo(refTrain.get("steps"));
        assertThat(Files.readAllBytes(out.resolve("train-seqrec/bundle/model.onnx")))
                .as("the resumed run's model equals the uninterrupted run's")
                .isEqualTo(Files.readAllBytes(reference.resolve("train-seqrec/bundle/model.onnx")));
        assertThat(
                        json.readTree(out.resolve("test-seqrec/evaluation.json").toFile())
                                .get("metrics"))
                .isEqualTo(
                        json.readTree(reference.resolve("test-seqrec/evaluation.json").toFile())
                                .get("metrics"));
    }

    private static List<String> checkpoints(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("checkpoint-\\d+"))
                    .sorted()
                    .toList();
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
