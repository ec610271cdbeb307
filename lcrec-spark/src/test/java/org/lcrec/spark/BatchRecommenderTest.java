package org.lcrec.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.lcrec.core.LeaveOneOut;
import org.lcrec.core.Split;
import org.lcrec.core.UnknownItemPolicy;
import org.lcrec.inference.DecoderOptions;
import org.lcrec.inference.ModelBundle;
import org.lcrec.inference.Recommendation;
import org.lcrec.inference.Recommender;
import org.lcrec.inference.ScoredItem;

/**
 * Batch recommendation on Spark gives the single-JVM {@link Recommender}'s rankings for the same
 * users (scores to float rounding), and bad rows follow the unknown-item policy and are counted,
 * never dropped.
 */
class BatchRecommenderTest {
    static final StructType USERS =
            new StructType()
                    .add("user", DataTypes.StringType)
                    .add("history", DataTypes.createArrayType(DataTypes.IntegerType, true));

    /** The first {@code n} synthetic users' test-split histories (capped at 20 items). */
    static List<Row> testUsers(int n) {
        List<Row> rows = new ArrayList<>();
        for (LeaveOneOut.Sample s :
                LeaveOneOut.lcRec().list(SparkTests.DATA.interactions(), Split.TEST)) {
            if (rows.size() == n) {
                break;
            }
            rows.add(RowFactory.create(s.user(), boxed(s.history()).toArray(new Integer[0])));
        }
        return rows;
    }

    static List<Integer> boxed(int[] a) {
        List<Integer> out = new ArrayList<>(a.length);
        for (int v : a) {
            out.add(v);
        }
        return out;
    }

    static Dataset<Row> frame(List<Row> rows, int partitions) {
        return SparkTests.spark()
                .createDataFrame(SparkTests.jsc().parallelize(rows, partitions), USERS);
    }

    /**
     * Scores agree to float rounding, not to the bit: how a user's padded prompt and beams are
     * summed depends on which users share its decoder batch (measured: at most 4e-6 apart).
     */
    static final double SCORE_TOL = 1e-4;

    /** The items whose reference score is within {@link #SCORE_TOL} of rank {@code i}'s. */
    static List<Integer> tiedWith(Recommendation r, int i) {
        double s = r.items().get(i).score();
        List<Integer> out = new ArrayList<>();
        for (ScoredItem e : r.items()) {
            if (Math.abs(e.score() - s) <= SCORE_TOL) {
                out.add(e.item());
            }
        }
        return out;
    }

    /** The single-JVM reference: the same settings, all users in one call. */
    static Map<String, Recommendation> singleJvm(List<Row> rows, BatchRecommendConfig config) {
        ModelBundle b = ModelBundle.read(SparkTests.bundle());
        List<int[]> histories = new ArrayList<>();
        for (Row r : rows) {
            histories.add(
                    Arrays.stream((Integer[]) r.get(1)).mapToInt(Integer::intValue).toArray());
        }
        Map<String, Recommendation> out = new HashMap<>();
        try (Recommender rec =
                Recommender.open(
                        b,
                        config.recommenderConfig(b),
                        DecoderOptions.cpu().withIntraOpThreads(1))) {
            List<Recommendation> recs = rec.recommendAll(histories, config.k(), config.template());
            for (int i = 0; i < rows.size(); i++) {
                out.put(rows.get(i).getString(0), recs.get(i));
            }
        }
        return out;
    }

    @Test
    void sparkGivesTheSingleJvmRankingsAndScoresFor520Users() {
        List<Row> users = testUsers(520);
        BatchRecommendConfig config = BatchRecommendConfig.builder().k(10).build();
        BatchRecommender spark =
                new BatchRecommender(ExecutorFile.shared(SparkTests.bundle()), config);
        Dataset<Row> result = spark.recommend(frame(users, 5)).cache();
        List<Row> out = result.collectAsList();
        Map<String, Recommendation> reference = singleJvm(users, config);
        assertThat(out).hasSize(520);
        int compared = 0;
        int sameItem = 0;
        for (Row r : out) {
            Recommendation expected = reference.get(r.getString(0));
            assertThat(r.getString(4)).isEqualTo(BatchRecommender.OK);
            assertThat(r.<Integer>getList(3)).isEmpty();
            List<Integer> items = r.getList(1);
            List<Double> scores = r.getList(2);
            assertThat(items).as(r.getString(0)).hasSize(10);
            for (int i = 0; i < 10; i++) {
                ScoredItem e = expected.items().get(i);
                assertThat(scores.get(i))
                        .as("%s rank %d", r.getString(0), i + 1)
                        .isCloseTo(e.score(), within(SCORE_TOL));
                assertThat(items.get(i))
                        .as("%s rank %d", r.getString(0), i + 1)
                        .isIn(tiedWith(expected, i));
                if (items.get(i) == e.item()) {
                    sameItem++;
                }
            }
            compared++;
        }
        assertThat(compared).isEqualTo(520);
        // ties within the tolerance are rare: nearly every rank holds the very same item
        assertThat(sameItem).isGreaterThan(5200 * 99 / 100);
        BatchSummary s = BatchRecommender.summarize(result);
        assertThat(s).isEqualTo(new BatchSummary(520, 520, 0, 0, 0));
        result.unpersist();
    }

