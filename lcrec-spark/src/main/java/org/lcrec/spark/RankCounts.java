package org.lcrec.spark;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.lcrec.inference.RankingMetrics;

/**
 * One template's evaluation as exact counts: how many samples put the target at each rank. HR@K and
 * NDCG@K are functions of these counts alone, so partial counts from any number of tasks add up to
 * the counts of one pass, with no average of averages and no dependence on how the samples were
 * split.
 *
 * @param template the template's name
 * @param samples samples evaluated (skipped ones included, at rank 0)
 * @param skippedSamples samples without a known history item (rank 0, as in {@code Evaluator})
 * @param invalidPredictions predictions naming no item (per-position constraint only)
 * @param counts {@code counts[r]}: samples whose target is at 1-based rank {@code r}; {@code
 *     counts[0]}: samples whose target is not in the top {@code counts.length - 1}
 */
public record RankCounts(
        String template,
        long samples,
        long skippedSamples,
        long invalidPredictions,
        long[] counts) {
    /** Checks that the counts add up and copies them. */
    public RankCounts {
        Objects.requireNonNull(template, "template");
        counts = counts.clone();
        long total = 0;
        for (long c : counts) {
            if (c < 0) {
                throw new IllegalArgumentException("template " + template + ": negative count");
            }
            total += c;
        }
        if (total != samples || skippedSamples > counts[0]) {
            throw new IllegalArgumentException(
                    "template "
                            + template
                            + ": expected counts summing to "
                            + samples
                            + " samples with at least "
                            + skippedSamples
                            + " at rank 0, found "
                            + Arrays.toString(counts));
        }
    }

    /**
     * @return a copy of the counts per rank
     */
    @Override
    public long[] counts() {
        return counts.clone();
    }

    /**
     * @param k the cut-off
     * @return HR@K: the share of samples with the target in the top K (the count over the samples,
     *     one division)
     */
    public double hitRate(int k) {
        long hits = 0;
        for (int r = 1; r < counts.length && r <= k; r++) {
            hits += counts[r];
        }
        return samples == 0 ? 0 : (double) hits / samples;
    }

    /**
     * @param k the cut-off
     * @return NDCG@K: the mean over samples of {@link RankingMetrics#ndcg}, summed exactly (each
     *     rank's value times its count, in decimal arithmetic) and rounded once
     */
    public double ndcg(int k) {
        if (samples == 0) {
            return 0;
        }
        BigDecimal sum = BigDecimal.ZERO;
        for (int r = 1; r < counts.length && r <= k; r++) {
            sum =
                    sum.add(
                            new BigDecimal(RankingMetrics.ndcg(r, k))
                                    .multiply(BigDecimal.valueOf(counts[r])));
        }
        return sum.divide(BigDecimal.valueOf(samples), MathContext.DECIMAL128).doubleValue();
    }

    /**
     * @param ks cut-offs
     * @return metric name → value, in {@link RankingMetrics#names} order
     */
    public Map<String, Double> metrics(int[] ks) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int k : ks) {
            m.put("hr@" + k, hitRate(k));
        }
        for (int k : ks) {
            m.put("ndcg@" + k, ndcg(k));
        }
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RankCounts c
                && template.equals(c.template)
                && samples == c.samples
                && skippedSamples == c.skippedSamples
                && invalidPredictions == c.invalidPredictions
                && Arrays.equals(counts, c.counts);
    }

    @Override
    public int hashCode() {
        return template.hashCode() * 31 + Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "RankCounts(template="
                + template
                + ", samples="
                + samples
                + ", skipped="
                + skippedSamples
                + ", invalid="
                + invalidPredictions
                + ", counts="
                + Arrays.toString(counts)
                + ")";
    }
}
