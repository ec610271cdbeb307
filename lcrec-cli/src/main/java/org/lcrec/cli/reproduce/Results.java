package org.lcrec.cli.reproduce;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.lcrec.cli.ProgressBar;
import org.lcrec.cli.pipeline.Pipeline;
import org.lcrec.inference.PairedComparison;

/** Renders a reproduce run as {@code results.md} and {@code results.json}. */
final class Results {
    /**
     * A paired comparison of two task mixes on one template and metric.
     *
     * @param mix the mix compared (B)
     * @param baseline the mix it is compared against (A)
     * @param row B − A over the shared test users
     */
    record MixComparison(String mix, String baseline, PairedComparison.Row row) {}

    private Results() {}

    @SuppressWarnings("unchecked")
    static String markdown(
            ReproduceConfig cfg,
            Path data,
            List<Pipeline.StageResult> stages,
            List<MixComparison> paired,
            double seconds) {
        String[] cols = ReproduceCommand.table();
        StringBuilder sb = new StringBuilder();
        sb.append("# LC-Rec reproduction: ").append(cfg.name()).append("\n\n");
        sb.append("Dataset: ")
                .append(data == null ? "synthetic (seed 42)" : data.toString())
                .append(". ");
        sb.append("Index: ")
                .append(cfg.index())
                .append(". Model: ")
                .append(cfg.model())
                .append(", ")
                .append(cfg.epochs())
                .append(" epoch(s) at most")
                .append(
                        cfg.patience() > 0
                                ? " (early stopping, patience " + cfg.patience() + ")"
                                : "")
                .append(", seqrec trained ")
                .append(
                        cfg.sequenceForm()
                                ? "as one sequence per user window (loss at every target)"
                                : "as one prompt per target position (LC-Rec)")
                .append(", ")
                .append(cfg.compactVocabulary() ? "compact" : "full")
                .append(" vocabulary, dropout ")
                .append(cfg.dropout())
                .append(", seed ")
                .append(cfg.seed())
                .append(
                        cfg.members() > 1
                                ? "; "
                                        + cfg.members()
                                        + " models per mix (seeds "
                                        + cfg.seed()
                                        + ", +1000, ...) decoded as one ensemble, the mean of"
                                        + " their next-token distributions"
                                : "")
                .append(".\n\n");
        sb.append("Rules for every row: leave-one-out test, history <= ")
                .append(cfg.maxHistory())
                .append("; items already in the history ")
                .append(
                        cfg.excludeHistory()
                                ? "are never recommended"
                                : "may be recommended (LC-Rec)")
                .append("; the baselines count only what the model trains on (each sequence minus")
                .append(" its validation and test item). The model decodes with ")
                .append(cfg.beams())
                .append(" beams under the item trie; ")
                .append(
                        cfg.sequenceForm()
                                ? "its prompt is the sequence form's own template"
                                : "metrics are the mean over seqrec templates " + cfg.templates())
                .append(". Validation: ")
                .append(
                        cfg.validUsers() == 0
                                ? "all"
                                : cfg.validUsers() + " randomly drawn (seeded)")
                .append(" users.\n\n");
        sb.append("| model | users |");
        for (String c : cols) {
            sb.append(' ').append(c).append(" |");
        }
        sb.append("\n|---|---|");
        sb.append("---|".repeat(cols.length)).append('\n');
        for (Pipeline.StageResult s : stages) {
            if (s.name().startsWith("test-")) {
                String mix = s.name().substring(5);
                Object members = s.figures().get("members");
                Map<String, Double> mean = (Map<String, Double>) s.figures().get("mean");
                row(
                        sb,
                        "LC-Rec ("
                                + mix
                                + (members == null ? "" : ", ensemble of " + members)
                                + ")",
                        s.figures().get("users"),
                        mean,
                        cols);
                if (members != null) {
                    row(
                            sb,
                            "LC-Rec (" + mix + ", member 1 alone)",
                            s.figures().get("users"),
                            (Map<String, Double>) s.figures().get("member1"),
                            cols);
                }
            }
        }
        for (Pipeline.StageResult s : stages) {
            if (s.name().equals("baselines")) {
                for (Map.Entry<String, Object> e : s.figures().entrySet()) {
                    row(sb, e.getKey(), "", (Map<String, Double>) e.getValue(), cols);
                }
            }
        }
        StringBuilder gaps = new StringBuilder();
        for (Pipeline.StageResult s : stages) {
            if (s.name().startsWith("test-")) {
                String mix = s.name().substring(5);
                // the validation is member 1's, so the test it is set against is member 1's too
                Object alone = s.figures().get("member1");
                Map<String, Double> tested =
                        (Map<String, Double>) (alone != null ? alone : s.figures().get("mean"));
                double test = num(tested.get("ndcg@10"));
                for (Pipeline.StageResult t : stages) {
                    if (t.name().equals("train-" + mix)) {
                        double valid = num(keptValidation(t.figures()));
                        gaps.append(
                                String.format(
                                        Locale.ROOT,
                                        "| %s | %.4f | %.4f | %+.4f |%n",
                                        mix,
                                        valid,
                                        test,
                                        test - valid));
                    }
                }
            }
        }
        if (gaps.length() > 0) {
            sb.append("\nValidation (the kept checkpoint; member 1's in an ensemble) against")
                    .append(" test, NDCG@10:\n\n")
                    .append("| mix | validation | test | test - validation |\n|---|---|---|---|\n")
                    .append(gaps);
        }
        if (!paired.isEmpty()) {
            sb.append("\nPaired over the test users (difference of means, 95% bootstrap interval,")
                    .append(" two-sided p-values):\n\n")
                    .append("| B | A | template | metric | users | B - A | 95% CI | t-test p |")
                    .append(" Wilcoxon p |\n|---|---|---|---|---|---|---|---|---|\n");
            for (MixComparison c : paired) {
                PairedComparison.Row r = c.row();
                sb.append(
                        String.format(
                                Locale.ROOT,
                                "| %s | %s | %s | %s | %d | %+.4f | [%+.4f, %+.4f] | %.2g | %.2g |%n",
                                c.mix(),
                                c.baseline(),
                                r.template(),
                                r.metric(),
                                r.users(),
                                r.difference(),
                                r.low(),
                                r.high(),
                                r.tTestP(),
                                r.wilcoxonP()));
            }
        }
        sb.append("\n| stage | time | |\n|---|---|---|\n");
        for (Pipeline.StageResult s : stages) {
            sb.append("| ")
                    .append(s.name())
                    .append(" | ")
                    .append(
                            s.reused()
                                    ? "reused (took " + ProgressBar.clock(s.seconds()) + ")"
                                    : ProgressBar.clock(s.seconds()))
                    .append(" | ")
                    .append(note(s))
                    .append(" |\n");
        }
        sb.append("| total (this run) | ").append(ProgressBar.clock(seconds)).append(" | |\n");
        return sb.toString();
    }

