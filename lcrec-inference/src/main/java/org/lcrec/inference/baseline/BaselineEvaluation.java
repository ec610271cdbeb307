package org.lcrec.inference.baseline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.lcrec.core.Dataset;
import org.lcrec.core.LeaveOneOut;
import org.lcrec.core.Split;
import org.lcrec.inference.EvaluationConfig;
import org.lcrec.inference.EvaluationResult;
import org.lcrec.inference.RankingMetrics;

/**
 * Scores baselines on a leave-one-out split with HR@K and NDCG@K ({@link RankingMetrics}: a single
 * relevant item; HR@K = 1 if it is ranked within K; NDCG@K = 1 / log2(rank + 1) if so), under
 * explicit {@link EvaluationRules}, keeping each user's rank so that rows can be compared pairwise
 * ({@link Result#toEvaluationResult}).
 *
 * <p>The rules act in two places: {@link #builtIns} fits the random, most-popular and co-occurrence
 * baselines on the {@link EvaluationRules#visibility() visible} part of each sequence, and every
 * evaluation passes {@link EvaluationRules#excludeHistory()} to each baseline it scores. Baselines
 * fitted elsewhere (a learned model) must be fitted under the same visibility by their maker; the
 * result only records the rules it was given.
 */
public final class BaselineEvaluation {
    /** The cut-offs reported (LC-Rec reports 1, 5, 10; MiniOneRec also 3; 20 = default beams). */
    public static final int[] KS = {1, 3, 5, 10, 20};

    /** The depth to which users' ranks are known: the largest of {@link #KS}. */
    public static final int MAX_K = 20;

    private BaselineEvaluation() {}

