package org.lcrec.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.TDistribution;
import org.junit.jupiter.api.Test;
import org.lcrec.core.Split;

class MetricsTest {
    @Test
    void hitAndNdcgByHand() {
        assertThat(RankingMetrics.hit(1, 1)).isEqualTo(1);
        assertThat(RankingMetrics.hit(2, 1)).isEqualTo(0);
        assertThat(RankingMetrics.hit(0, 20)).isEqualTo(0);
        assertThat(RankingMetrics.hit(20, 20)).isEqualTo(1);
        assertThat(RankingMetrics.ndcg(1, 5)).isEqualTo(1.0);
        assertThat(RankingMetrics.ndcg(2, 5)).isCloseTo(0.6309297535714575, within(1e-15));
        assertThat(RankingMetrics.ndcg(3, 5)).isCloseTo(0.5, within(1e-15));
        assertThat(RankingMetrics.ndcg(7, 10)).isCloseTo(1.0 / 3, within(1e-15));
        assertThat(RankingMetrics.ndcg(7, 5)).isEqualTo(0);
        assertThat(RankingMetrics.ndcg(0, 5)).isEqualTo(0);
        assertThat(RankingMetrics.names(new int[] {1, 10}))
                .containsExactly("hr@1", "hr@10", "ndcg@1", "ndcg@10");
        assertThatThrownBy(() -> RankingMetrics.value("mrr@3", 1)).hasMessageContaining("mrr@3");
    }

    @Test
    void meansOverSamplesByHand() {
        int[] ranks = {1, 0, 3, 11};
        assertThat(mean(RankingMetrics.values("hr@10", ranks))).isEqualTo(0.5);
        assertThat(mean(RankingMetrics.values("ndcg@10", ranks))).isCloseTo(0.375, within(1e-15));
        assertThat(mean(RankingMetrics.values("hr@20", ranks))).isEqualTo(0.75);
        assertThat(mean(RankingMetrics.values("ndcg@20", ranks)))
                .isCloseTo((1 + 0.5 + 1 / (Math.log(12) / Math.log(2))) / 4, within(1e-15));
        assertThat(mean(RankingMetrics.values("hr@1", ranks))).isEqualTo(0.25);
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    @Test
    void bootstrapIntervalIsDeterministicAndMatchesTheNormalApproximation() {
        SplittableRandom r = new SplittableRandom(1);
        double[] v = new double[2000];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextDouble() < 0.3 ? 1 : 0;
        }
        double m = mean(v);
        double[] ci = Bootstrap.meanInterval(v, 2000, 0.95, 5);
        assertThat(Bootstrap.meanInterval(v, 2000, 0.95, 5)).isEqualTo(ci);
        assertThat(ci[0]).isLessThan(m);
        assertThat(ci[1]).isGreaterThan(m);
        double se = Math.sqrt(m * (1 - m) / v.length);
        // percentile bootstrap of a Bernoulli mean ≈ mean ± 1.96 se (10% Monte-Carlo slack)
        assertThat(ci[1] - ci[0]).isCloseTo(2 * 1.96 * se, within(0.1 * 2 * 1.96 * se));
        assertThat(Bootstrap.meanInterval(new double[] {0.5, 0.5, 0.5}, 100, 0.9, 1))
                .containsExactly(0.5, 0.5);
    }

    private static EvaluationResult result(String model, int[] ranks) {
        List<String> users = new java.util.ArrayList<>();
        for (int i = 0; i < ranks.length; i++) {
            users.add("u" + i);
        }
        EvaluationConfig cfg = EvaluationConfig.builder().ks(1, 5).split(Split.TEST).build();
        Map<String, Double> metrics = new java.util.LinkedHashMap<>();
        Map<String, double[]> ci = new java.util.LinkedHashMap<>();
        for (String m : RankingMetrics.names(cfg.ks())) {
            metrics.put(m, mean(RankingMetrics.values(m, ranks)));
            ci.put(m, new double[] {0, 1});
        }
        return EvaluationResult.of(
                model,
                ConstraintMode.TRIE,
                cfg,
                20,
                false,
                List.of(
                        new EvaluationResult.TemplateResult(
                                "t0", ranks.length, 0, 0, metrics, ci, users, ranks)));
    }

