package org.lcrec.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.lcrec.core.Interactions;
import org.lcrec.inference.DecoderOptions;
import org.lcrec.inference.EvaluationConfig;
import org.lcrec.inference.EvaluationResult;
import org.lcrec.inference.Evaluator;
import org.lcrec.inference.ModelBundle;
import org.lcrec.inference.Recommender;

/**
 * Evaluation on Spark equals {@link Evaluator} on the same users: the same rank for every sample
 * and template, hence the same counts; HR@K the same doubles, NDCG@K within the last bits of
 * Evaluator's running sum.
 */
class DistributedEvaluatorTest {
    private static final StructType SEQUENCES =
            new StructType()
                    .add("user", DataTypes.StringType)
                    .add("items", DataTypes.createArrayType(DataTypes.IntegerType, true));

    @Test
    void distributedEvaluationEqualsEvaluatorOnTheSameUsers() {
        Interactions all = SparkTests.DATA.interactions();
        Interactions.Builder b = Interactions.builder();
        List<Row> rows = new ArrayList<>();
        for (int u = 0; u < 250; u++) {
            b.add(all.user(u), all.sequence(u));
            rows.add(row(all.user(u), all.sequence(u)));
        }
        int unknown = 900_000;
        int[] target = all.sequence(0);
        Map<String, int[]> odd = new java.util.LinkedHashMap<>();
        odd.put("u-history-unknown", new int[] {unknown, unknown + 1, target[3]});
        odd.put("u-partly-unknown", new int[] {unknown, target[0], target[1], target[2]});
        odd.put("u-one-item", new int[] {target[0]}); // too short for a test sample
        odd.forEach(
                (u, seq) -> {
                    b.add(u, seq);
                    rows.add(row(u, seq));
                });
        Interactions inter = b.build();
        EvaluationConfig protocol = EvaluationConfig.builder().ks(1, 5, 10).maxHistory(20).build();
        BatchRecommendConfig decoding = BatchRecommendConfig.builder().batchSize(16).build();

        ModelBundle bundle = ModelBundle.read(SparkTests.bundle());
        EvaluationResult expected;
        try (Recommender rec =
                Recommender.open(
                        bundle,
                        decoding.recommenderConfig(bundle),
                        DecoderOptions.cpu().withIntraOpThreads(1))) {
            expected = Evaluator.evaluate(rec, inter, protocol, "tiny");
        }

        DistributedEvaluator ev =
                new DistributedEvaluator(
                        ExecutorFile.shared(SparkTests.bundle()), decoding, protocol);
        Dataset<Row> sequences =
                SparkTests.spark()
                        .createDataFrame(SparkTests.jsc().parallelize(rows, 3), SEQUENCES);
        Dataset<Row> ranks = ev.ranks(ev.samples(sequences, "user", "items")).cache();
        DistributedEvaluation got = ev.aggregate(ranks, "tiny");

        assertThat(got.templates()).hasSize(2);
        for (int t = 0; t < 2; t++) {
            EvaluationResult.TemplateResult e = expected.templates().get(t);
            RankCounts c = got.templates().get(t);
            assertThat(c.template()).isEqualTo(e.name());
            assertThat(c.samples()).isEqualTo(e.samples()).isEqualTo(251 + 1);
            assertThat(c.skippedSamples()).isEqualTo(e.skippedSamples()).isEqualTo(1);
            assertThat(c.invalidPredictions()).isEqualTo(e.invalidPredictions());
            long[] histogram = new long[11];
            for (int r : e.ranks()) {
                histogram[r]++;
            }
            assertThat(c.counts()).isEqualTo(histogram);
            Map<String, Double> m = got.metrics(t);
            e.metrics()
                    .forEach(
                            (name, v) -> {
                                if (name.startsWith("hr@")) {
                                    assertThat(m.get(name)).as(name).isEqualTo(v);
                                } else {
                                    assertThat(m.get(name))
                                            .as(name)
                                            .isCloseTo(
                                                    v,
                                                    org.assertj.core.api.Assertions.within(1e-12));
                                }
                            });
        }
        // every sample's rank, per template
        Map<String, Integer> perUser = new HashMap<>();
        for (Row r : ranks.collectAsList()) {
            perUser.put(r.getInt(1) + " " + r.getString(0), r.getInt(2));
        }
        for (int t = 0; t < 2; t++) {
            EvaluationResult.TemplateResult e = expected.templates().get(t);
            int[] rk = e.ranks();
            for (int i = 0; i < rk.length; i++) {
                assertThat(perUser.get(t + " " + e.users().get(i)))
                        .as(e.users().get(i))
                        .isEqualTo(rk[i]);
            }
        }
        assertThat(perUser).hasSize(2 * 252);
        assertThat(got.mean().keySet()).containsExactlyElementsOf(expected.mean().keySet());
        assertThat(got.toString()).contains("seqrec-test", "seqrec-other", "mean", "ndcg@10");
        ranks.unpersist();
    }

    @Test
    void aCappedUserCountIsRefused() {
        assertThatThrownBy(
                        () ->
                                new DistributedEvaluator(
                                        ExecutorFile.shared(SparkTests.bundle()),
                                        BatchRecommendConfig.defaults(),
                                        EvaluationConfig.builder().maxUsers(10).build()))
                .hasMessageContaining("maxUsers must be 0 on Spark, found 10");
    }

    @Test
    void rankCountsGiveExactMetrics() {
        RankCounts c = new RankCounts("t", 10, 2, 0, new long[] {5, 2, 0, 3});
        assertThat(c.hitRate(1)).isEqualTo(0.2);
        assertThat(c.hitRate(3)).isEqualTo(0.5);
        assertThat(c.ndcg(3))
                .isEqualTo(
                        (2 + 3 / (Math.log(4) / Math.log(2))) / 10,
                        org.assertj.core.api.Assertions.within(1e-15));
        assertThatThrownBy(() -> new RankCounts("t", 9, 0, 0, new long[] {5, 2, 0, 3}))
                .hasMessageContaining("expected counts summing to 9 samples");
    }

    private static Row row(String user, int[] seq) {
        Integer[] boxed = new Integer[seq.length];
        for (int i = 0; i < seq.length; i++) {
            boxed[i] = seq[i];
        }
        return RowFactory.create(user, boxed);
    }
}
