package org.lcrec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every {@code examples/*.jsh} script in a real {@code jshell} with this module's test
 * classpath (the same jars as {@code lcrec-cli/target/lcrec.jar}) and checks that its output holds
 * each line announced by a {@code // expect: TEXT} comment, the figures checked below, and no
 * error. Also checks that {@code examples/quickstart.ipynb} is the scripts as cells, and that bad
 * input in a cell gives a one-line message. Keeps the examples from rotting.
 */
class ExamplesTest {
    private static final Path EXAMPLES = Path.of("..", "examples");

    /**
     * A line jshell prints for a failed snippet: {@code Exception ...}/{@code Error:} when it runs
     * a file, {@code | Exception ...}/{@code | Error:} interactively.
     */
    private static final Pattern FAILURE =
            Pattern.compile("(?m)^(\\|  )?(Exception |Error:|Caused by:)|Exception in thread");

    /** Checks of figures in a script's output beyond its {@code // expect:} lines. */
    private static final Map<String, Consumer<String>> FIGURES =
            Map.of(
                    "02-index.jsh", ExamplesTest::indexFigures,
                    "04-train-recommend.jsh", ExamplesTest::trainingFigures,
                    "05-evaluate-compare.jsh", ExamplesTest::evaluationFigures);

    private static List<Path> scripts() throws IOException {
        List<Path> scripts = new ArrayList<>();
        try (Stream<Path> s = Files.list(EXAMPLES)) {
            s.filter(p -> p.toString().endsWith(".jsh")).sorted().forEach(scripts::add);
        }
        return scripts;
    }

    @TestFactory
    Stream<DynamicTest> everyExampleRunsAndPrintsWhatItPromises() throws IOException {
        List<Path> scripts = scripts();
        assertThat(scripts).hasSizeGreaterThanOrEqualTo(5);
        // in name order: 05 evaluates the model 04 saves
        return scripts.stream()
                .map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> check(p)));
    }

    private static void check(Path script) throws Exception {
        String text = Files.readString(script);
        String output = jshell(text);
        assertThat(FAILURE.matcher(output).find())
                .as("%s ran without an error or exception; output:%n%s", script, output)
                .isFalse();
        for (String line : text.split("\n")) {
            String t = line.strip();
            if (t.startsWith(ExamplesNotebook.EXPECT)) {
                assertThat(output)
                        .as("%s output", script)
                        .contains(t.substring(ExamplesNotebook.EXPECT.length()).strip());
            }
        }
        Consumer<String> figures = FIGURES.get(script.getFileName().toString());
        if (figures != null) {
            figures.accept(output);
        }
    }

    /** Runs a script in jshell from the repository root and returns what it printed. */
    private static String jshell(String text) throws Exception {
        String classpath = libraryClasspath();
        Path jshell = Path.of(System.getProperty("java.home"), "bin", "jshell");
        Path out = Files.createTempFile("example", ".out");
        Path scriptCopy = Files.createTempFile("example", ".jsh");
        // a script that ends without /exit would wait for input
        Files.writeString(scriptCopy, text.contains("/exit") ? text : text + "\n/exit\n");
        Process p =
                new ProcessBuilder(
                                jshell.toString(),
                                "--class-path",
                                classpath,
                                "-R-Xmx3g",
                                "-R-Djava.awt.headless=true",
                                scriptCopy.toString())
                        .directory(Path.of("..").toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(out.toFile())
                        .start();
        boolean finished = p.waitFor(10, TimeUnit.MINUTES);
        String output = Files.readString(out, StandardCharsets.UTF_8);
        Files.deleteIfExists(out);
        Files.deleteIfExists(scriptCopy);
        if (!finished) {
            p.destroyForcibly();
        }
        assertThat(finished).as("finished within 10 minutes; output:%n%s", output).isTrue();
        return output;
    }

    /**
     * The test classpath without lcrec-cli's own classes and the CLI-only picocli: the examples are
     * stories for library users, so they must run on the library modules alone.
     */
    static String libraryClasspath() {
        String full =
                System.getProperty(
                        "surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> kept = new ArrayList<>();
        for (String entry : full.split(java.io.File.pathSeparator)) {
            String e = entry.replace('\\', '/');
            boolean cli =
                    e.contains("/lcrec-cli/target/")
                            || e.contains("/lcrec-cli-")
                            || e.contains("/info/picocli/");
            if (!cli && !entry.isBlank()) {
                kept.add(entry);
            }
        }
        return String.join(java.io.File.pathSeparator, kept);
    }

    /** Every level's histogram line: codes used within the codebook, blocks drawn. */
    private static void indexFigures(String output) {
        Matcher m =
                Pattern.compile("level ([a-z]) +(\\d+)/(\\d+) codes .* items/code  (.+)")
                        .matcher(output);
        int levels = 0;
        while (m.find()) {
            int used = Integer.parseInt(m.group(2));
            int codes = Integer.parseInt(m.group(3));
            assertThat(used).as("codes used at level %s", m.group(1)).isBetween(1, codes);
            assertThat(m.group(4)).as("histogram of level %s", m.group(1)).containsPattern("[▁-█]");
            levels++;
        }
        assertThat(levels).as("histogram lines").isEqualTo(3);
        assertThat(Path.of("..", "target", "examples", "code-usage.png")).isRegularFile();
    }

    /**
     * The bundle reached a validation NDCG@10 above the random ranking's (10 of 600 items: about
     * 0.007); the top 5 are 5 distinct real items.
     */
    private static void trainingFigures(String output) {
        Matcher m = Pattern.compile("validation=\\{[^}]*ndcg@10=([0-9.Ee-]+)").matcher(output);
        assertThat(m.find()).as("validation metrics in%n%s", output).isTrue();
        assertThat(Double.parseDouble(m.group(1))).isGreaterThan(0.01);
        Matcher rec = Pattern.compile("(?m)^(<a_\\d+><b_\\d+><c_\\d+>) +-?\\d").matcher(output);
        List<String> ids = new ArrayList<>();
        while (rec.find()) {
            ids.add(rec.group(1));
        }
        assertThat(ids).hasSize(5).doesNotHaveDuplicates();
        Path bundle = Path.of("..", "target", "examples", "tiny-bundle");
        assertThat(bundle.resolve("model.onnx")).isRegularFile();
        assertThat(bundle.resolve("manifest.json")).isRegularFile();
    }

    /** Metrics are probabilities; HR@k grows with k; the comparison has a row per metric. */
    private static void evaluationFigures(String output) {
        Matcher m =
                Pattern.compile(
                                "(?m)^mean +([0-9.]+) +([0-9.]+) +([0-9.]+) +([0-9.]+) +([0-9.]+)"
                                        + " +([0-9.]+)$")
                        .matcher(output);
        int tables = 0;
        while (m.find()) {
            double hr1 = Double.parseDouble(m.group(1));
            double hr5 = Double.parseDouble(m.group(2));
            double hr10 = Double.parseDouble(m.group(3));
            assertThat(hr1).isBetween(0.0, 1.0);
            assertThat(hr5).isBetween(hr1, 1.0);
            assertThat(hr10).isBetween(hr5, 1.0);
            tables++;
        }
        assertThat(tables).as("evaluation tables").isEqualTo(2);
        assertThat(
                        Pattern.compile("(?m)^seqrec-sequence +(hr|ndcg)@(1|5|10) +100 ")
                                .matcher(output)
                                .results())
                .hasSize(6);
        assertThat(Path.of("..", "target", "examples", "eval-trie.json")).isRegularFile();
        assertThat(Path.of("..", "target", "examples", "metrics.png")).isRegularFile();
    }

    @Test
    void notebookCellsAreTheScripts() throws IOException {
        Path notebook = EXAMPLES.resolve("quickstart.ipynb");
        List<ExamplesNotebook.Cell> expected = ExamplesNotebook.cells(scripts());
        if (Boolean.getBoolean("lcrec.examples.writeNotebook")) {
            ExamplesNotebook.write(notebook, expected);
        }
        assertThat(notebook).isRegularFile();
        List<ExamplesNotebook.Cell> actual = ExamplesNotebook.read(notebook);
        assertThat(actual)
                .as(
                        "%s cells equal the scripts' (regenerate with"
                                + " -Dlcrec.examples.writeNotebook=true)",
                        notebook)
                .containsExactlyElementsOf(expected);
        assertThat(actual.stream().filter(ExamplesNotebook.Cell::setup)).hasSize(1);
        assertThat(Files.readString(notebook))
                .contains("\"kernelspec\"", "\"language\" : \"java\"");
    }

    @Test
    void badInputInACellGivesAOneLineMessageNamingTheProblem() throws Exception {
        String output =
                jshell(
                        String.join(
                                "\n",
                                "import org.lcrec.core.*;",
                                "var d = Dataset.load(\"nope\");",
                                "var data = Dataset.synthetic();",
                                "data.items().get(99999);",
                                "data.index().get(99999);",
                                "org.lcrec.quantization.IndexGenerator.fromTexts(data.items(),"
                                        + " \"fast\");",
                                "/exit"));
        List<String> failures =
                output.lines().filter(l -> FAILURE.matcher(l).find()).map(String::strip).toList();
        assertThat(failures)
                .as("one line per bad cell, in order; output:%n%s", output)
                .containsExactly(
                        "Exception org.lcrec.core.DatasetException: nope: expected a dataset"
                                + " directory, found nothing (no such directory)",
                        "Exception org.lcrec.core.DatasetException: item catalog: unknown item id"
                                + " 99999",
                        "Exception org.lcrec.core.DatasetException: semantic index: item 99999"
                                + " has no index",
                        "Exception org.lcrec.quantization.QuantizationException: unknown RQ-VAE"
                                + " preset \"fast\"; expected lcrec-paper or cpu");
    }
}
