package org.lcrec.inference.render;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.lcrec.inference.EvaluationResult;
import org.lcrec.inference.PairedComparison;

/**
 * Plain-text tables of evaluation results, aligned for a terminal or a notebook cell (the layout
 * {@code lcrec evaluate} and {@code lcrec compare} print).
 */
public final class Tables {
    private Tables() {}

    /**
     * One row per template with its metrics and 95% intervals, then the mean, min and max over
     * templates.
     *
     * @param r an evaluation result
     * @return the table, lines separated by {@code \n}
     */
    public static String evaluation(EvaluationResult r) {
        List<String> names = List.copyOf(r.mean().keySet());
        StringBuilder b = new StringBuilder();
        b.append(
                String.format(
                        Locale.ROOT,
                        "%s: %s constraint, %s split, %d sample(s)%s%n",
                        r.model(),
                        r.constraint().toLowerCase(Locale.ROOT).replace('_', '-'),
                        r.split(),
                        r.templates().get(0).samples(),
                        r.excludeHistory() ? ", history items excluded" : ""));
        b.append(String.format(Locale.ROOT, "%-14s", "template"));
        for (String n : names) {
            b.append(String.format(Locale.ROOT, " %9s", n));
        }
        b.append('\n');
        for (EvaluationResult.TemplateResult t : r.templates()) {
            b.append(String.format(Locale.ROOT, "%-14s", t.name()));
            for (String n : names) {
                b.append(String.format(Locale.ROOT, " %9.4f", t.metrics().get(n)));
            }
            b.append('\n');
        }
        row(b, "mean", r.mean(), names);
        row(b, "min", r.min(), names);
        row(b, "max", r.max(), names);
        return b.toString();
    }

    private static void row(StringBuilder b, String label, Map<String, Double> m, List<String> n) {
        b.append(String.format(Locale.ROOT, "%-14s", label));
        for (String k : n) {
            b.append(String.format(Locale.ROOT, " %9.4f", m.get(k)));
        }
        b.append('\n');
    }

    /**
     * The paired comparison B − A: per template and metric the users, both means, the difference
     * with its bootstrap interval and the two p-values.
     *
     * @param rows from {@link PairedComparison#compare}
     * @param nameA what A is
     * @param nameB what B is
     * @return the table, lines separated by {@code \n}
     */
    public static String comparison(List<PairedComparison.Row> rows, String nameA, String nameB) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "B - A, with A = %s and B = %s%n", nameA, nameB));
        b.append(
                String.format(
                        Locale.ROOT,
                        "%-14s %-8s %6s %8s %8s %9s %21s %8s %8s%n",
                        "template",
                        "metric",
                        "users",
                        "A",
                        "B",
                        "B-A",
                        "95% CI",
                        "t-test p",
                        "wilcoxon"));
        for (PairedComparison.Row r : rows) {
            b.append(
                    String.format(
                            Locale.ROOT,
                            "%-14s %-8s %6d %8.4f %8.4f %+9.4f [%+8.4f, %+8.4f] %8.2g %8.2g%n",
                            r.template(),
                            r.metric(),
                            r.users(),
                            r.meanA(),
                            r.meanB(),
                            r.difference(),
                            r.low(),
                            r.high(),
                            r.tTestP(),
                            r.wilcoxonP()));
        }
        return b.toString();
    }
}