    @Test
    void pairedComparisonAgainstHandComputedTStatistic() {
        SplittableRandom r = new SplittableRandom(2);
        int n = 300;
        int[] a = new int[n];
        int[] b = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextInt(8); // ranks 0..7
            b[i] = Math.max(0, a[i] - (r.nextInt(3) == 0 ? 1 : 0)); // B ranks a bit better
        }
        List<PairedComparison.Row> rows =
                PairedComparison.compare(result("A", a), result("B", b), 1000, 0.95, 3);
        PairedComparison.Row row =
                rows.stream().filter(x -> x.metric().equals("ndcg@5")).findFirst().orElseThrow();
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = RankingMetrics.ndcg(b[i], 5) - RankingMetrics.ndcg(a[i], 5);
        }
        double md = mean(d);
        double ss = 0;
        for (double x : d) {
            ss += (x - md) * (x - md);
        }
        double t = md / Math.sqrt(ss / (n - 1) / n);
        double p = 2 * (1 - new TDistribution(n - 1).cumulativeProbability(Math.abs(t)));
        assertThat(row.users()).isEqualTo(n);
        assertThat(row.difference()).isCloseTo(md, within(1e-12));
        assertThat(row.tTestP()).isCloseTo(p, within(1e-9));
        assertThat(row.low()).isLessThan(md);
        assertThat(row.high()).isGreaterThan(md);
        assertThat(row.wilcoxonP()).isEqualTo(PairedComparison.wilcoxonP(d));
        PairedComparison.Row same =
                PairedComparison.compare(result("A", a), result("A2", a), 1000, 0.95, 3).get(0);
        assertThat(same.difference()).isZero();
        assertThat(same.tTestP()).isEqualTo(1);
        assertThat(same.wilcoxonP()).isEqualTo(1);
    }

    @Test
    void wilcoxonDropsZerosAndMatchesTheHandComputedNormalApproximation() {
        // non-zero |d| = 0.5, 1, 1, 2, 3 -> ranks 1, 2.5, 2.5, 4, 5; W+ = 2.5 + 4 + 5 = 11.5;
        // mean 5*6/4 = 7.5; variance 5*6*11/24 - (2^3 - 2)/48 = 13.625; z = 4 / sqrt(13.625);
        // p = erfc(z / sqrt 2) = 0.27851702382957816 (Python's math.erfc)
        double[] d = {0, 0, 0, 0, 1, -1, 2, 3, -0.5};
        assertThat(PairedComparison.wilcoxonP(d)).isCloseTo(0.27851702382957816, within(1e-12));
        // the zeros do not matter, however many there are
        double[] manyZeros = java.util.Arrays.copyOf(d, 5000);
        assertThat(PairedComparison.wilcoxonP(manyZeros))
                .isCloseTo(0.27851702382957816, within(1e-12));
        assertThat(PairedComparison.wilcoxonP(new double[10])).isEqualTo(1);
    }

    @Test
    void wilcoxonOnMostlyTiedUsersIsNotSignificantWhenTheDifferencesBalance() {
        // 3,000 users who both miss, 100 that B gains and 100 that B loses by the same amount:
        // Commons Math's test gave p = 0 on such data
        double[] d = new double[3200];
        for (int i = 0; i < 100; i++) {
            d[3000 + i] = 0.5;
            d[3100 + i] = -0.5;
        }
        assertThat(PairedComparison.wilcoxonP(d)).isCloseTo(1.0, within(1e-12));
        // and clearly significant when B only gains
        for (int i = 0; i < 100; i++) {
            d[3100 + i] = 0.5;
        }
        assertThat(PairedComparison.wilcoxonP(d)).isLessThan(1e-20);
    }
}
