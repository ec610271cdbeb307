package org.lcrec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Bad input exits 2 with one line; an internal failure exits 1, its trace behind --debug. */
class ErrorReportingTest {
    private static String[] handle(Exception ex, String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new Lcrec());
        cl.setErr(new PrintWriter(err));
        cl.parseArgs(args);
        int code = Lcrec.handle(ex, cl);
        return new String[] {Integer.toString(code), err.toString()};
    }

    @Test
    void badInputIsOneLineWithExitTwo() {
        String[] r = handle(new IllegalArgumentException("--k: expected >= 1, found 0"));
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[1])
                .isEqualTo("lcrec: error: --k: expected >= 1, found 0" + System.lineSeparator());
        String[] missing =
                handle(new UncheckedIOException("x.json", new NoSuchFileException("x.json")));
        assertThat(missing[0]).isEqualTo("2");
    }

    @Test
    void internalFailuresExitOneWithTheCauseAndTheTraceOnlyUnderDebug() {
        Exception bug =
                new IllegalStateException(
                        "stage train failed", new IOException("No space left on device"));
        String[] plain = handle(bug);
        assertThat(plain[0]).isEqualTo("1");
        assertThat(plain[1])
                .contains(
                        "lcrec: internal error in lcrec: IllegalStateException: stage train failed"
                                + " <- IOException: No space left on device",
                        "--debug prints the stack trace")
                .doesNotContain("\tat ");
        String[] debug = handle(bug, "--debug");
        assertThat(debug[0]).isEqualTo("1");
        assertThat(debug[1]).contains("\tat ").contains("Caused by: java.io.IOException");
        // an I/O failure that is not about the user's files is internal too
        assertThat(
                        Lcrec.isBadInput(
                                new UncheckedIOException(
                                        "write", new IOException("No space left on device"))))
                .isFalse();
    }
}
