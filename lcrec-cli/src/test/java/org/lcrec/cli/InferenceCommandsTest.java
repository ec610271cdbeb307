package org.lcrec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lcrec.core.Dataset;
import org.lcrec.core.SemanticIndex;
import org.lcrec.core.SyntheticDataset;
import org.lcrec.core.io.DatasetDirectory;
import org.lcrec.core.io.LcRecFiles;
import org.lcrec.inference.EvaluationResult;

/**
 * {@code recommend}, {@code evaluate} and {@code compare} end to end on lcrec-inference's tiny
 * random decoder (vocabulary 512) and a small synthetic dataset.
 */
class InferenceCommandsTest {
    private static final Path MODEL =
            Path.of("../lcrec-inference/src/test/resources/org/lcrec/inference/decoder/beam");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir static Path tmp;
    static Path dataDir;
    static Path indexFile;
    static Path tokenMap;
    static SemanticIndex index;

    @BeforeAll
    static void setUp() throws Exception {
        Assumptions.assumeTrue(
                Files.isRegularFile(MODEL.resolve("model.onnx")),
                "lcrec-inference test fixtures not found at " + MODEL.toAbsolutePath());
        Dataset d = SyntheticDataset.defaults().withSize(40, 60).generate();
        dataDir = tmp.resolve("data");
        DatasetDirectory.write(d, dataDir);
        index = d.index();
        indexFile = tmp.resolve("index.json");
        LcRecFiles.writeIndex(indexFile, index);
        // <a_c> -> 100 + c, <b_c> -> 200 + c, <c_c> -> 300 + c for the synthetic 64-code levels
        Map<String, Integer> map = new LinkedHashMap<>();
        for (int level = 0; level < index.levels(); level++) {
            for (int c = 0; c < 64; c++) {
                map.put("<" + (char) ('a' + level) + "_" + c + ">", 100 * (level + 1) + c);
            }
        }
        tokenMap = tmp.resolve("token-map.json");
        Files.writeString(tokenMap, JSON.writeValueAsString(map));
    }

