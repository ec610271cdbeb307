package org.lcrec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lcrec.core.Dataset;
import org.lcrec.core.LeaveOneOut;
import org.lcrec.core.Split;
import org.lcrec.inference.EvaluationResult;
import org.lcrec.inference.Recommendation;
import org.lcrec.inference.Recommender;

/**
 * A consumer project that depends on lcrec-inference alone: the README's Java example and a small
 * scoring program are compiled against lcrec-inference's packaged jar and its runtime classpath as
 * Maven resolves it ({@code target/runtime-classpath.txt}, written at package time), and run in a
 * separate JVM on the bundle {@code reproduce} wrote. The program must give exactly the ranks of
 * reproduce's test stage for every scored user.
 */
class ConsumerProjectTest {
    private static final Path INFERENCE = Path.of("..", "lcrec-inference", "target");

    /** Largest classpath the issue allows a consumer of lcrec-inference, ONNX Runtime included. */
    private static final long CLASSPATH_BUDGET = 85L << 20;

    private static final String CONFIG =
            """
            {"name": "consumer", "data": null, "index": "rqkmeans", "indexPreset": "cpu",
             "indexCodes": 16, "embedder": "lexical", "mixes": [["seqrec"]], "model": "cpu-tiny",
             "epochs": 1, "learningRate": 0.003, "batchSize": 64, "maxLength": 160,
             "maxSamples": 0, "maxHistory": 20, "beams": 5, "templates": [0], "validUsers": 20,
             "testUsers": 120, "evaluateEvery": 0, "seed": 11, "form": "sequence",
             "sasrec": false}
            """;

    /** Reads histories (user, then item ids, tab-separated) and prints each user's top 20. */
    private static final String SCORER =
            """
            import java.nio.file.Files;
            import java.nio.file.Path;
            import java.util.ArrayList;
            import java.util.Arrays;
            import java.util.List;
            import org.lcrec.inference.Recommendation;
            import org.lcrec.inference.Recommender;

            public class Scorer {
                public static void main(String[] args) throws Exception {
                    List<String> users = new ArrayList<>();
                    List<int[]> histories = new ArrayList<>();
                    for (String line : Files.readAllLines(Path.of(args[1]))) {
                        String[] f = line.split("\\t");
                        users.add(f[0]);
                        histories.add(Arrays.stream(f, 1, f.length).mapToInt(Integer::parseInt).toArray());
                    }
                    try (Recommender r = Recommender.open(Path.of(args[0]))) {
                        List<Recommendation> recs = r.recommendAll(histories, 20, 0);
                        for (int u = 0; u < users.size(); u++) {
                            System.out.println(users.get(u) + "\\t" + Arrays.toString(recs.get(u).itemIds()));
                        }
                    }
                }
            }
            """;