    /**
     * One baseline's metrics and per-user ranks.
     *
     * @param name the baseline
     * @param split the evaluated split
     * @param rules the rules it was evaluated under
     * @param metrics {@code hr@K} / {@code ndcg@K} → value (the names of {@link RankingMetrics}),
     *     in the order of {@link #KS}
     * @param userIds the samples' user ids, in order
     * @param ranks the target's 1-based rank per sample, 0 when not in the top {@value #MAX_K}
     */
    public record Result(
            String name,
            Split split,
            EvaluationRules rules,
            Map<String, Double> metrics,
            List<String> userIds,
            int[] ranks) {
        /** Validates and copies. */
        public Result {
            if (name == null || split == null || rules == null) {
                throw new IllegalArgumentException(
                        "expected a name, a split and rules, found "
                                + name
                                + ", "
                                + split
                                + ", "
                                + rules);
            }
            if (userIds.size() != ranks.length) {
                throw new IllegalArgumentException(
                        "baseline "
                                + name
                                + ": expected a rank per user, found "
                                + userIds.size()
                                + " users and "
                                + ranks.length
                                + " ranks");
            }
            metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
            userIds = List.copyOf(userIds);
            ranks = ranks.clone();
        }

        /**
         * @return a copy of the per-user ranks
         */
        @Override
        public int[] ranks() {
            return ranks.clone();
        }

        /**
         * @return how many users were scored
         */
        public int users() {
            return ranks.length;
        }

        /**
         * The same figures as an {@link EvaluationResult}, so that {@link
         * org.lcrec.inference.PairedComparison} can pair a baseline with the model (or another
         * baseline) over shared users. Templates are paired by name: name the single template after
         * the model template it is to be compared with.
         *
         * @param template the name of the result's single template
         * @param config the cut-offs (at most {@value #MAX_K}) and bootstrap settings; its split
         *     must be this result's
         * @return the result, with constraint {@code none}, 0 beams and this result's exclusion
         *     rule
         * @throws IllegalArgumentException if the split differs or a cut-off exceeds {@value
         *     #MAX_K}
         */
        public EvaluationResult toEvaluationResult(String template, EvaluationConfig config) {
            if (config.split() != split) {
                throw new IllegalArgumentException(
                        "baseline "
                                + name
                                + ": evaluated on "
                                + split
                                + ", but the config asks for "
                                + config.split());
            }
            if (config.maxK() > MAX_K) {
                throw new IllegalArgumentException(
                        "baseline "
                                + name
                                + ": ranks are known up to "
                                + MAX_K
                                + ", found cut-off "
                                + config.maxK());
            }
            return EvaluationResult.of(
                    name,
                    null,
                    config,
                    0,
                    rules.excludeHistory(),
                    List.of(
                            EvaluationResult.TemplateResult.of(
                                    template, userIds, ranks, 0, 0, config)));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Result r
                    && name.equals(r.name)
                    && split == r.split
                    && rules.equals(r.rules)
                    && metrics.equals(r.metrics)
                    && userIds.equals(r.userIds)
                    && Arrays.equals(ranks, r.ranks);
        }

        @Override
        public int hashCode() {
            return name.hashCode() * 31 + Arrays.hashCode(ranks);
        }

        @Override
        public String toString() {
            StringBuilder sb =
                    new StringBuilder(name)
                            .append("(users=")
                            .append(ranks.length)
                            .append(", excludeHistory=")
                            .append(rules.excludeHistory())
                            .append(", visibility=")
                            .append(rules.visibility());
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
     * The built-in baselines, fitted under the rules' visibility.
     *
     * @param dataset the dataset
     * @param split the split that will be evaluated
     * @param rules the rules (their visibility decides what is fitted on)
     * @param seed seed of the random baseline
     * @return random, most-popular and co-occurrence, in that order
     */
    public static List<Baseline> builtIns(
            Dataset dataset, Split split, EvaluationRules rules, long seed) {
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(rules, "rules");
        int[] items = dataset.items().ids();
        Visibility v = rules.visibility();
        return List.of(
                new RandomBaseline(items, seed),
                PopularityBaseline.fit(dataset.interactions(), split, v, items),
                CooccurrenceBaseline.fit(dataset.interactions(), split, v, items));
    }

    /**
     * Fits and scores the built-in baselines.
     *
     * @param dataset the dataset
     * @param split {@link Split#VALID} or {@link Split#TEST}
     * @param loo the split's history cap
     * @param seed seed of the random baseline
     * @param rules the rules
     * @return random, most-popular and co-occurrence results, in that order
     */
    public static List<Result> evaluateAll(
            Dataset dataset, Split split, LeaveOneOut loo, long seed, EvaluationRules rules) {
        return evaluate(dataset, split, loo, builtIns(dataset, split, rules, seed), rules);
    }

    /**
     * Scores fitted baselines of any kind over the same samples.
     *
     * @param dataset the dataset
     * @param split {@link Split#VALID} or {@link Split#TEST}
     * @param loo the split's history cap
     * @param baselines the fitted baselines
     * @param rules the rules ({@link EvaluationRules#excludeHistory()} is passed to every baseline)
     * @return one result per baseline, in order
     */
    public static List<Result> evaluate(
            Dataset dataset,
            Split split,
            LeaveOneOut loo,
            List<Baseline> baselines,
            EvaluationRules rules) {
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(loo, "loo");
        Objects.requireNonNull(baselines, "baselines");
        Objects.requireNonNull(rules, "rules");
        if (split == null || split == Split.TRAIN) {
            throw new IllegalArgumentException(
                    "baselines are evaluated on VALID or TEST, found " + split);
        }
        List<LeaveOneOut.Sample> samples = loo.list(dataset.interactions(), split);
        List<String> users = new ArrayList<>(samples.size());
        List<Baseline.Query> queries = new ArrayList<>(samples.size());
        for (LeaveOneOut.Sample s : samples) {
            users.add(s.user());
            queries.add(Baseline.Query.of(s));
        }
        List<Result> out = new ArrayList<>(baselines.size());
        for (Baseline b : baselines) {
            int[] ranks = new int[samples.size()];
            for (int i = 0; i < ranks.length; i++) {
                int[] recs = b.recommend(queries.get(i), MAX_K, rules.excludeHistory());
                ranks[i] = rankOf(recs, samples.get(i).target());
            }
            out.add(new Result(b.name(), split, rules, metrics(ranks), users, ranks));
        }
        return out;
    }

    /**
     * Scores one fitted baseline.
     *
     * @param dataset the dataset
     * @param split the split
     * @param loo the split's history cap
     * @param baseline the fitted baseline
     * @param rules the rules
     * @return its metrics and ranks
     */
    public static Result evaluate(
            Dataset dataset,
            Split split,
            LeaveOneOut loo,
            Baseline baseline,
            EvaluationRules rules) {
        return evaluate(dataset, split, loo, List.of(baseline), rules).get(0);
    }

    private static int rankOf(int[] recs, int target) {
        for (int i = 0; i < recs.length; i++) {
            if (recs[i] == target) {
                return i + 1;
            }
        }
        return 0;
    }

    /** Means over users, in the order of {@link RankingMetrics#names}; 0 when there are none. */
    private static Map<String, Double> metrics(int[] ranks) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String name : RankingMetrics.names(KS)) {
            double sum = 0;
            for (double v : RankingMetrics.values(name, ranks)) {
                sum += v;
            }
            m.put(name, ranks.length == 0 ? 0 : sum / ranks.length);
        }
        return m;
    }
}
