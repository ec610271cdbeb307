package org.lcrec.cli.reproduce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lcrec.cli.Lcrec;
import org.lcrec.core.Dataset;
import org.lcrec.inference.EvaluationResult;
import org.lcrec.inference.ModelBundle;
import org.lcrec.model.export.DecoderExport;
import org.lcrec.model.llm.LlamaModel;

/**
 * The whole pipeline on a tiny budget: every stage runs, results are written, a rerun reuses all.
 */
class ReproduceCommandTest {
    private static final String TINY =
            """
            {"name": "tiny", "data": null, "index": "rqkmeans", "indexPreset": "cpu", "indexCodes": 16,
             "embedder": "lexical", "mixes": [["seqrec"], ["seqrec", "index2item"]], "model": "cpu-tiny",
             "epochs": 1,
             "learningRate": 0.003, "batchSize": 16, "maxLength": 160, "maxSamples": 160,
             "maxHistory": 20, "beams": 5, "templates": [0], "validUsers": 10, "testUsers": 30,
             "evaluateEvery": 0, "seed": 7, "sasrec": false}
            """;

    /** The sequence form, a compact vocabulary, SASRec and history exclusion, on a tiny budget. */
    private static final String SEQUENCE =
            """
            {"name": "seq", "data": null, "index": "rqkmeans", "indexPreset": "cpu", "indexCodes": 16,
             "embedder": "lexical", "mixes": [["seqrec"]], "model": "cpu-tiny", "epochs": 2,
             "learningRate": 0.003, "batchSize": 64, "maxLength": 160, "maxSamples": 0,
             "maxHistory": 20, "beams": 5, "templates": [0], "validUsers": 40, "testUsers": 50,
             "evaluateEvery": 0, "seed": 7, "form": "sequence", "dropout": 0.1, "patience": 1,
             "excludeHistory": true, "sasrecEpochs": 3}
            """;

    /** One mix, one epoch of the sequence form, no SASRec: the cheapest whole run. */
    private static final String SMALL =
            """
            {"name": "small", "data": null, "index": "rqkmeans", "indexPreset": "cpu",
             "indexCodes": 16, "embedder": "lexical", "mixes": [["seqrec"]], "model": "cpu-tiny",
             "epochs": 1, "learningRate": 0.003, "batchSize": 128, "maxLength": 160,
             "maxSamples": 0, "maxHistory": 20, "beams": 5, "templates": [0], "validUsers": 10,
             "testUsers": 20, "evaluateEvery": 0, "seed": 7, "form": "sequence", "sasrec": false}
            """;

    /** What a successful run printed: the results table on stdout, progress on stderr. */
    private record Run(String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Lcrec.run(new PrintWriter(out), new PrintWriter(err), args);
        assertThat(code).as("exit code; stderr: %s; stdout: %s", err, out).isZero();
        return new Run(out.toString(), err.toString());
    }

