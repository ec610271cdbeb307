package org.lcrec.inference.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lcrec.inference.ConstraintMode;
import org.lcrec.inference.EvaluationConfig;
import org.lcrec.inference.EvaluationResult;
import org.lcrec.inference.PairedComparison;

class TablesTest {
    private static EvaluationResult.TemplateResult template(String name, double hr, double ndcg) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("hr@1", hr);
        m.put("ndcg@1", ndcg);
        Map<String, double[]> ci = new LinkedHashMap<>();
        ci.put("hr@1", new double[] {0, 1});
        ci.put("ndcg@1", new double[] {0, 1});
        return new EvaluationResult.TemplateResult(
                name, 2, 0, 0, m, ci, List.of("u1", "u2"), new int[] {1, 0});
    }

    @Test
    void evaluationTableHasOneRowPerTemplateAndTheAggregates() {
        EvaluationResult r =
                EvaluationResult.of(
                        "tiny",
                        ConstraintMode.TRIE,
                        EvaluationConfig.builder().ks(1).build(),
                        10,
                        false,
                        List.of(template("t0", 0.5, 0.5), template("t1", 0.25, 0.125)));
        String t = Tables.evaluation(r);
        assertThat(t.lines().toList())
                .containsExactly(
                        "tiny: trie constraint, test split, 2 sample(s)",
                        "template            hr@1    ndcg@1",
                        "t0                0.5000    0.5000",
                        "t1                0.2500    0.1250",
                        "mean              0.3750    0.3125",
                        "min               0.2500    0.1250",
                        "max               0.5000    0.5000");
        EvaluationResult excluding =
                EvaluationResult.of(
                        "tiny",
                        ConstraintMode.TRIE,
                        EvaluationConfig.builder().ks(1).build(),
                        10,
                        true,
                        List.of(template("t0", 0.5, 0.5)));
        assertThat(Tables.evaluation(excluding).lines().findFirst())
                .contains("tiny: trie constraint, test split, 2 sample(s), history items excluded");
    }

    @Test
    void comparisonRowShowsSignedDifferenceAndInterval() {
        String t =
                Tables.comparison(
                        List.of(
                                new PairedComparison.Row(
                                        "t0", "hr@10", 200, 0.1, 0.15, 0.05, -0.01, 0.11, 0.04,
                                        0.05)),
                        "a.json",
                        "b.json");
        assertThat(t.lines().toList())
                .hasSize(3)
                .first()
                .isEqualTo("B - A, with A = a.json and B = b.json");
        assertThat(t.lines().toList().get(2))
                .isEqualTo(
                        "t0             hr@10       200   0.1000   0.1500   +0.0500 [ -0.0100,  +0.1100]    0.040    0.050");
    }
}
