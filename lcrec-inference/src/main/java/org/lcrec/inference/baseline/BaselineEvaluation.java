package org.lcrec.inference.baseline;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.lcrec.core.Dataset;
import org.lcrec.core.LeaveOneOut;
import org.lcrec.core.Split;

/**
 * Scores the three baselines on a leave-one-out split with HR@K and NDCG@K (a single relevant item:
 * HR@K = 1 if it is ranked within K; NDCG@K = 1 / log2(rank + 1) if so).
 */
public final class BaselineEvaluation {
    /** The cut-offs reported (LC-Rec reports 1, 5, 10; MiniOneRec also 3; 20 = default beams). */
    public static final int[] KS = {1, 3, 5, 10, 20};

    private BaselineEvaluation() {}

    /**
     * One baseline's metrics.
     *
     * @param name the baseline
     * @param users how many users were scored
     * @param metrics {@code hr@K} / {@code ndcg@K} → value (the names of {@link
     *     org.lcrec.inference.RankingMetrics}), in the order of {@link #KS}
     */
    public record Result(String name, int users, Map<String, Double> metrics) {
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(name).append("(users=").append(users);
            metrics.forEach(
                    (k, v) ->
                            sb.append(", ")
                                    .append(k)
                                    .append('=')
                                    .append(String.format(Locale.ROOT, "%.4f", v)));
            return sb.append(')').toString();
        }
    }

    /**
     * @param dataset the dataset
     * @param split {@link Split#VALID} or {@link Split#TEST}
     * @param loo the split's history cap
     * @param seed seed of the random baseline
     * @return random, most-popular and co-occurrence results, in that order
     */
    public static List<Result> evaluateAll(
            Dataset dataset, Split split, LeaveOneOut loo, long seed) {
        int[] items = dataset.items().ids();
        List<Baseline> baselines =
                List.of(
                        new RandomBaseline(items, seed),
                        PopularityBaseline.fit(dataset.interactions(), split, items),
                        CooccurrenceBaseline.fit(dataset.interactions(), split, items));
        return baselines.stream().map(b -> evaluate(dataset, split, loo, b)).toList();
    }

    /**
     * @param dataset the dataset
     * @param split the split
     * @param loo the split's history cap
     * @param baseline the fitted baseline
     * @return its metrics
     */
    public static Result evaluate(
            Dataset dataset, Split split, LeaveOneOut loo, Baseline baseline) {
        int maxK = Arrays.stream(KS).max().orElseThrow();
        double[] hr = new double[KS.length];
        double[] ndcg = new double[KS.length];
        int[] users = {0};
        loo.samples(dataset.interactions(), split)
                .forEach(
                        s -> {
                            int[] recs = baseline.recommend(s.history(), maxK);
                            int rank = 0;
                            for (int i = 0; i < recs.length; i++) {
                                if (recs[i] == s.target()) {
                                    rank = i + 1;
                                    break;
                                }
                            }
                            for (int j = 0; j < KS.length; j++) {
                                if (rank > 0 && rank <= KS[j]) {
                                    hr[j] += 1;
                                    ndcg[j] += 1 / (Math.log(rank + 1) / Math.log(2));
                                }
                            }
                            users[0]++;
                        });
        Map<String, Double> m = new LinkedHashMap<>();
        for (int j = 0; j < KS.length; j++) {
            m.put("hr@" + KS[j], users[0] == 0 ? 0 : hr[j] / users[0]);
        }
        for (int j = 0; j < KS.length; j++) {
            m.put("ndcg@" + KS[j], users[0] == 0 ? 0 : ndcg[j] / users[0]);
        }
        return new Result(baseline.name(), users[0], m);
    }
}
