package org.lcrec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --charts}: PNG charts written next to the JSON report of index and train. */
class ChartsOptionTest {
    private static void assertPng(Path png) throws Exception {
        assertThat(png).isRegularFile();
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img).as("%s decodes", png).isNotNull();
        assertThat(img.getWidth()).isEqualTo(800);
    }

    @Test
    void indexWritesCodeUsageAndLossChartsNextToTheReport(@TempDir Path tmp) throws Exception {
        Path report = tmp.resolve("index-report.json");
        CliTesting.Run r =
                CliTesting.run(
                        "index",
                        "--encoder",
                        "lexical",
                        "--epochs",
                        "3",
                        "--codes",
                        "16",
                        "--threads",
                        "1",
                        "--out",
                        tmp.resolve("index.json").toString(),
                        "--report",
                        report.toString(),
                        "--charts");
        assertThat(r.code()).as(r.err()).isZero();
        assertPng(tmp.resolve("index-report.code-usage.png"));
        assertPng(tmp.resolve("index-report.loss.png"));
        assertThat(r.out())
                .contains("index-report.code-usage.png")
                .containsPattern("loss .* [▁-█]{3}");
    }

    @Test
    void trainWritesTheLossCurveNextToTheReport(@TempDir Path tmp) throws Exception {
        Path tok = TrainExportCommandTest.tinyTokenizer(tmp);
        CliTesting.Run r =
                CliTesting.run(
                        "train",
                        "--preset",
                        "cpu-tiny",
                        "--tokenizer",
                        tok.toString(),
                        "--tasks",
                        "seqrec",
                        "--max-samples",
                        "8",
                        "--batch-size",
                        "4",
                        "--max-length",
                        "64",
                        "--threads",
                        "1",
                        "--out",
                        tmp.resolve("run").toString(),
                        "--report",
                        tmp.resolve("train.json").toString(),
                        "--charts");
        assertThat(r.code()).as(r.err()).isZero();
        assertPng(tmp.resolve("train.loss.png"));
        assertThat(r.out()).containsPattern("trained .* tokens/s  [▁-█]{2}");
    }

    @Test
    void chartsWithoutAReportIsRefusedWithTheReason(@TempDir Path tmp) {
        CliTesting.Run r =
                CliTesting.run(
                        "index",
                        "--encoder",
                        "lexical",
                        "--out",
                        tmp.resolve("i.json").toString(),
                        "--charts");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--charts needs --report FILE");
        CliTesting.Run t =
                CliTesting.run(
                        "train", "--preset", "cpu-tiny", "--out", tmp.toString(), "--charts");
        assertThat(t.code()).isEqualTo(2);
        assertThat(t.err()).contains("--charts needs --report FILE");
    }
}
