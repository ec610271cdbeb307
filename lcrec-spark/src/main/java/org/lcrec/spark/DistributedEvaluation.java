package org.lcrec.spark;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BinaryOperator;
import org.lcrec.inference.RankingMetrics;

/**
 * A leave-one-out evaluation run on Spark ({@link DistributedEvaluator}): per template, the exact
 * rank counts and the HR@K / NDCG@K they give, and the mean, min and max across templates as {@code
 * Evaluator} reports them. No bootstrap intervals: those need every sample's rank on one machine
 * ({@link DistributedEvaluator#ranks} has them, one row per sample).
 *
 * @param model a label for what was evaluated
 * @param split test or valid
 * @param ks the cut-offs
 * @param beams beams used
 * @param excludeHistory whether history items were barred from the recommendations
 * @param templates per-template counts, in the order evaluated
 */
public record DistributedEvaluation(
        String model,
        String split,
        int[] ks,
        int beams,
        boolean excludeHistory,
        List<RankCounts> templates) {
    /** Copies. */
    public DistributedEvaluation {
        ks = ks.clone();
        templates = List.copyOf(templates);
        if (templates.isEmpty()) {
            throw new IllegalArgumentException("expected at least one template's counts");
        }
    }

    /**
     * @return a copy of the cut-offs
     */
    @Override
    public int[] ks() {
        return ks.clone();
    }

    /**
     * @param template a template's position in {@link #templates()}
     * @return its metrics, in {@link RankingMetrics#names} order
     */
    public Map<String, Double> metrics(int template) {
        return templates.get(template).metrics(ks);
    }

    /**
     * @return metric → mean over templates
     */
    public Map<String, Double> mean() {
        Map<String, Double> m = across(Double::sum);
        m.replaceAll((k, v) -> v / templates.size());
        return m;
    }

    /**
     * @return metric → min over templates
     */
    public Map<String, Double> min() {
        return across(Math::min);
    }

    /**
     * @return metric → max over templates
     */
    public Map<String, Double> max() {
        return across(Math::max);
    }

    private Map<String, Double> across(BinaryOperator<Double> op) {
        Map<String, Double> out = new LinkedHashMap<>(metrics(0));
        for (int t = 1; t < templates.size(); t++) {
            metrics(t).forEach((k, v) -> out.merge(k, v, op));
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DistributedEvaluation e
                && model.equals(e.model)
                && split.equals(e.split)
                && Arrays.equals(ks, e.ks)
                && beams == e.beams
                && excludeHistory == e.excludeHistory
                && templates.equals(e.templates);
    }

    @Override
    public int hashCode() {
        return templates.hashCode() * 31 + Arrays.hashCode(ks);
    }

    /** A table: one row per template (its samples and metrics), then mean, min and max. */
    @Override
    public String toString() {
        String[] names = RankingMetrics.names(ks);
        StringBuilder sb = new StringBuilder();
        sb.append(
                String.format(
                        Locale.ROOT,
                        "DistributedEvaluation(%s, %s split, %d beams%s)%n",
                        model,
                        split,
                        beams,
                        excludeHistory ? ", history excluded" : ""));
        sb.append(String.format(Locale.ROOT, "%-16s %9s", "template", "samples"));
        for (String n : names) {
            sb.append(String.format(Locale.ROOT, " %8s", n));
        }
        sb.append(System.lineSeparator());
        for (int t = 0; t < templates.size(); t++) {
            row(
                    sb,
                    templates.get(t).template(),
                    Long.toString(templates.get(t).samples()),
                    metrics(t),
                    names);
        }
        if (templates.size() > 1) {
            row(sb, "mean", "", mean(), names);
            row(sb, "min", "", min(), names);
            row(sb, "max", "", max(), names);
        }
        return sb.toString();
    }

    private static void row(
            StringBuilder sb, String name, String samples, Map<String, Double> m, String[] names) {
        sb.append(String.format(Locale.ROOT, "%-16s %9s", name, samples));
        for (String n : names) {
            sb.append(String.format(Locale.ROOT, " %8.4f", m.get(n)));
        }
        sb.append(System.lineSeparator());
    }
}
