package org.lcrec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lcrec.core.Dataset;
import org.lcrec.core.testing.SharedData;
import org.lcrec.model.encoder.Npy;
import org.lcrec.tokenizers.Tokenizer;

/** {@code lcrec embed} and {@code lcrec tokenize} end to end. */
class EmbedTokenizeCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void embedWritesNpyInItemOrderAndReusesIt(@TempDir Path dir) throws IOException {
        Path npy = dir.resolve("emb.npy");
        Path report = dir.resolve("r.json");
        CliTesting.Run first =
                CliTesting.run(
                        "embed",
                        "--out",
                        npy.toString(),
                        "--max-length",
                        "32",
                        "--threads",
                        "2",
                        "--report",
                        report.toString());
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).contains("computed").contains("dimension              384");
        int items = Dataset.synthetic().items().size();
        float[][] m = Npy.read(npy);
        assertThat(m).hasNumberOfRows(items);
        assertThat(m[0]).hasSize(384);
        JsonNode r = JSON.readTree(report.toFile());
        assertThat(r.get("fromCache").asBoolean()).isFalse();
        assertThat(r.get("items").asInt()).isEqualTo(items);

        CliTesting.Run second =
                CliTesting.run(
                        "embed", "--out", npy.toString(), "--max-length", "32", "--threads", "2");
        assertThat(second.code()).isZero();
        assertThat(second.out()).contains("cache (");
        assertThat(Npy.read(npy)).isDeepEqualTo(m);

        CliTesting.Run other =
                CliTesting.run(
                        "embed", "--out", npy.toString(), "--max-length", "16", "--threads", "2");
        assertThat(other.code()).isEqualTo(2);
        assertThat(other.err()).contains("cache written by encoder").contains("maxLength=32");
    }

    @Test
    void embedReportsMissingModelDirectory(@TempDir Path dir) {
        CliTesting.Run r =
                CliTesting.run(
                        "embed",
                        "--out",
                        dir.resolve("e.npy").toString(),
                        "--model",
                        dir.resolve("nope").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("nope").contains("model directory");
    }

    @Test
    void tokenizeWritesOneIdArrayPerLineWithIndexTokens(@TempDir Path dir) throws IOException {
        Path industrial = SharedData.dir("industrial");
        Path index = industrial.resolve("Industrial_and_Scientific.index.json");
        org.lcrec.core.SemanticIndex idx = org.lcrec.core.io.LcRecFiles.readIndex(index);
        org.lcrec.core.SemanticId sid = idx.get(idx.itemIds()[0]);
        String a = org.lcrec.core.IndexTokens.token(0, sid.code(0));
        String b = org.lcrec.core.IndexTokens.token(1, sid.code(1));
        Path in = dir.resolve("in.txt");
        Files.writeString(in, a + b + "\nHello world\n\n\u4f60\u597d <a_1><b_2><c_3>\n");
        Path out = dir.resolve("out.jsonl");
        Path saved = dir.resolve("tokenizer.json");
        Path qwen = SharedData.tokenizer("qwen3");
        CliTesting.Run r =
                CliTesting.run(
                        "tokenize",
                        "--tokenizer",
                        qwen.toString(),
                        "--add-index",
                        index.toString(),
                        "--input",
                        in.toString(),
                        "--out",
                        out.toString(),
                        "--save-tokenizer",
                        saved.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("index tokens added");
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(4);
        Tokenizer extended = Tokenizer.load(saved);
        JsonNode first = JSON.readTree(lines.get(0));
        assertThat(first).hasSize(2);
        assertThat(first.get(0).asInt()).isEqualTo(extended.tokenToId(a));
        assertThat(first.get(1).asInt()).isEqualTo(extended.tokenToId(b));
        assertThat(lines.get(2)).isEqualTo("[]");
        int[] expected = extended.encode("\u4f60\u597d <a_1><b_2><c_3>");
        assertThat(lines.get(3)).isEqualTo(java.util.Arrays.toString(expected).replace(" ", ""));
    }

    @Test
    void tokenizeWithBundledMiniLmAndBadInput(@TempDir Path dir) throws IOException {
        Path in = dir.resolve("in.txt");
        Files.writeString(in, "hello world\n");
        Path out = dir.resolve("o.jsonl");
        CliTesting.Run r =
                CliTesting.run(
                        "tokenize",
                        "--tokenizer",
                        "minilm",
                        "--input",
                        in.toString(),
                        "--out",
                        out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readAllLines(out)).containsExactly("[101,7592,2088,102]");
        CliTesting.Run missing =
                CliTesting.run(
                        "tokenize",
                        "--tokenizer",
                        dir.resolve("none").toString(),
                        "--input",
                        in.toString(),
                        "--out",
                        out.toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("none").contains("not found");
        CliTesting.Run noInput =
                CliTesting.run(
                        "tokenize",
                        "--tokenizer",
                        "minilm",
                        "--input",
                        dir.resolve("absent.txt").toString(),
                        "--out",
                        out.toString());
        assertThat(noInput.code()).isEqualTo(2);
        // bytes that are not UTF-8 are the input's fault, named with the line, and the earlier
        // output stays as it was
        Path latin = dir.resolve("latin1.txt");
        Files.write(latin, new byte[] {'o', 'k', '\n', 'c', 'a', 'f', (byte) 0xE9, '\n'});
        CliTesting.Run notUtf8 =
                CliTesting.run(
                        "tokenize",
                        "--tokenizer",
                        "minilm",
                        "--input",
                        latin.toString(),
                        "--out",
                        out.toString());
        assertThat(notUtf8.code()).isEqualTo(2);
        assertThat(notUtf8.err())
                .contains(latin + ": line 2: expected UTF-8 text")
                .doesNotContain(out.toString());
        assertThat(Files.readAllLines(out)).containsExactly("[101,7592,2088,102]");
        assertThat(noInput.err()).contains("absent.txt");
    }
}
