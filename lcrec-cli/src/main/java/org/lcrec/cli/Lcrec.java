package org.lcrec.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import org.lcrec.core.DatasetException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code lcrec} command: subcommands that compose the SDK's modules. Each prints readable
 * figures on the terminal and, with {@code --report FILE}, a JSON summary. Without {@code --data}
 * every command runs on the embedded synthetic dataset.
 */
@Command(
        name = "lcrec",
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
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

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
        cl.setExecutionExceptionHandler(
                (ex, commandLine, parseResult) -> {
                    if (ex instanceof DatasetException
                            || ex instanceof IllegalArgumentException
                            || ex instanceof IllegalStateException
                            || ex instanceof UncheckedIOException) {
                        commandLine.getErr().println("lcrec: error: " + ex.getMessage());
                        commandLine.getErr().flush();
                        return 2;
                    }
                    throw ex;
                });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** Reports the SDK version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Lcrec.class.getPackage().getImplementationVersion();
            return new String[] {"lcrec " + (v == null ? "development build" : v)};
        }
    }
}
