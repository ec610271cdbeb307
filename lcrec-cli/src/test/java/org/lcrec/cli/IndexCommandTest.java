package org.lcrec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lcrec.core.SemanticIndex;
import org.lcrec.core.io.LcRecFiles;
import org.lcrec.quantization.Embeddings;

class IndexCommandTest {
    @TempDir Path tmp;

    @Test
    void rqKMeansOnTheSyntheticDatasetWithReport() throws Exception {
        Path out = tmp.resolve("syn.index.json");
        Path report = tmp.resolve("r.json");
        CliTesting.Run r =
                CliTesting.run(
                        "index",
                        "--method",
                        "rqkmeans",
                        "--codes",
                        "16",
                        "--out",
                        out.toString(),
                        "--report",
                        report.toString(),
                        "--encoder",
                        "lexical",
                        "--cache",
                        tmp.resolve("emb.npy").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out())
                .contains(
                        "embeddings               600 x 256 from lexical",
                        "collisions after         0");
        SemanticIndex idx = LcRecFiles.readIndex(out);
        assertThat(idx.size()).isEqualTo(600);
        assertThat(idx.collisions().groups()).isEmpty();
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        assertThat(json.get("statistics").get("collisionsFinal").asInt()).isZero();
        assertThat(json.get("statistics").get("perplexity").size()).isEqualTo(idx.levels());
        assertThat(json.get("config").asText()).contains("codes=16");
        assertThat(Files.exists(tmp.resolve("emb.npy"))).isTrue();
    }

    @Test
    void theLexicalCacheIsRebuiltWhenTheItemTextsChange() throws Exception {
        Path dataDir = tmp.resolve("data");
        org.lcrec.core.Dataset.synthetic().write(dataDir);
        Path cache = tmp.resolve("lex.npy");
        String[] args = {
            "index",
            "--data",
            dataDir.toString(),
            "--method",
            "rqkmeans",
            "--codes",
            "16",
            "--out",
            tmp.resolve("i.json").toString(),
            "--encoder",
            "lexical",
            "--cache",
            cache.toString()
        };
        assertThat(CliTesting.run(args).out()).contains("from lexical (hashed TF-IDF");
        assertThat(CliTesting.run(args).out()).contains("from lexical cache " + cache);
        Path items;
        try (var s = Files.list(dataDir)) {
            items = s.filter(f -> f.toString().endsWith(".item.json")).findFirst().orElseThrow();
        }
        String text = Files.readString(items);
        String changed = text.replaceFirst("\"title\" *: *\"", "$0renamed ");
        assertThat(changed).isNotEqualTo(text);
        Files.writeString(items, changed);
        CliTesting.Run again = CliTesting.run(args);
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out())
                .contains("from lexical (hashed TF-IDF")
                .doesNotContain("cache " + cache + "\n");
    }

    @Test
    void rqVaeFromAnNpyFileIsReproducible() throws Exception {
        Path npy = tmp.resolve("x.npy");
        Embeddings.gaussianClusters(600, 24, 8, 3.0, 3).writeNpy(npy);
        Path a = tmp.resolve("a.json");
        Path b = tmp.resolve("b.json");
        Path report = tmp.resolve("r.json");
        for (Path out : new Path[] {a, b}) {
            CliTesting.Run r =
                    CliTesting.run(
                            "index",
                            "--method",
                            "rqvae",
                            "--embeddings",
                            npy.toString(),
                            "--codes",
                            "16",
                            "--epochs",
                            "3",
                            "--out",
                            out.toString(),
                            "--report",
                            report.toString());
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("s/epoch", "items moved", "perplexity per level");
        }
        assertThat(Files.readAllBytes(b)).isEqualTo(Files.readAllBytes(a));
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        assertThat(json.get("training").get("epochLoss").size()).isEqualTo(3);
        assertThat(json.get("training").get("secondsPerEpoch").asDouble()).isPositive();
        assertThat(json.get("statistics").get("collisionsFinal").asInt()).isZero();
    }

    @Test
    void badInputIsOneLineWithExitCode2() throws Exception {
        Path wrongRows = tmp.resolve("w.npy");
        Embeddings.gaussianClusters(10, 4, 1, 1.0, 1).writeNpy(wrongRows);
        CliTesting.Run r =
                CliTesting.run(
                        "index",
                        "--embeddings",
                        wrongRows.toString(),
                        "--out",
                        tmp.resolve("o").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip())
                .isEqualTo(
                        "lcrec: error: "
                                + wrongRows
                                + ": expected one embedding row per item (600 items), found 10 rows");
        r = CliTesting.run("index", "--encoder", "bert", "--out", tmp.resolve("o").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--encoder: expected minilm or lexical, found \"bert\"");
        r = CliTesting.run("index", "--method", "pq", "--out", tmp.resolve("o").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--method: expected rqvae or rqkmeans, found \"pq\"");
        r =
                CliTesting.run(
                        "index",
                        "--encoder",
                        "lexical",
                        "--codes",
                        "0",
                        "--out",
                        tmp.resolve("o").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("codes (K) must be >= 1, found 0");
        Path text = tmp.resolve("t.npy");
        Files.writeString(text, "not numpy");
        r =
                CliTesting.run(
                        "index",
                        "--embeddings",
                        text.toString(),
                        "--out",
                        tmp.resolve("o").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("expected a NumPy .npy file");
        assertThat(Files.exists(tmp.resolve("o"))).isFalse();
    }

    /** Slow: MiniLM over the synthetic catalog's 1,200 texts. */
    @Test
    @Tag("slow")
    void miniLmEmbeddingsAreComputedThenReusedFromTheCache() throws Exception {
        Path out = tmp.resolve("m.index.json");
        String[] args = {"index", "--method", "rqkmeans", "--codes", "16", "--out", out.toString()};
        CliTesting.Run first = CliTesting.run(args);
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).contains("600 x 384", "cached in");
        assertThat(Files.exists(tmp.resolve("m.index.emb-minilm.npy"))).isTrue();
        byte[] index = Files.readAllBytes(out);
        CliTesting.Run second = CliTesting.run(args);
        assertThat(second.code()).as(second.err()).isZero();
        assertThat(second.out()).contains("from cache");
        assertThat(Files.readAllBytes(out)).isEqualTo(index);
    }
}
