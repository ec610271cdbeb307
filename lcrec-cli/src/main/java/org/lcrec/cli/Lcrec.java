package org.lcrec.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Properties;
import org.lcrec.core.DatasetException;
import org.lcrec.core.MalformedFileException;
import org.lcrec.core.io.FileChecks;
import org.lcrec.model.encoder.EncoderException;
import org.lcrec.model.llm.CheckpointException;
import org.lcrec.onnx.runtime.ExecutionProviderUnavailableException;
import org.lcrec.onnx.train.CheckpointMismatchException;
import org.lcrec.onnx.train.TrainingDivergedException;
import org.lcrec.quantization.QuantizationException;
import org.lcrec.tasks.llm.LlmException;
import org.lcrec.tokenizers.TokenizerException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code lcrec} command: subcommands that compose the SDK's modules. Each prints readable
 * figures on standard output and, with {@code --report FILE}, a JSON summary ({@code --report -}:
 * on standard output instead). Progress and timings go to standard error, and nowhere with {@code
 * --quiet} (see {@link Output}). Without {@code --data} every command runs on the embedded
 * synthetic dataset.
 */
@Command(
        name = "lcrec",
        // subcommands inherit -h/-V and the version provider, so "lcrec train -V" prints it too
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        versionProvider = Lcrec.Version.class,
        description = "LC-Rec for Java: semantic item IDs and LLM-based generative recommendation.",
        subcommands = {
            StatsCommand.class,
            IndexCommand.class,
            TrainCommand.class,
            ExportCommand.class,
            RecommendCommand.class,
            EvaluateCommand.class,
            CompareCommand.class,
            EmbedCommand.class,
            TokenizeCommand.class,
            TasksCommand.class,
            org.lcrec.cli.reproduce.ReproduceCommand.class,
            CommandLine.HelpCommand.class,
        })
public final class Lcrec implements Runnable {
    /** Written by Maven's resource filtering from {@code src/main/resources-filtered}. */
    static final String VERSION_RESOURCE = "/org/lcrec/cli/version.properties";

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    /** Read through {@link Output#quiet}; set whether given before or after the subcommand. */
    @Option(
            names = {"-q", "--quiet"},
            scope = ScopeType.INHERIT,
            description = "No progress or timing lines on stderr (results and errors still print).")
    boolean quiet;

    /** Internal failures print their stack trace (bad input still prints one line). */
    @Option(
            names = "--debug",
            scope = ScopeType.INHERIT,
            description = "Print the stack trace of an internal failure.")
    boolean debug;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        System.exit(
                run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /**
     * Runs the command line with the given streams (for tests and embedding).
     *
     * @param out standard output
     * @param err standard error
     * @param args arguments
     * @return the exit code: 0 success, 1 failure, 2 bad input or usage
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Lcrec());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> handle(ex, commandLine));
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /**
     * Reports a failed command: bad input as one line (exit 2), anything else as an internal
     * failure naming the command and the causes (exit 1), with the stack trace under {@code
     * --debug}.
     *
     * @param ex what the command threw
     * @param commandLine the command that threw it
     * @return the exit code
     */
    public static int handle(Exception ex, CommandLine commandLine) {
        PrintWriter e = commandLine.getErr();
        if (isBadInput(ex)) {
            // one line, whatever the message holds (a library message may quote a file's lines)
            e.println("lcrec: error: " + FileChecks.oneLine(ex.getMessage()));
            e.flush();
            return 2;
        }
        boolean debug =
                commandLine.getCommandSpec().root().userObject() instanceof Lcrec top && top.debug;
        e.println(
                "lcrec: internal error in "
                        + commandLine.getCommandName()
                        + ": "
                        + describe(ex)
                        + (debug ? "" : " (--debug prints the stack trace)"));
        if (debug) {
            ex.printStackTrace(e);
        }
        e.flush();
        return 1;
    }

    /**
     * Errors that mean "the input is wrong" (a file, an option, a model that does not fit): shown
     * as one line, exit code 2. Everything else is an internal failure: exit code 1, the command
     * and the cause on one line, the stack trace with {@code --debug}. An I/O error is bad input
     * when it names a missing or unreadable file, internal otherwise (a full disk is not the user's
     * input); {@link IllegalStateException} is always internal.
     */
    static boolean isBadInput(Exception ex) {
        if (ex instanceof UncheckedIOException u) {
            Throwable c = u.getCause();
            return c instanceof java.nio.file.NoSuchFileException
                    || c instanceof java.nio.file.AccessDeniedException
                    || c instanceof java.nio.file.NotDirectoryException
                    || c instanceof java.nio.file.FileAlreadyExistsException
                    || c instanceof java.io.FileNotFoundException
                    || c instanceof java.nio.charset.CharacterCodingException;
        }
        return ex instanceof IllegalArgumentException
                || ex instanceof DatasetException
                || ex instanceof MalformedFileException
                || ex instanceof TokenizerException
                || ex instanceof EncoderException
                || ex instanceof CheckpointException
                || ex instanceof QuantizationException
                || ex instanceof ExecutionProviderUnavailableException
                // a diverged run is a learning rate or data the user chose, not a bug
                // an intact checkpoint of another run in the output directory
                || ex instanceof CheckpointMismatchException
                || ex instanceof TrainingDivergedException
                || ex instanceof LlmException;
    }

    /** An exception and its causes on one line: {@code Type: message <- Cause: message}. */
    static String describe(Throwable ex) {
        StringBuilder b = new StringBuilder();
        java.util.Set<Throwable> seen = new java.util.HashSet<>();
        for (Throwable t = ex; t != null && seen.add(t); t = t.getCause()) {
            if (b.length() > 0) {
                b.append(" <- ");
            }
            b.append(t.getClass().getSimpleName());
            if (t.getMessage() != null) {
                b.append(": ").append(t.getMessage());
            }
        }
        String line = FileChecks.oneLine(b.toString());
        return line.length() > 2000 ? line.substring(0, 1997) + "..." : line;
    }

    /**
     * The SDK version: the jar manifest's {@code Implementation-Version}, else the version Maven
     * wrote into {@value #VERSION_RESOURCE} (classes run from {@code target/classes}, as in tests),
     * else {@code null}.
     *
     * @return the version, e.g. {@code 0.1.0-SNAPSHOT}, or {@code null} when neither is there
     */
    public static String version() {
        String v = Lcrec.class.getPackage().getImplementationVersion();
        if (v != null) {
            return v;
        }
        try (InputStream in = Lcrec.class.getResourceAsStream(VERSION_RESOURCE)) {
            if (in == null) {
                return null;
            }
            Properties p = new Properties();
            p.load(in);
            String filtered = p.getProperty("version");
            // an unfiltered copy (an IDE build that bypassed Maven) still reads ${project.version}
            return filtered == null || filtered.startsWith("$") ? null : filtered;
        } catch (IOException e) {
            return null;
        }
    }

    /** {@code lcrec --version} and every subcommand's {@code -V}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = version();
            return new String[] {
                "lcrec " + (v == null ? "(version unknown: not built by Maven)" : v),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
            };
        }
    }
}
