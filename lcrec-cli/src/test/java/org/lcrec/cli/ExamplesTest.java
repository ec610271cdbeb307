package org.lcrec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every {@code examples/*.jsh} script in a real {@code jshell} with this module's test
 * classpath (the same jars as {@code lcrec-cli/target/lcrec.jar}) and checks that its output holds
 * each line announced by a {@code // expect: TEXT} comment and no error. Keeps the examples from
 * rotting.
 */
class ExamplesTest {
    private static final Path EXAMPLES = Path.of("..", "examples");

    @TestFactory
    Stream<DynamicTest> everyExampleRunsAndPrintsWhatItPromises() throws IOException {
        List<Path> scripts = new ArrayList<>();
        try (Stream<Path> s = Files.list(EXAMPLES)) {
            s.filter(p -> p.toString().endsWith(".jsh")).sorted().forEach(scripts::add);
        }
        assertThat(scripts).isNotEmpty();
        return scripts.stream()
                .map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> check(p)));
    }

    private static void check(Path script) throws Exception {
        String classpath =
                System.getProperty(
                        "surefire.test.class.path", System.getProperty("java.class.path"));
        Path jshell = Path.of(System.getProperty("java.home"), "bin", "jshell");
        Path out = Files.createTempFile("example", ".out");
        Path scriptCopy = Files.createTempFile("example", ".jsh");
        // a script that ends without /exit would wait for input
        String text = Files.readString(script);
        Files.writeString(scriptCopy, text.contains("/exit") ? text : text + "\n/exit\n");
        Process p =
                new ProcessBuilder(
                                jshell.toString(),
                                "--class-path",
                                classpath,
                                "-R-Xmx3g",
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
        assertThat(finished)
                .as("%s finished within 10 minutes; output:%n%s", script, output)
                .isTrue();
        assertThat(output)
                .as("%s output", script)
                .doesNotContain("|  Error:")
                .doesNotContain("|  Exception")
                .doesNotContain("Exception in thread");
        for (String line : text.split("\n")) {
            String t = line.strip();
            if (t.startsWith("// expect:")) {
                assertThat(output)
                        .as("%s output", script)
                        .contains(t.substring("// expect:".length()).strip());
            }
        }
    }
}