    @Test
    void runsEndToEndAndResumes(@TempDir Path tmp) throws Exception {
        Path config = tmp.resolve("tiny.json");
        Files.writeString(config, TINY);
        Path out = tmp.resolve("run");
        Run run = run("reproduce", "--config", config.toString(), "--out", out.toString());
        String first = run.out();
        // stage lines, the nested index command and progress bars are progress: stderr
        assertThat(run.err())
                .contains("index      running ...", "test       [", "collisions after", "done in");
        assertThat(first).doesNotContain("running ...", "test       [", "collisions after");
        assertThat(first).isEqualTo(Files.readString(out.resolve("results.md")));
        assertThat(first)
                .contains(
                        "| LC-Rec (seqrec) | 30 |",
                        "| random |",
                        "| most-popular |",
                        "| co-occurrence |",
                        "| LC-Rec (seqrec+index2item) | 30 |",
                        "Paired over the test users",
                        "| seqrec+index2item | seqrec | ",
                        "| seqrec | co-occurrence | seqrec-0 | ndcg@10 | 30 |",
                        "| optimum (true model) |",
                        "may be recommended (LC-Rec)");
        assertThat(first).doesNotContain("| sasrec |");
        assertThat(out.resolve("results.md")).exists();
        JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertThat(results.at("/stages/index/figures/statistics/collisionsFinal").asInt(-1))
                .isZero();
        assertThat(results.at("/stages/train-seqrec/figures/steps").asInt()).isEqualTo(10);
        assertThat(results.at("/stages/test-seqrec/figures/mean/hr@10").asDouble(-1))
                .isBetween(0.0, 1.0);
        // the training stage's bundle: evaluate on it alone gives the test stage's figures
        Path bundle = out.resolve("train-seqrec/bundle");
        ModelBundle b = ModelBundle.read(bundle);
        JsonNode testMean = results.at("/stages/test-seqrec/figures/mean");
        assertThat(b.manifest().metrics().get("test").get("ndcg@10"))
                .isEqualTo(testMean.get("ndcg@10").asDouble());
        assertThat(b.manifest().datasetFingerprint()).startsWith("sha256:");
        Path report = tmp.resolve("eval.json");
        run(
                "evaluate",
                "--model",
                bundle.toString(),
                "--max-users",
                "30",
                "--report",
                report.toString());
        EvaluationResult again = EvaluationResult.read(report);
        for (String metric : new String[] {"hr@10", "ndcg@10", "hr@1", "ndcg@5"}) {
            assertThat(again.mean().get(metric))
                    .as(metric)
                    .isEqualTo(testMean.get(metric).asDouble());
        }
        // ndcg@10 and hr@10: the second mix against the first, and each mix against co-occurrence
        assertThat(results.get("paired")).hasSize(6);
        assertThat(results.at("/paired/0/row/users").asInt()).isEqualTo(30);

        Run second = run("reproduce", "--config", config.toString(), "--out", out.toString());
        assertThat(second.err())
                .contains(
                        "train-seqrec reused",
                        "test-seqrec reused",
                        "test-seqrec+index2item reused",
                        "baselines  reused");
        assertThat(second.err()).doesNotContain("running ...");

        Run quiet = run("reproduce", "--config", config.toString(), "--out", out.toString(), "-q");
        assertThat(quiet.err()).isEmpty();
        assertThat(quiet.out()).contains("| LC-Rec (seqrec) | 30 |");
    }

    @Test
    void sequenceFormWithSasrecUnderTheExclusionRule(@TempDir Path tmp) throws Exception {
        Path config = tmp.resolve("seq.json");
        Files.writeString(config, SEQUENCE);
        Path out = tmp.resolve("run");
        Run run = run("reproduce", "--config", config.toString(), "--out", out.toString());
        assertThat(run.err()).contains("seqrec targets in user windows", "sasrec     epoch 1");
        assertThat(run.out())
                .contains(
                        "as one sequence per user window",
                        "items already in the history are never recommended",
                        "| LC-Rec (seqrec) | 50 |",
                        "| sasrec |",
                        "| optimum (true model) |",
                        "| seqrec | co-occurrence | seqrec-sequence | ndcg@10 | 50 |");
        JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        JsonNode train = results.at("/stages/train-seqrec/figures");
        // one example per user window; every LC-Rec seqrec target appears in exactly one
        assertThat(train.get("form").asText()).isEqualTo("sequence");
        assertThat(train.get("seqrecTargets").asLong())
                .isEqualTo(
                        new org.lcrec.core.LeaveOneOut(20)
                                .count(
                                        org.lcrec.core.Dataset.synthetic().interactions(),
                                        org.lcrec.core.Split.TRAIN));
        // 16 codes per level, a few template tokens and the specials: far below MiniLM's 30,522
        assertThat(train.get("vocabulary").asInt()).isLessThan(200);
        assertThat(train.get("validUsers").asInt()).isEqualTo(40);
        assertThat(out.resolve("baselines/sasrec/sasrec.json")).exists();
        JsonNode test =
                new ObjectMapper().readTree(out.resolve("test-seqrec/evaluation.json").toFile());
        assertThat(test.get("excludeHistory").asBoolean()).isTrue();
    }