    @Test
    void aBundleShippedBySparkGivesWhatTheSharedPathGives() {
        List<Row> users = testUsers(40);
        BatchRecommendConfig config = BatchRecommendConfig.builder().k(5).build();
        ExecutorFile shipped = ExecutorFile.ship(SparkTests.spark(), SparkTests.bundle());
        assertThat(shipped.shipped()).isTrue();
        List<Row> viaSpark =
                new BatchRecommender(shipped, config).recommend(frame(users, 2)).collectAsList();
        List<Row> shared =
                new BatchRecommender(ExecutorFile.shared(SparkTests.bundle()), config)
                        .recommend(frame(users, 2))
                        .collectAsList();
        assertThat(viaSpark).isEqualTo(shared);
        // the tasks read Spark's copy, not the driver's directory
        assertThat(
                        SparkTests.spark()
                                .createDataset(List.of(1), org.apache.spark.sql.Encoders.INT())
                                .map(
                                        (org.apache.spark.api.java.function.MapFunction<
                                                        Integer, String>)
                                                i -> shipped.local().toString(),
                                        org.apache.spark.sql.Encoders.STRING())
                                .first())
                .isNotEqualTo(SparkTests.bundle().toString())
                .endsWith("tiny-bundle");
    }

    @Test
    void aBundleRewrittenInPlaceIsOpenedAnewNotServedFromTheOldCopy() {
        List<Row> users = testUsers(24);
        BatchRecommendConfig config = BatchRecommendConfig.builder().k(5).build();
        java.nio.file.Path dir = java.nio.file.Path.of("target", "test-fixtures", "rewritten");
        SparkTests.writeBundle(dir, 11);
        BatchRecommender r = new BatchRecommender(ExecutorFile.shared(dir), config);
        List<Row> before = r.recommend(frame(users, 2)).collectAsList();
        java.nio.file.Path again = SparkTests.writeBundle(dir, 12); // another model, same place
        List<Row> after = r.recommend(frame(users, 2)).collectAsList();
        assertThat(after).isNotEqualTo(before);
        ModelBundle b = ModelBundle.read(again);
        try (Recommender rec =
                Recommender.open(
                        b,
                        config.recommenderConfig(b),
                        DecoderOptions.cpu().withIntraOpThreads(1))) {
            for (int i = 0; i < users.size(); i++) {
                int[] h =
                        Arrays.stream((Integer[]) users.get(i).get(1))
                                .mapToInt(Integer::intValue)
                                .toArray();
                assertThat(after.get(i).<Integer>getList(1))
                        .containsExactlyElementsOf(boxed(rec.recommend(h, 5).itemIds()));
            }
        }
    }

