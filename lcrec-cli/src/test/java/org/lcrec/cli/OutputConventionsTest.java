package org.lcrec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The CLI's stream conventions: results on stdout, progress and timings on stderr, {@code --report
 * -} as the whole of stdout, {@code --quiet}, help texts that format, numbers in {@link
 * Locale#ROOT}.
 */
class OutputConventionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void resultsGoToStdoutAndTimingsToStderr() {
        CliTesting.Run r = CliTesting.run("stats");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("users                  2,000").doesNotContain("loaded in");
        assertThat(r.err()).contains("loaded in").doesNotContain("users");
    }

    @Test
    void progressBarsGoToStderr(@TempDir Path tmp) {
        CliTesting.Run r =
                CliTesting.run(
                        "index",
                        "--method",
                        "rqvae",
                        "--encoder",
                        "lexical",
                        "--codes",
                        "8",
                        "--epochs",
                        "2",
                        "--out",
                        tmp.resolve("index.json").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("training   [").contains("indexed in");
        assertThat(r.out()).contains("collisions after").doesNotContain("training   [");
    }

    @Test
    void reportDashPrintsOnlyJsonOnStdoutAndCreatesNoFile() throws Exception {
        Path dash = Path.of(Output.STDOUT);
        assertThat(dash).as("left over by an earlier run").doesNotExist();
        CliTesting.Run r = CliTesting.run("stats", "--report", "-");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode json = JSON.readTree(r.out());
        assertThat(json.get("users").asInt()).isEqualTo(2000);
        // the readable table moved to stderr, with the timing
        assertThat(r.err()).contains("users                  2,000", "loaded in");
        assertThat(dash).doesNotExist();
    }

    @Test
    void reportDashWithQuietLeavesStdoutJsonAndStderrEmpty() throws Exception {
        CliTesting.Run r = CliTesting.run("--quiet", "stats", "--report", "-");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(JSON.readTree(r.out()).get("items").asInt()).isEqualTo(600);
        assertThat(r.err()).isEmpty();
    }

    @Test
    void everyReportOptionAcceptsDash() {
        CommandLine cl = new CommandLine(new Lcrec());
        List<String> options = new ArrayList<>();
        for (CommandLine sub : cl.getSubcommands().values()) {
            for (CommandLine.Model.OptionSpec o : sub.getCommandSpec().options()) {
                if (o.longestName().equals("--report")) {
                    options.add(sub.getCommandName());
                    assertThat(String.join(" ", o.description()))
                            .as(sub.getCommandName())
                            .contains("-: on stdout");
                }
            }
        }
        assertThat(options)
                .contains("stats", "index", "train", "export", "evaluate", "compare", "tasks");
    }

    @Test
    void chartsNeedAReportFileNotStdout(@TempDir Path tmp) {
        CliTesting.Run r =
                CliTesting.run(
                        "index",
                        "--method",
                        "rqkmeans",
                        "--encoder",
                        "lexical",
                        "--out",
                        tmp.resolve("index.json").toString(),
                        "--report",
                        "-",
                        "--charts");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--charts needs --report FILE").contains("found --report -");
    }

    @Test
    void quietLeavesStderrEmptyOnSuccessBeforeOrAfterTheSubcommand() {
        for (String[] args :
                new String[][] {{"--quiet", "stats"}, {"stats", "--quiet"}, {"stats", "-q"}}) {
            CliTesting.Run r = CliTesting.run(args);
            assertThat(r.code()).as(String.join(" ", args)).isZero();
            assertThat(r.err()).as(String.join(" ", args)).isEmpty();
            assertThat(r.out()).contains("users                  2,000");
        }
    }

    @Test
    void quietStillPrintsErrors() {
        CliTesting.Run r = CliTesting.run("--quiet", "stats", "--data", "/nowhere/at/all");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("lcrec: error: ").contains("nowhere");
    }

    @Test
    void helpTextsFormatWithoutPicocliWarnings() {
        // picocli reports a description it cannot format (an unescaped %) on System.err
        PrintStream saved = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        List<String> helps = new ArrayList<>();
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            CommandLine cl = new CommandLine(new Lcrec());
            helps.add(cl.getUsageMessage());
            for (CommandLine sub : cl.getSubcommands().values()) {
                helps.add(sub.getUsageMessage());
            }
        } finally {
            System.setErr(saved);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(String.join("\n", helps))
                .contains("95% bootstrap")
                .doesNotContain("Could not format");
    }

    @Test
    void intervalsAreWholeAndAligned() {
        // the old cut printed "0.000-0.0" for this one
        assertThat(EvaluateCommand.interval(0.0, 0.0123)).isEqualTo("0.000-0.012");
        assertThat(EvaluateCommand.interval(0.05, 0.25)).isEqualTo("0.050-0.250");
        assertThat(EvaluateCommand.interval(0.95, 1.0)).isEqualTo("0.950-1.000");
        // never cut: a negative bound makes it wider than the column, not shorter than its value
        assertThat(EvaluateCommand.interval(-0.25, 0.5)).isEqualTo("-0.250-0.500");
    }

    @Test
    void numbersIgnoreTheDefaultLocale() {
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY); // 2.000 and 0,12 in the default locale
            CliTesting.Run r = CliTesting.run("stats");
            assertThat(r.out()).contains("users                  2,000");
            assertThat(r.err()).containsPattern("loaded in +\\d+\\.\\d\\d s");
            assertThat(EvaluateCommand.interval(0.05, 0.25)).isEqualTo("0.050-0.250");
        } finally {
            Locale.setDefault(saved);
        }
    }
}