    @Test
    void mixTaskNamesAreCheckedAtLoadAndNothingIsCreatedOutsideOut(@TempDir Path tmp)
            throws Exception {
        Path cfg = tmp.resolve("hostile.json");
        Files.writeString(cfg, TINY.replace("[\"seqrec\", \"index2item\"]", "[\"x/../..\"]"));
        assertThat(Files.readString(cfg)).contains("x/../..");
        assertThatThrownBy(() -> ReproduceConfig.load(cfg.toString()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mixes[1][0]: expected a task id (")
                .hasMessageContaining("found \"x/../..\"");
        Path dir = tmp.resolve("a").resolve("run");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code =
                Lcrec.run(
                        new PrintWriter(out),
                        new PrintWriter(err),
                        "reproduce",
                        "--config",
                        cfg.toString(),
                        "--out",
                        dir.toString());
        assertThat(code).isNotZero();
        assertThat(err.toString()).contains("mixes[1][0]");
        assertThat(tmp.resolve("a")).doesNotExist();
        Files.writeString(cfg, TINY.replace("\"name\": \"tiny\"", "\"name\": \"../../up\""));
        assertThatThrownBy(() -> ReproduceConfig.load(cfg.toString()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name: expected a plain name")
                .hasMessageContaining("found ../../up");
    }

    /**
     * The index changes under an existing run: the training stage reruns from the start on the new
     * index instead of resuming (or tripping over) the old run's checkpoints.
     */
    @Test
    void aChangedIndexRetrainsInsteadOfResumingTheOldRun(@TempDir Path tmp) throws Exception {
        Path config = tmp.resolve("c.json");
        Path out = tmp.resolve("run");
        Files.writeString(config, SMALL);
        run("reproduce", "--config", config.toString(), "--out", out.toString());
        String firstRun = Files.readString(out.resolve("train-seqrec/run.txt"));
        Files.writeString(config, SMALL.replace("\"indexCodes\": 16", "\"indexCodes\": 12"));
        run("reproduce", "--config", config.toString(), "--out", out.toString());
        JsonNode train =
                new ObjectMapper()
                        .readTree(out.resolve("results.json").toFile())
                        .at("/stages/train-seqrec/figures");
        assertThat(train.get("resumedFromStep").asLong()).isZero();
        assertThat(train.get("steps").asLong()).isPositive();
        String secondRun = Files.readString(out.resolve("train-seqrec/run.txt"));
        assertThat(secondRun.lines().findFirst()).isNotEqualTo(firstRun.lines().findFirst());
        assertThat(
                        ModelBundle.read(out.resolve("train-seqrec/bundle"))
                                .manifest()
                                .datasetFingerprint())
                .isEqualTo(secondRun.lines().findFirst().orElseThrow().substring("data ".length()));
    }

    /**
     * Two members: the second trains with its own seed (other weights), the test stage scores their
     * ensemble and member 1 alone, and {@code lcrec evaluate} with the two bundles (or the first
     * alone) gives exactly the test stage's ranks.
     */
    @Test
    void membersTrainWithTheirOwnSeedsAndAreTestedAsOneEnsemble(@TempDir Path tmp)
            throws Exception {
        Path config = tmp.resolve("c.json");
        Path out = tmp.resolve("run");
        Files.writeString(config, SMALL);
        String[] reproduce = {
            "reproduce", "--config", config.toString(), "--out", out.toString(), "--members", "2"
        };
        String table = run(reproduce).out();
        assertThat(table)
                .contains(
                        "| LC-Rec (seqrec, ensemble of 2) | 20 |",
                        "| LC-Rec (seqrec, member 1 alone) | 20 |",
                        "2 models per mix (seeds 7, +1000, ...)",
                        "| train-seqrec-2 |");
        Path b1 = out.resolve("train-seqrec/bundle");
        Path b2 = out.resolve("train-seqrec-2/bundle");
        assertThat(Files.readAllBytes(b2.resolve("model.onnx")))
                .isNotEqualTo(Files.readAllBytes(b1.resolve("model.onnx")));
        JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertThat(results.at("/config/members").asInt()).isEqualTo(2);
        assertThat(results.at("/stages/test-seqrec/figures/members").asInt()).isEqualTo(2);
        EvaluationResult ensemble =
                EvaluationResult.read(out.resolve("test-seqrec/evaluation.json"));
        EvaluationResult alone = EvaluationResult.read(out.resolve("test-seqrec/member-1.json"));
        assertThat(results.at("/stages/test-seqrec/figures/member1/ndcg@10").asDouble())
                .isEqualTo(alone.mean().get("ndcg@10"));
        assertThat(ModelBundle.read(b1).manifest().metrics().get("test").get("ndcg@10"))
                .isEqualTo(alone.mean().get("ndcg@10"));

        Path both = tmp.resolve("both.json");
        run(
                "evaluate",
                "--model",
                b1.toString(),
                "--model",
                b2.toString(),
                "--max-users",
                "20",
                "--report",
                both.toString());
        assertThat(EvaluationResult.read(both).templates().get(0).ranks())
                .isEqualTo(ensemble.templates().get(0).ranks());
        Path first = tmp.resolve("first.json");
        run(
                "evaluate",
                "--model",
                b1.toString(),
                "--max-users",
                "20",
                "--report",
                first.toString());
        assertThat(EvaluationResult.read(first).templates().get(0).ranks())
                .isEqualTo(alone.templates().get(0).ranks());

        // an ensemble decodes bundles with their own index: an --index is refused by name
        StringWriter err = new StringWriter();
        int code =
                Lcrec.run(
                        new PrintWriter(new StringWriter()),
                        new PrintWriter(err),
                        "evaluate",
                        "--model",
                        b1.toString(),
                        "--model",
                        b2.toString(),
                        "--index",
                        b1.resolve("index.json").toString());
        assertThat(code).isNotZero();
        assertThat(err.toString()).contains("drop --index");

        Run again = run(reproduce);
        assertThat(again.err()).contains("train-seqrec-2 reused", "test-seqrec reused");
    }

    /**
     * The data stage fingerprints the files' bytes: the same dataset with new modification times,
     * or copied to another directory, resumes the run; one changed byte restarts it.
     */
    @Test
    void runsResumeOnTheSameBytesWhereverAndWheneverTheyWereWritten(@TempDir Path tmp)
            throws Exception {
        Path data = tmp.resolve("data");
        Dataset.synthetic().write(data);
        Path config = tmp.resolve("c.json");
        Files.writeString(config, SMALL);
        Path out = tmp.resolve("run");
        String[] args = {"reproduce", "--config", config.toString(), "--out", out.toString()};
        run(concat(args, "--data", data.toString()));
        List<Path> files;
        try (Stream<Path> s = Files.list(data)) {
            files = s.toList();
        }
        for (Path f : files) {
            Files.setLastModifiedTime(f, FileTime.fromMillis(1_000_000L));
        }
        Path copy = tmp.resolve("elsewhere");
        Files.createDirectories(copy);
        for (Path f : files) {
            Files.copy(f, copy.resolve(f.getFileName()));
        }
        Run touched = run(concat(args, "--data", data.toString()));
        assertThat(touched.err()).contains("data       reused", "train-seqrec reused");
        Run copied = run(concat(args, "--data", copy.toString()));
        assertThat(copied.err()).contains("data       reused", "train-seqrec reused");
        Path first = files.stream().sorted().findFirst().orElseThrow();
        Files.writeString(copy.resolve(first.getFileName()), Files.readString(first) + "\n");
        Run changed = run(concat(args, "--data", copy.toString()));
        assertThat(changed.err()).contains("data       running");
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /**
     * {@code "keep": "last"} bundles the end of the schedule, not the best-validated checkpoint,
     * and still validates every epoch and reports the kept checkpoint's figure.
     */
    @Test
    void keepLastBundlesTheFinalCheckpoint(@TempDir Path tmp) throws Exception {
        String last =
                SMALL.replace("\"epochs\": 1,", "\"epochs\": 3,")
                        .replace("\"sasrec\": false", "\"sasrec\": false, \"keep\": \"last\"");
        Path config = tmp.resolve("c.json");
        Path out = tmp.resolve("run");
        Files.writeString(config, last);
        String table =
                run("reproduce", "--config", config.toString(), "--out", out.toString()).out();
        JsonNode train =
                new ObjectMapper()
                        .readTree(out.resolve("results.json").toFile())
                        .at("/stages/train-seqrec/figures");
        assertThat(train.get("kept").asText()).isEqualTo("last");
        assertThat(train.get("keptStep").asLong()).isEqualTo(train.get("steps").asLong());
        assertThat(train.get("validations")).hasSize(3);
        JsonNode lastValidation = train.get("validations").get(2);
        assertThat(train.get("keptValidNdcg10").asDouble())
                .isEqualTo(lastValidation.get("ndcg@10").asDouble());
        assertThat(table).contains("kept the last checkpoint: validation NDCG@10");
        // the bundle holds the final weights, exported as the trainer exports them
        LlamaModel fin = LlamaModel.load(out.resolve("train-seqrec/sft/model"));
        assertThat(Files.readAllBytes(out.resolve("train-seqrec/bundle/model.onnx")))
                .isEqualTo(DecoderExport.toBytes(fin, true));
    }

    @Test
    void badDeviceFailsBeforeAnyStage(@TempDir Path tmp) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path dir = tmp.resolve("run");
        int code =
                Lcrec.run(
                        new PrintWriter(out),
                        new PrintWriter(err),
                        "reproduce",
                        "--out",
                        dir.toString(),
                        "--device",
                        "tpu");
        assertThat(code).isNotZero();
        assertThat(err.toString())
                .contains("--device: expected cpu, cuda or cuda:N, found \"tpu\"");
        assertThat(dir).doesNotExist();
    }

    @Test
    void brokenConfigsAreNamedByFieldNotByJackson(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("c.json");
        Files.writeString(f, TINY.replace("\"epochs\": 1,", ""));
        assertThatThrownBy(() -> ReproduceConfig.load(f.toString()))
                .hasMessage(f + ": field \"epochs\": missing or null (expected a number)");
        Files.writeString(f, TINY.replace("\"epochs\": 1,", "\"epochs\": 1, \"epoch\": 2,"));
        assertThatThrownBy(() -> ReproduceConfig.load(f.toString()))
                .hasMessageStartingWith(f + ": unknown field \"epoch\" (known fields: name, data,");
        Files.writeString(f, TINY.replace("\"epochs\": 1,", "\"epochs\": \"many\","));
        assertThatThrownBy(() -> ReproduceConfig.load(f.toString()))
                .hasMessage(f + ": field \"epochs\": has the wrong type (expected a number)");
        Files.writeString(f, TINY.replace("\"seed\": 7,", "\"seed\": 7, \"keep\": \"latest\","));
        assertThatThrownBy(() -> ReproduceConfig.load(f.toString()))
                .hasMessageContaining("keep: expected best or last, found latest");
        Files.writeString(
                f,
                TINY.replace("\"seed\": 7,", "\"seed\": 7, \"keep\": \"last\", \"patience\": 2,"));
        assertThatThrownBy(() -> ReproduceConfig.load(f.toString()))
                .hasMessageContaining(
                        "patience: expected 0 with keep \"last\" (early stopping keeps the best"
                                + " checkpoint), found 2");
        Files.writeString(f, "{\"name\": ");
        assertThatThrownBy(() -> ReproduceConfig.load(f.toString()))
                .hasMessageStartingWith(f + ": not valid JSON at line 1");
    }
}