    @Test
    void badRowsFollowTheUnknownItemPolicyAndAreCountedNeverDropped() {
        int unknown = 1_000_000;
        List<Row> good = testUsers(3);
        List<Integer> withUnknown = new ArrayList<>(Arrays.asList((Integer[]) good.get(0).get(1)));
        withUnknown.add(1, unknown);
        withUnknown.add(unknown + 1);
        List<Integer> withNull = new ArrayList<>(Arrays.asList((Integer[]) good.get(1).get(1)));
        withNull.add(null);
        List<Row> rows =
                List.of(
                        good.get(2),
                        RowFactory.create("u-unknown", withUnknown.toArray(new Integer[0])),
                        RowFactory.create("u-null-id", withNull.toArray(new Integer[0])),
                        RowFactory.create("u-empty", new Integer[0]),
                        RowFactory.create("u-null-history", null),
                        RowFactory.create("u-only-unknown", new Integer[] {unknown, unknown + 2}),
                        RowFactory.create(null, good.get(2).get(1)));
        BatchRecommendConfig skip =
                BatchRecommendConfig.builder().k(5).unknownItems(UnknownItemPolicy.SKIP).build();
        BatchRecommender r = new BatchRecommender(ExecutorFile.shared(SparkTests.bundle()), skip);
        Dataset<Row> out = r.recommend(frame(rows, 3));
        Map<String, Row> byUser = new HashMap<>();
        for (Row row : out.collectAsList()) {
            byUser.put(row.isNullAt(0) ? "<null>" : row.getString(0), row);
        }
        assertThat(byUser).hasSize(rows.size());
        assertThat(byUser.get("u-unknown").<Integer>getList(3))
                .containsExactly(unknown, unknown + 1);
        assertThat(byUser.get("u-null-id").<Integer>getList(3)).containsExactly((Integer) null);
        for (String u : List.of("u-empty", "u-null-history", "u-only-unknown")) {
            assertThat(byUser.get(u).getString(4)).as(u).isEqualTo(BatchRecommender.NO_KNOWN_ITEMS);
            assertThat(byUser.get(u).<Integer>getList(1)).as(u).isEmpty();
        }
        assertThat(byUser.get("u-only-unknown").<Integer>getList(3))
                .containsExactly(unknown, unknown + 2);
        // the users with unknown items get what the single-JVM Recommender gives under SKIP
        Map<String, Recommendation> reference =
                singleJvm(
                        List.of(
                                RowFactory.create(
                                        "u-unknown", withUnknown.toArray(new Integer[0]))),
                        skip);
        assertThat(byUser.get("u-unknown").<Integer>getList(1))
                .containsExactlyElementsOf(boxed(reference.get("u-unknown").itemIds()));
        Map<String, Recommendation> withoutNull =
                singleJvm(List.of(RowFactory.create("u-null-id", good.get(1).get(1))), skip);
        assertThat(byUser.get("u-null-id").<Integer>getList(1))
                .containsExactlyElementsOf(boxed(withoutNull.get("u-null-id").itemIds()));
        assertThat(byUser.get("<null>").<Integer>getList(1))
                .containsExactlyElementsOf(
                        byUser.get(good.get(2).getString(0)).<Integer>getList(1));

        assertThat(BatchRecommender.summarize(out)).isEqualTo(new BatchSummary(7, 4, 3, 3, 5));

        // FAIL: the job fails, naming the user
        BatchRecommender strict =
                new BatchRecommender(
                        ExecutorFile.shared(SparkTests.bundle()),
                        skip.withUnknownItems(UnknownItemPolicy.FAIL));
        assertThatThrownBy(() -> strict.recommend(frame(rows.subList(0, 2), 1)).collectAsList())
                .hasStackTraceContaining(
                        "user u-unknown: the history has 2 item(s) the index does not know: [1000000, 1000001]");
        assertThatThrownBy(() -> strict.recommend(frame(List.of(rows.get(3)), 1)).collectAsList())
                .hasStackTraceContaining("user u-empty: empty history");
    }

    @Test
    void historiesAreEachUsersItemsInTimeOrder() {
        StructType events =
                new StructType()
                        .add("uid", DataTypes.LongType)
                        .add("item", DataTypes.LongType)
                        .add("ts", DataTypes.LongType);
        List<Row> rows = new ArrayList<>();
        Map<String, int[]> expected = new HashMap<>();
        for (int u = 0; u < 40; u++) {
            int[] seq = SparkTests.DATA.interactions().sequence(u);
            expected.put(Long.toString(1000L + u), seq);
            for (int i = seq.length - 1; i >= 0; i--) { // written newest first
                rows.add(RowFactory.create(1000L + u, (long) seq[i], 10L * i));
            }
        }
        Dataset<Row> h =
                BatchRecommender.histories(
                        SparkTests.spark()
                                .createDataFrame(SparkTests.jsc().parallelize(rows, 3), events),
                        "uid",
                        "item",
                        "ts");
        Map<String, int[]> got = new HashMap<>();
        for (Row r : h.collectAsList()) {
            got.put(
                    r.getString(0),
                    r.<Integer>getList(1).stream().mapToInt(Integer::intValue).toArray());
        }
        assertThat(got).hasSameSizeAs(expected);
        expected.forEach((u, seq) -> assertThat(got.get(u)).as(u).isEqualTo(seq));
        assertThatThrownBy(() -> BatchRecommender.histories(h, "uid", "item", "time"))
                .hasMessageContaining("expected a column \"uid\"");
    }

    @Test
    void settingsTheBundleCannotServeFailOnTheDriver() {
        ExecutorFile b = ExecutorFile.shared(SparkTests.bundle());
        Dataset<Row> users = frame(testUsers(2), 1);
        assertThatThrownBy(
                        () ->
                                new BatchRecommender(
                                                b, BatchRecommendConfig.builder().k(601).build())
                                        .recommend(users))
                .hasMessageContaining("k=601 is larger than the catalogue (600 items)");
        assertThatThrownBy(
                        () ->
                                new BatchRecommender(
                                                b,
                                                BatchRecommendConfig.builder().template(3).build())
                                        .recommend(users))
                .hasMessageContaining("template 3 does not exist: the bundle has 2 template(s)");
        assertThatThrownBy(
                        () ->
                                new BatchRecommender(
                                                b,
                                                BatchRecommendConfig.builder()
                                                        .historyColumn("items")
                                                        .build())
                                        .recommend(users))
                .hasMessageContaining("expected a column \"items\", found columns [user, history]");
        assertThat(Arrays.asList(BatchRecommender.SCHEMA.fieldNames()))
                .containsExactly("user", "items", "scores", "skipped_items", "status");
    }
}