    @Test
    void recommendWritesRealItemsWithScores() throws Exception {
        int[] ids = index.itemIds();
        Path out = tmp.resolve("rec.json");
        CliTesting.Run r =
                CliTesting.run(
                        "recommend",
                        "--model",
                        MODEL.toString(),
                        "--index",
                        indexFile.toString(),
                        "--token-map",
                        tokenMap.toString(),
                        "--history",
                        ids[1] + "," + ids[7] + "," + ids[20],
                        "--k",
                        "10",
                        "--out",
                        out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("rank").contains("log-prob");
        JsonNode res = JSON.readTree(out.toFile()).get("results").get(0);
        assertThat(res.get("items")).hasSize(10);
        double prev = 0;
        for (int i = 0; i < 10; i++) {
            int item = res.get("items").get(i).asInt();
            assertThat(index.contains(item)).isTrue();
            assertThat(res.get("indices").get(i).asText())
                    .isEqualTo(index.get(item).toTokenString());
            double s = res.get("scores").get(i).asDouble();
            assertThat(s).isLessThanOrEqualTo(prev);
            prev = s;
        }
    }

    @Test
    void promptIdsGiveTheSameResultsAsTheHistory() throws Exception {
        int[] ids = index.itemIds();
        int item = ids[3];
        int[] codes = index.get(item).codes();
        String prompt =
                "[1, " + (100 + codes[0]) + ", " + (200 + codes[1]) + ", " + (300 + codes[2]) + "]";
        Path prompts = tmp.resolve("prompts.json");
        Files.writeString(prompts, "[" + prompt + ", [1, 17, 42, 9, 9]]");
        Path a = tmp.resolve("a.json");
        Path b = tmp.resolve("b.json");
        assertThat(
                        CliTesting.run(
                                        "recommend",
                                        "--model",
                                        MODEL.toString(),
                                        "--index",
                                        indexFile.toString(),
                                        "--token-map",
                                        tokenMap.toString(),
                                        "--prompt-ids",
                                        prompts.toString(),
                                        "--eos-id",
                                        "2",
                                        "--beams",
                                        "5",
                                        "--k",
                                        "3",
                                        "--out",
                                        a.toString())
                                .code())
                .isZero();
        assertThat(
                        CliTesting.run(
                                        "recommend",
                                        "--model",
                                        MODEL.toString(),
                                        "--index",
                                        indexFile.toString(),
                                        "--token-map",
                                        tokenMap.toString(),
                                        "--history",
                                        Integer.toString(item),
                                        "--eos-id",
                                        "2",
                                        "--beams",
                                        "5",
                                        "--k",
                                        "3",
                                        "--out",
                                        b.toString())
                                .code())
                .isZero();
        JsonNode ra = JSON.readTree(a.toFile()).get("results");
        JsonNode rb = JSON.readTree(b.toFile()).get("results");
        assertThat(ra).hasSize(2);
        assertThat(ra.get(0).get("items")).isEqualTo(rb.get(0).get("items"));
        assertThat(ra.get(1).get("items")).hasSize(3);
    }

    @Test
    void evaluateThenCompare() throws Exception {
        Path trie = tmp.resolve("trie.json");
        Path pp = tmp.resolve("pp.json");
        CliTesting.Run r =
                CliTesting.run(
                        "evaluate",
                        "--model",
                        MODEL.toString(),
                        "--data",
                        dataDir.toString(),
                        "--index",
                        indexFile.toString(),
                        "--token-map",
                        tokenMap.toString(),
                        "--max-users",
                        "12",
                        "--beams",
                        "10",
                        "--ks",
                        "1,5,10",
                        "--report",
                        trie.toString(),
                        "--also-per-position",
                        pp.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("ndcg@10").contains("mean").contains("t-test p");
        JsonNode res = JSON.readTree(trie.toFile());
        assertThat(res.get("version").asInt()).isEqualTo(EvaluationResult.VERSION);
        assertThat(res.get("excludeHistory").asBoolean()).isFalse();
        assertThat(res.get("templates").get(0).get("ranks")).hasSize(12);
        assertThat(res.get("mean").has("hr@5")).isTrue();
        CliTesting.Run c =
                CliTesting.run("compare", trie.toString(), trie.toString(), "--metric", "ndcg@10");
        assertThat(c.code()).as(c.err()).isZero();
        assertThat(c.out()).contains("ndcg@10").contains("+0.0000");
        CliTesting.Run c2 = CliTesting.run("compare", pp.toString(), trie.toString());
        assertThat(c2.code()).as(c2.err()).isZero();
    }

    @Test
    void evaluateReportDashIsJsonOnStdoutAndTheTableWithWholeIntervalsOnStderr() throws Exception {
        CliTesting.Run r =
                CliTesting.run(
                        "evaluate",
                        "--model",
                        MODEL.toString(),
                        "--data",
                        dataDir.toString(),
                        "--index",
                        indexFile.toString(),
                        "--token-map",
                        tokenMap.toString(),
                        "--max-users",
                        "8",
                        "--beams",
                        "10",
                        "--ks",
                        "1,10",
                        "--report",
                        "-");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode res = JSON.readTree(r.out());
        assertThat(res.get("version").asInt()).isEqualTo(EvaluationResult.VERSION);
        assertThat(res.get("templates").get(0).get("ranks")).hasSize(8);
        assertThat(Path.of("-")).doesNotExist();
        // one whole interval per metric column, e.g. "  95% CI   0.000-0.125 ..."
        assertThat(r.err())
                .containsPattern("(?m)^  95% CI     ( +\\d\\.\\d{3}-\\d\\.\\d{3}){4}$")
                .contains("evaluated in");
    }

    @Test
    void badInputsExitWithTwoAndAMessage() {
        CliTesting.Run unknown =
                CliTesting.run(
                        "recommend",
                        "--model",
                        MODEL.toString(),
                        "--index",
                        indexFile.toString(),
                        "--token-map",
                        tokenMap.toString(),
                        "--history",
                        "99999");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("99999").contains("does not know");
        CliTesting.Run big =
                CliTesting.run(
                        "recommend",
                        "--model",
                        MODEL.toString(),
                        "--index",
                        indexFile.toString(),
                        "--token-map",
                        tokenMap.toString(),
                        "--history",
                        Integer.toString(index.itemIds()[0]),
                        "--k",
                        "1000");
        assertThat(big.code()).isEqualTo(2);
        assertThat(big.err()).contains("larger than the catalogue");
        CliTesting.Run noMap =
                CliTesting.run(
                        "recommend",
                        "--model",
                        MODEL.toString(),
                        "--index",
                        indexFile.toString(),
                        "--history",
                        Integer.toString(index.itemIds()[0]));
        // not a bundle and no templates given: no silent index-only prompt
        assertThat(noMap.code()).isEqualTo(2);
        assertThat(noMap.err()).contains("no prompt templates", "manifest.json", "--bundle");
        CliTesting.Run noIndex =
                CliTesting.run("recommend", "--model", MODEL.toString(), "--history", "1,2");
        assertThat(noIndex.code()).isEqualTo(2);
        assertThat(noIndex.err()).contains("--index: required", "not a model bundle");
    }
}
