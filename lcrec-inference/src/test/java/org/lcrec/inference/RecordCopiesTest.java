package org.lcrec.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lcrec.core.Split;
import org.lcrec.inference.baseline.Baseline;
import org.lcrec.inference.baseline.BaselineEvaluation;
import org.lcrec.inference.baseline.EvaluationRules;

/**
 * Records of lcrec-inference copy arrays and collections in and out: a caller cannot change a
 * template, a result or a config that others share.
 */
class RecordCopiesTest {
    @Test
    void promptTemplatePieces() {
        int[] prefix = {1, 2};
        PromptTemplate t = new PromptTemplate("t", prefix, new int[] {3}, new int[] {4, 5});
        prefix[0] = 99;
        t.prefix()[0] = 99;
        t.separator()[0] = 99;
        t.suffix()[0] = 99;
        assertThat(t.prefix()).containsExactly(1, 2);
        assertThat(t.separator()).containsExactly(3);
        assertThat(t.suffix()).containsExactly(4, 5);
        assertThat(t.encode(new int[][] {{7}, {8}})).containsExactly(1, 2, 7, 3, 8, 4, 5);
    }

    @Test
    void beamResultArrays() {
        int[] leaves = {10, 11};
        float[] scores = {-1f, -2f};
        int[][] tokens = {{1, 2}, {3, 4}};
        BeamResult r = new BeamResult(leaves, scores, tokens);
        leaves[0] = 99;
        scores[0] = 99f;
        tokens[0][0] = 99;
        r.leaves()[0] = 99;
        r.scores()[0] = 99f;
        r.tokens()[0][0] = 99;
        r.tokens(1)[0] = 99;
        assertThat(r.leaves()).containsExactly(10, 11);
        assertThat(r.scores()).containsExactly(-1f, -2f);
        assertThat(r.tokens()).isDeepEqualTo(new int[][] {{1, 2}, {3, 4}});
        assertThat(r.leaf(1)).isEqualTo(11);
        assertThat(r.score(1)).isEqualTo(-2f);
        assertThat(r.tokens(1)).containsExactly(3, 4);
        BeamResult same =
                new BeamResult(
                        new int[] {10, 11}, new float[] {-1f, -2f}, new int[][] {{1, 2}, {3, 4}});
        assertThat(r).isEqualTo(same).hasSameHashCodeAs(same);
    }

    @Test
    void recommendationSkippedHistoryItems() {
        int[] skipped = {7};
        Recommendation r = new Recommendation(List.of(), skipped, 0);
        skipped[0] = 99;
        r.skippedHistoryItems()[0] = 99;
        assertThat(r.skippedHistoryItems()).containsExactly(7);
    }

    @Test
    void evaluationConfigKs() {
        EvaluationConfig c = EvaluationConfig.builder().ks(1, 5, 10).build();
        c.ks()[0] = 99;
        assertThat(c.ks()).containsExactly(1, 5, 10);
        assertThatThrownBy(() -> c.templates().add(1))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void evaluationResultArraysAndMaps(@TempDir Path dir) {
        EvaluationConfig config =
                EvaluationConfig.builder().ks(1, 2).bootstrapResamples(100).build();
        List<String> users = new ArrayList<>(List.of("a", "b", "c"));
        int[] ranks = {1, 0, 2};
        EvaluationResult.TemplateResult t =
                EvaluationResult.TemplateResult.of("t", users, ranks, 0, 0, config);
        users.set(0, "z");
        ranks[0] = 99;
        t.ranks()[1] = 99;
        t.intervals().values().iterator().next()[0] = 99;
        assertThat(t.users()).containsExactly("a", "b", "c");
        assertThat(t.ranks()).containsExactly(1, 0, 2);
        assertThat(t.intervals().values().iterator().next()[0]).isNotEqualTo(99);
        assertThatThrownBy(() -> t.metrics().clear())
                .isInstanceOf(UnsupportedOperationException.class);

        EvaluationResult r = EvaluationResult.of("m", null, config, 0, false, List.of(t));
        r.ks()[0] = 99;
        assertThat(r.ks()).containsExactly(1, 2);
        assertThatThrownBy(() -> r.mean().clear())
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(r.mean().keySet()).containsExactly(RankingMetrics.names(r.ks()));

        Path file = dir.resolve("r.json");
        r.write(file);
        assertThat(EvaluationResult.read(file)).isEqualTo(r).hasSameHashCodeAs(r);
    }

    @Test
    void baselineQueryHistory() {
        int[] history = {1, 2};
        Baseline.Query q = Baseline.Query.anonymous(history);
        history[0] = 99;
        q.history()[1] = 99;
        assertThat(q.history()).containsExactly(1, 2);
    }

    @Test
    void baselineResultRanks() {
        int[] ranks = {1, 3};
        Map<String, Double> metrics = new LinkedHashMap<>(Map.of("hit@1", 0.5));
        BaselineEvaluation.Result r =
                new BaselineEvaluation.Result(
                        "pop",
                        Split.TEST,
                        EvaluationRules.defaults(),
                        metrics,
                        List.of("a", "b"),
                        ranks);
        ranks[0] = 99;
        metrics.clear();
        r.ranks()[1] = 99;
        assertThat(r.ranks()).containsExactly(1, 3);
        assertThat(r.metrics()).containsEntry("hit@1", 0.5);
    }
}
