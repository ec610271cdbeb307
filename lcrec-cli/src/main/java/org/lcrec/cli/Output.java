package org.lcrec.cli;

import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Where a command writes. Results (tables, JSON reports) go to standard output; progress bars,
 * stage lines and timings go to standard error, and nowhere with {@code --quiet}. Errors are not
 * written here: {@link Lcrec} prints them on standard error whatever the options.
 *
 * <p>With {@code --report -} the JSON report is the only content of standard output, so that it can
 * be piped into another program; the readable table then moves to standard error (and is dropped
 * with {@code --quiet}).
 *
 * @implNote not thread-safe, like the {@link PrintWriter}s it hands out; one per command run.
 */
public final class Output {
    /** The {@code --report} value that means standard output. */
    public static final String STDOUT = "-";

    private final PrintWriter stdout;
    private final PrintWriter progress;
    private final PrintWriter results;
    private final Path report;
    private final boolean quiet;

    private Output(CommandSpec spec, Path report) {
        this.quiet = quiet(spec);
        this.stdout = spec.commandLine().getOut();
        this.progress = quiet ? new PrintWriter(Writer.nullWriter()) : spec.commandLine().getErr();
        this.results = isStdout(report) ? progress : stdout;
        this.report = report;
    }

    /**
     * @param spec the running command
     * @return the streams of a command without a JSON report
     */
    public static Output of(CommandSpec spec) {
        return new Output(spec, null);
    }

    /**
     * @param spec the running command
     * @param report the {@code --report} value: a file, {@value #STDOUT} for standard output, or
     *     {@code null} for none
     * @return the streams of the command
     */
    public static Output of(CommandSpec spec, Path report) {
        return new Output(spec, report);
    }

    /**
     * @param spec a command of the {@code lcrec} tree
     * @return whether {@code --quiet} was given (on the top command or on a subcommand)
     */
    public static boolean quiet(CommandSpec spec) {
        return spec.root().userObject() instanceof Lcrec top && top.quiet;
    }

    /**
     * @param report a {@code --report} value, or {@code null}
     * @return whether it names standard output
     */
    public static boolean isStdout(Path report) {
        return report != null && report.toString().equals(STDOUT);
    }

    /**
     * @return the readable results: standard output, or standard error with {@code --report -}
     */
    public PrintWriter results() {
        return results;
    }

    /**
     * @return progress bars, stage lines and timings: standard error, or a sink with {@code
     *     --quiet}
     */
    public PrintWriter progress() {
        return progress;
    }

    /**
     * @return whether progress is suppressed
     */
    public boolean quiet() {
        return quiet;
    }

    /**
     * The report as a file, for outputs written next to it (charts).
     *
     * @param option the option that needs the file, for the message
     * @return the report file
     * @throws IllegalArgumentException without {@code --report FILE}, or with {@code --report -}
     */
    public Path reportFile(String option) {
        if (report == null || isStdout(report)) {
            throw new IllegalArgumentException(
                    option
                            + " needs --report FILE (written next to it), found "
                            + (report == null ? "no --report" : "--report -"));
        }
        return report;
    }

    /**
     * Writes the JSON report: atomically to the file, or as the whole of standard output with
     * {@code --report -}; nothing without {@code --report}.
     *
     * @param content the report (maps, lists, records, numbers, strings)
     */
    public void report(Object content) {
        if (isStdout(report)) {
            stdout.println(Reports.toJson(content));
            stdout.flush();
        } else {
            Reports.write(report, content);
        }
    }

    /** Flushes both streams. */
    public void flush() {
        results.flush();
        progress.flush();
    }

    @Override
    public String toString() {
        return "Output(report=" + report + ", quiet=" + quiet + ")";
    }
}