    @Test
    void aProgramOnLcrecInferenceAloneGetsReproducesRankings(@TempDir Path tmp) throws Exception {
        List<Path> classpath = consumerClasspath();
        long bytes = 0;
        for (Path p : classpath) {
            bytes += Files.size(p);
            String name = p.getFileName().toString();
            assertThat(name).doesNotStartWith("lcrec-model").doesNotContain("minilm");
        }
        assertThat(bytes).as("consumer classpath bytes").isLessThan(CLASSPATH_BUDGET);

        Path config = tmp.resolve("consumer.json");
        Files.writeString(config, CONFIG);
        Path run = tmp.resolve("run");
        CliTesting.Run r =
                CliTesting.run("reproduce", "--config", config.toString(), "--out", run.toString());
        assertThat(r.code()).as(r.err()).isZero();
        Path bundle = run.resolve("train-seqrec/bundle");
        EvaluationResult test = EvaluationResult.read(run.resolve("test-seqrec/evaluation.json"));
        EvaluationResult.TemplateResult t = test.templates().get(0);
        assertThat(t.samples()).isEqualTo(120);

        // the test stage's users and histories, as lcrec-core's leave-one-out gives them
        List<LeaveOneOut.Sample> samples =
                new LeaveOneOut(20).list(Dataset.synthetic().interactions(), Split.TEST);
        StringBuilder lines = new StringBuilder();
        for (int u = 0; u < t.samples(); u++) {
            LeaveOneOut.Sample s = samples.get(u);
            assertThat(s.user()).isEqualTo(t.users().get(u));
            lines.append(s.user());
            for (int item : s.history()) {
                lines.append('\t').append(item);
            }
            lines.append('\n');
        }
        Path histories = tmp.resolve("histories.tsv");
        Files.writeString(histories, lines);

        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(src.resolve("Recommend.java"), readmeExample());
        Files.writeString(src.resolve("Scorer.java"), SCORER);
        Path classes = Files.createDirectories(tmp.resolve("classes"));
        String cp =
                classpath.stream()
                        .map(Path::toString)
                        .collect(Collectors.joining(File.pathSeparator));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc =
                javac.run(
                        null,
                        null,
                        null,
                        "-d",
                        classes.toString(),
                        "-cp",
                        cp,
                        src.resolve("Recommend.java").toString(),
                        src.resolve("Scorer.java").toString());
        assertThat(rc).as("javac exit code").isZero();
        String runCp = classes + File.pathSeparator + cp;

        String readme = java(runCp, "Recommend", bundle.toString());
        assertThat(readme).contains("Recommendation(");

        String scored = java(runCp, "Scorer", bundle.toString(), histories.toString());
        List<String> out = scored.lines().filter(l -> !l.isBlank()).toList();
        assertThat(out).hasSize(t.samples());
        // whole top-20 lists: the same as this JVM's recommender on the bundle
        List<int[]> hs = new ArrayList<>();
        for (int u = 0; u < t.samples(); u++) {
            hs.add(samples.get(u).history());
        }
        List<Recommendation> here;
        try (Recommender rec = Recommender.open(bundle)) {
            here = rec.recommendAll(hs, 20, 0);
        }
        assertThat(Arrays.stream(t.ranks()).filter(x -> x > 0).count())
                .as("test items found in the top 20")
                .isGreaterThan(3);
        for (int u = 0; u < out.size(); u++) {
            String[] f = out.get(u).split("\t");
            assertThat(f[0]).isEqualTo(t.users().get(u));
            int[] items =
                    Arrays.stream(f[1].replaceAll("[\\[\\] ]", "").split(","))
                            .mapToInt(Integer::parseInt)
                            .toArray();
            assertThat(items).isEqualTo(here.get(u).itemIds());
            int rank = 0;
            for (int i = 0; i < items.length; i++) {
                if (items[i] == samples.get(u).target()) {
                    rank = i + 1;
                }
            }
            assertThat(rank).as("rank of user %s's test item", f[0]).isEqualTo(t.ranks()[u]);
        }
    }

    /** lcrec-inference's jar and its runtime dependencies, as Maven resolved them. */
    private static List<Path> consumerClasspath() throws IOException {
        Path file = INFERENCE.resolve("runtime-classpath.txt");
        Path jar = null;
        if (Files.isDirectory(INFERENCE)) {
            try (var s = Files.list(INFERENCE)) {
                jar =
                        s.filter(
                                        p -> {
                                            String n = p.getFileName().toString();
                                            return n.startsWith("lcrec-inference-")
                                                    && n.endsWith(".jar")
                                                    && !n.endsWith("-tests.jar")
                                                    && !n.endsWith("-sources.jar")
                                                    && !n.endsWith("-javadoc.jar");
                                        })
                                .findFirst()
                                .orElse(null);
            }
        }
        boolean ready = jar != null && Files.isRegularFile(file);
        if (!ready && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException(
                    INFERENCE + ": no packaged lcrec-inference jar or runtime-classpath.txt");
        }
        Assumptions.assumeTrue(
                ready,
                "lcrec-inference is not packaged (run mvn package or verify): skipping the consumer"
                        + " project test");
        List<Path> out = new ArrayList<>();
        out.add(jar.toAbsolutePath());
        for (String p :
                Files.readString(file, StandardCharsets.UTF_8).trim().split(File.pathSeparator)) {
            if (!p.isBlank()) {
                out.add(Path.of(p));
            }
        }
        return out;
    }

    /** The README's {@code java:recommend} example. */
    private static String readmeExample() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher m =
                Pattern.compile("<!-- java:recommend -->\\s*```java\\n(.*?)```", Pattern.DOTALL)
                        .matcher(readme);
        assertThat(m.find()).as("README has a java:recommend example").isTrue();
        return m.group(1);
    }

    private static String java(String classpath, String main, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(main);
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