    private static String note(Pipeline.StageResult s) {
        Map<String, Object> f = s.figures();
        if (s.name().startsWith("train-")) {
            String resumed =
                    num(f.get("resumedFromStep")) > 0
                            ? ", resumed from step " + f.get("resumedFromStep")
                            : "";
            return String.format(
                    Locale.ROOT,
                    "%s samples, %s steps, final loss %.4f, kept the %s checkpoint: validation"
                            + " NDCG@10 %.4f at step %s%s",
                    f.get("samples"),
                    f.get("steps"),
                    num(f.get("finalLoss")),
                    f.getOrDefault("kept", "best"),
                    num(keptValidation(f)),
                    f.getOrDefault("keptStep", f.get("bestStep")),
                    resumed);
        }
        return "";
    }

    /** The kept checkpoint's validation NDCG@10 (runs before "kept" existed kept the best). */
    private static Object keptValidation(Map<String, Object> trainFigures) {
        return trainFigures.getOrDefault("keptValidNdcg10", trainFigures.get("bestValidNdcg10"));
    }

    private static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static void row(
            StringBuilder sb, String name, Object users, Map<String, Double> m, String[] cols) {
        sb.append("| ").append(name).append(" | ").append(users).append(" |");
        for (String c : cols) {
            Object v = m.get(c.toLowerCase(Locale.ROOT));
            sb.append(String.format(Locale.ROOT, " %.4f |", num(v)));
        }
        sb.append('\n');
    }

    static Map<String, Object> json(
            ReproduceConfig cfg,
            Path data,
            List<Pipeline.StageResult> stages,
            List<MixComparison> paired,
            double seconds) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("config", cfg);
        m.put("data", data == null ? "synthetic" : data.toString());
        Map<String, Object> st = new LinkedHashMap<>();
        for (Pipeline.StageResult s : stages) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("seconds", s.seconds());
            e.put("reused", s.reused());
            e.put("figures", s.figures());
            st.put(s.name(), e);
        }
        m.put("stages", st);
        m.put("paired", paired);
        m.put("totalSeconds", seconds);
        return m;
    }
}
