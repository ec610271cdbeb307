package org.lcrec.inference.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.lcrec.core.Dataset;
import org.lcrec.core.Interactions;
import org.lcrec.core.ItemCatalog;
import org.lcrec.core.LeaveOneOut;
import org.lcrec.core.Split;
import org.lcrec.inference.EvaluationConfig;
import org.lcrec.inference.EvaluationResult;
import org.lcrec.inference.PairedComparison;
import org.lcrec.inference.baseline.Baseline.Query;

class BaselinesTest {
    /** The synthetic dataset, generated once for the tests that need realistic sequences. */
    private static final Dataset SYNTHETIC = Dataset.synthetic();

    private static Dataset toy() {
        Map<String, int[]> m = new LinkedHashMap<>();
        m.put("a", new int[] {0, 1, 2, 3});
        m.put("b", new int[] {0, 1, 2, 4});
        m.put("c", new int[] {5, 0, 1, 3});
        m.put("d", new int[] {5, 6, 0, 2});
        return new Dataset("Toy", ItemCatalog.ofIds(7), Interactions.of(m), null, null, null);
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    @Test
    void visibilityHoldsOutWhatTheModelDoesNotTrainOn() {
        assertThat(Visibility.TRAINING_PART.heldOut(Split.TEST)).isEqualTo(2);
        assertThat(Visibility.TRAINING_PART.heldOut(Split.VALID)).isEqualTo(2);
        assertThat(Visibility.ALL_BUT_TARGET.heldOut(Split.TEST)).isEqualTo(1);
        assertThat(Visibility.ALL_BUT_TARGET.heldOut(Split.VALID)).isEqualTo(2);
        assertThatThrownBy(() -> Visibility.TRAINING_PART.heldOut(Split.TRAIN))
                .hasMessageContaining("VALID or TEST, found TRAIN");
        assertThat(EvaluationRules.defaults())
                .isEqualTo(new EvaluationRules(false, Visibility.TRAINING_PART));
        assertThat(EvaluationRules.legacy())
                .isEqualTo(new EvaluationRules(true, Visibility.ALL_BUT_TARGET));
        assertThat(EvaluationRules.defaults().withExcludeHistory(true).excludeHistory()).isTrue();
        assertThatThrownBy(() -> EvaluationRules.defaults().withVisibility(null))
                .hasMessageContaining("found null");
    }

    @Test
    void popularityCountsTheVisiblePartAndExcludesHistoryOnlyWhenTold() {
        Interactions data = toy().interactions();
        int[] items = toy().items().ids();
        // training part (each sequence minus two): a [0,1] b [0,1] c [5,0] d [5,6]
        // counts 0:3, 1:2, 5:2, 6:1
        PopularityBaseline p =
                PopularityBaseline.fit(data, Split.TEST, Visibility.TRAINING_PART, items);
        assertThat(p.recommend(Query.anonymous(), 4, false)).containsExactly(0, 1, 5, 6);
        assertThat(p.recommend(Query.anonymous(0, 2), 3, false)).containsExactly(0, 1, 5);
        assertThat(p.recommend(Query.anonymous(0, 2), 3, true)).containsExactly(1, 5, 6);
        // all but the test item also counts the validation items (2, 2, 1, 0):
        // 0:4, 1:3, 2:3, 5:2, 6:1
        PopularityBaseline old =
                PopularityBaseline.fit(data, Split.TEST, Visibility.ALL_BUT_TARGET, items);
        assertThat(old.recommend(Query.anonymous(), 4, false)).containsExactly(0, 1, 2, 5);
        assertThat(old.recommend(Query.anonymous(0, 2), 3, true)).containsExactly(1, 5, 6);
        // for the validation split both visibilities hide the last two items
        for (Visibility v : Visibility.values()) {
            assertThat(
                            PopularityBaseline.fit(data, Split.VALID, v, items)
                                    .recommend(Query.anonymous(), 3, false))
                    .containsExactly(0, 1, 5);
        }
    }

    @Test
    void cooccurrenceFollowsVisibleTransitionsAndTheExclusionSwitch() {
        Interactions data = toy().interactions();
        int[] items = toy().items().ids();
        CooccurrenceBaseline old =
                CooccurrenceBaseline.fit(data, Split.TEST, Visibility.ALL_BUT_TARGET, items, 1, 1);
        // visible transitions after 1: 1->2 (a, b); after 0: 0->1 (a, b, c), 0->2 (d)
        assertThat(old.recommend(Query.anonymous(1), 1, true)).containsExactly(2);
        assertThat(old.recommend(Query.anonymous(0), 2, true)).containsExactly(1, 2);
        // no evidence: popularity fills, history excluded
        assertThat(old.recommend(Query.anonymous(4), 2, true)).containsExactly(0, 1);
        // the evidence names a history item: skipped (and not used as filling) only when excluded
        assertThat(old.recommend(Query.anonymous(2, 1), 2, true)).containsExactly(0, 5);
        assertThat(old.recommend(Query.anonymous(2, 1), 2, false)).containsExactly(2, 0);

        CooccurrenceBaseline now =
                CooccurrenceBaseline.fit(data, Split.TEST, Visibility.TRAINING_PART, items, 1, 1);
        // 1->2 was a validation transition: not visible any more; popularity fills
        assertThat(now.recommend(Query.anonymous(1), 2, false)).containsExactly(0, 1);
        assertThat(now.recommend(Query.anonymous(1), 2, true)).containsExactly(0, 5);
        // 5->0 (c) and 5->6 (d) tie: the smaller id first
        assertThat(now.recommend(Query.anonymous(5), 2, false)).containsExactly(0, 6);
    }

    @Test
    void legacyRulesReproduceTheOldFiguresAndDefaultsFollowTheNewRules() {
        Dataset d = toy();
        // histories and targets: a [0,1,2]->3, b [0,1,2]->4, c [5,0,1]->3, d [5,6,0]->2
        EvaluationRules legacy = EvaluationRules.legacy();
        Baseline oldPop =
                PopularityBaseline.fit(
                        d.interactions(), Split.TEST, legacy.visibility(), d.items().ids());
        BaselineEvaluation.Result r =
                BaselineEvaluation.evaluate(d, Split.TEST, new LeaveOneOut(0), oldPop, legacy);
        // ranking 0,1,2,5,6,3,4 without the history: a: 5,6,3 -> 3; b: 5,6,3,4 -> 4;
        // c: 2,6,3 -> 3; d: 1,2 -> 2
        assertThat(r.users()).isEqualTo(4);
        assertThat(r.userIds()).containsExactly("a", "b", "c", "d");
        assertThat(r.ranks()).containsExactly(3, 4, 3, 2);
        assertThat(r.metrics().get("hr@1")).isEqualTo(0.0);
        assertThat(r.metrics().get("hr@3")).isEqualTo(0.75);
        assertThat(r.metrics().get("hr@5")).isEqualTo(1.0);
        double ndcg5 = (2 / log2(4) + 1 / log2(5) + 1 / log2(3)) / 4;
        assertThat(r.metrics().get("ndcg@5")).isCloseTo(ndcg5, within(1e-12));

        EvaluationRules rules = EvaluationRules.defaults();
        Baseline pop =
                PopularityBaseline.fit(
                        d.interactions(), Split.TEST, rules.visibility(), d.items().ids());
        BaselineEvaluation.Result now =
                BaselineEvaluation.evaluate(d, Split.TEST, new LeaveOneOut(0), pop, rules);
        // ranking 0,1,5,6,2,3,4 with the history in it: 3 at 6, 4 at 7, 3 at 6, 2 at 5
        assertThat(now.ranks()).containsExactly(6, 7, 6, 5);
        assertThat(now.metrics().get("hr@5")).isEqualTo(0.25);
        assertThat(now.metrics().get("ndcg@10"))
                .isCloseTo((2 / log2(7) + 1 / log2(8) + 1 / log2(6)) / 4, within(1e-12));
        assertThat(now.rules()).isEqualTo(rules);
        assertThat(now.toString()).contains("excludeHistory=false, visibility=TRAINING_PART");
    }

    @Test
    void everyBuiltInObeysTheExclusionSwitchOnSyntheticData() {
        Dataset d = SYNTHETIC;
        List<LeaveOneOut.Sample> samples =
                LeaveOneOut.lcRec().list(d.interactions(), Split.TEST).subList(0, 200);
        for (Baseline b :
                BaselineEvaluation.builtIns(d, Split.TEST, EvaluationRules.defaults(), 7)) {
            int withHistory = 0;
            for (LeaveOneOut.Sample s : samples) {
                Query q = Query.of(s);
                int[] excluded = b.recommend(q, 20, true);
                assertThat(excluded).hasSize(20).doesNotContain(s.history());
                assertThat(excluded).doesNotHaveDuplicates();
                int[] free = b.recommend(q, 20, false);
                assertThat(free).hasSize(20).doesNotHaveDuplicates();
                for (int item : free) {
                    withHistory += RandomBaseline.contains(s.history(), item) ? 1 : 0;
                }
            }
            if (!b.name().equals("random")) {
                // popular and co-occurring items are often already in the history
                assertThat(withHistory).as(b.name()).isPositive();
            }
        }
        RandomBaseline rb = new RandomBaseline(d.items().ids(), 7);
        assertThat(rb.recommend(Query.anonymous(1, 2), 5, true))
                .containsExactly(rb.recommend(Query.anonymous(1, 2), 5, true));
        assertThat(rb.recommend(Query.anonymous(1, 2), 600, true))
                .doesNotContain(1, 2)
                .hasSize(598);
        assertThat(rb.recommend(Query.anonymous(1, 2), 600, false)).contains(1, 2).hasSize(600);
    }

    @Test
    void randomIsNearChanceAndCooccurrenceBeatsPopularityUnderBothRules() {
        Dataset d = SYNTHETIC;
        for (EvaluationRules rules :
                new EvaluationRules[] {EvaluationRules.defaults(), EvaluationRules.legacy()}) {
            List<BaselineEvaluation.Result> all =
                    BaselineEvaluation.evaluateAll(d, Split.TEST, LeaveOneOut.lcRec(), 7, rules);
            assertThat(all)
                    .extracting(BaselineEvaluation.Result::name)
                    .containsExactly("random", "most-popular", "co-occurrence");
            assertThat(all.get(0).metrics().get("hr@10")).isBetween(0.0, 0.05); // chance 0.017
            assertThat(all.get(2).metrics().get("hr@10"))
                    .isGreaterThan(all.get(1).metrics().get("hr@10"));
        }
    }

    /** Reference ranking: every candidate sorted by score, then id; history dropped if asked. */
    private static int[] bruteForce(float[] s, int[] items, int[] history, int k, boolean ex) {
        List<Integer> c = new ArrayList<>();
        for (int i : items) {
            if (!(s[i] > Float.NEGATIVE_INFINITY)) {
                continue; // NaN and -infinity are never recommended
            }
            if (!ex || !RandomBaseline.contains(history, i)) {
                c.add(i);
            }
        }
        c.sort(Comparator.comparingDouble((Integer i) -> -s[i]).thenComparingInt(i -> i));
        return c.stream().limit(k).mapToInt(Integer::intValue).toArray();
    }

    @Test
    void scoringFunctionBaselinesRankByScoreThenIdWithOrWithoutHistory() {
        SplittableRandom r = new SplittableRandom(3);
        for (int trial = 0; trial < 50; trial++) {
            int n = 5 + r.nextInt(40);
            int[] items = new int[n];
            for (int i = 0; i < n; i++) {
                items[i] = 2 * i + r.nextInt(2); // gaps in the ids
            }
            float[] s = new float[2 * n + 1];
            for (int i = 0; i < s.length; i++) {
                int kind = r.nextInt(10);
                s[i] =
                        kind == 0
                                ? Float.NaN
                                : kind == 1 ? Float.NEGATIVE_INFINITY : r.nextInt(6); // ties
            }
            int[] history = {items[r.nextInt(n)], items[r.nextInt(n)], 999};
            int k = 1 + r.nextInt(n + 3);
            Baseline b = Baseline.of("scored", items, q -> s);
            for (boolean ex : new boolean[] {false, true}) {
                assertThat(b.recommend(Query.anonymous(history), k, ex))
                        .as("trial %d exclude %s", trial, ex)
                        .containsExactly(bruteForce(s, items, history, k, ex));
            }
        }
        Baseline shortScores = Baseline.of("short", new int[] {3, 9}, q -> new float[5]);
        assertThatThrownBy(() -> shortScores.recommend(Query.anonymous(1), 2, false))
                .hasMessageContaining("baseline short: expected a score per item id (length > 9)")
                .hasMessageContaining("found length 5");
        assertThatThrownBy(() -> Baseline.of("none", new int[0], q -> new float[1]))
                .hasMessageContaining("expected at least one candidate item");
    }

    @Test
    void evaluationHandsTheUserToUserAwareBaselinesAndNeverTheTarget() {
        Dataset d = toy();
        Interactions data = d.interactions();
        // an oracle that knows each user's full sequence through the query's row
        Baseline oracle =
                Baseline.of(
                        "oracle",
                        d.items().ids(),
                        q -> {
                            float[] s = new float[7];
                            s[data.item(q.userRow(), data.length(q.userRow()) - 1)] = 1;
                            assertThat(q.user()).isEqualTo(data.user(q.userRow()));
                            return s;
                        });
        List<BaselineEvaluation.Result> res =
                BaselineEvaluation.evaluate(
                        d,
                        Split.TEST,
                        LeaveOneOut.lcRec(),
                        List.of(oracle, new RandomBaseline(d.items().ids(), 1)),
                        EvaluationRules.defaults());
        assertThat(res.get(0).ranks()).containsOnly(1);
        assertThat(res.get(0).metrics().get("ndcg@1")).isEqualTo(1.0);
        assertThat(res.get(1).name()).isEqualTo("random");
        assertThat(Query.of(LeaveOneOut.lcRec().sampleAt(data, 0, 3)))
                .isEqualTo(new Query(0, "a", new int[] {0, 1, 2}));
    }

    @Test
    void baselineResultsPairWithThePairedComparisonMachinery() {
        Dataset d = SYNTHETIC;
        EvaluationRules rules = EvaluationRules.defaults();
        List<BaselineEvaluation.Result> all =
                BaselineEvaluation.evaluateAll(d, Split.TEST, LeaveOneOut.lcRec(), 7, rules);
        EvaluationConfig cfg = EvaluationConfig.builder().ks(1, 10).build();
        EvaluationResult pop = all.get(1).toEvaluationResult("seqrec", cfg);
        EvaluationResult cooc = all.get(2).toEvaluationResult("seqrec", cfg);
        assertThat(pop.constraint()).isEqualTo("none");
        assertThat(pop.excludeHistory()).isFalse();
        assertThat(pop.template("seqrec").metrics().get("hr@10"))
                .isCloseTo(all.get(1).metrics().get("hr@10"), within(1e-12));
        List<PairedComparison.Row> rows = PairedComparison.compare(pop, cooc, 200, 0.95, 1);
        assertThat(rows).hasSize(4);
        PairedComparison.Row hr10 =
                rows.stream().filter(x -> x.metric().equals("hr@10")).findFirst().orElseThrow();
        assertThat(hr10.users()).isEqualTo(all.get(1).users());
        assertThat(hr10.difference())
                .isCloseTo(
                        all.get(2).metrics().get("hr@10") - all.get(1).metrics().get("hr@10"),
                        within(1e-12));
        assertThatThrownBy(
                        () ->
                                all.get(1)
                                        .toEvaluationResult(
                                                "seqrec",
                                                EvaluationConfig.builder()
                                                        .split(Split.VALID)
                                                        .build()))
                .hasMessageContaining("evaluated on TEST, but the config asks for VALID");
        assertThatThrownBy(
                        () ->
                                all.get(1)
                                        .toEvaluationResult(
                                                "seqrec",
                                                EvaluationConfig.builder().ks(10, 50).build()))
                .hasMessageContaining("ranks are known up to 20, found cut-off 50");
        assertThat(BaselineEvaluation.MAX_K)
                .isEqualTo(BaselineEvaluation.KS[BaselineEvaluation.KS.length - 1]);
    }
}
