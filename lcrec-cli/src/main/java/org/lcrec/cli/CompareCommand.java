package org.lcrec.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lcrec.inference.EvaluationResult;
import org.lcrec.inference.PairedComparison;
import org.lcrec.inference.render.Tables;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code lcrec compare A.json B.json}: paired comparison of two evaluation results over their
 * shared users (difference, bootstrap interval, paired t-test and Wilcoxon signed-rank p-values).
 */
@Command(
        name = "compare",
        mixinStandardHelpOptions = true,
        description =
                "Paired significance test between two `lcrec evaluate` reports (B - A per template"
                        + " and metric).")
public final class CompareCommand implements Runnable {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "A.json", description = "First evaluation report.")
    Path a;

    @Parameters(index = "1", paramLabel = "B.json", description = "Second evaluation report.")
    Path b;

    @Option(names = "--metric", description = "Only this metric (e.g. ndcg@10).")
    String metric;

    @Option(names = "--bootstrap", defaultValue = "1000", description = "Bootstrap resamples.")
    int bootstrap;

    @Option(names = "--seed", defaultValue = "2024", description = "Bootstrap seed.")
    long seed;

    @Option(
            names = "--report",
            paramLabel = "FILE",
            description = "Write the rows as JSON (-: on stdout instead of the table).")
    Path report;

    @Override
    public void run() {
        Output output = Output.of(spec, report);
        PrintWriter o = output.results();
        List<PairedComparison.Row> rows =
                PairedComparison.compare(
                        EvaluationResult.read(a), EvaluationResult.read(b), bootstrap, 0.95, seed);
        if (metric != null) {
            rows = rows.stream().filter(r -> r.metric().equals(metric)).toList();
            if (rows.isEmpty()) {
                throw new IllegalArgumentException(
                        "--metric " + metric + ": not in both reports (try hr@10 or ndcg@10)");
            }
        }
        print(o, rows, label(a, b), label(b, a));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("version", 1);
        json.put("a", a.toString());
        json.put("b", b.toString());
        json.put("rows", rows);
        output.report(json);
        output.flush();
    }

    static void print(PrintWriter o, List<PairedComparison.Row> rows, String nameA, String nameB) {
        o.print(Tables.comparison(rows, nameA, nameB));
    }

    /** The file name, with its folder when the other file has the same name. */
    private static String label(Path file, Path other) {
        String name = file.getFileName().toString();
        Path parent = file.toAbsolutePath().getParent();
        if (!name.equals(other.getFileName().toString()) || parent == null) {
            return name;
        }
        return parent.getFileName() + "/" + name;
    }
}
