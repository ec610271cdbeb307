package org.lcrec.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.lcrec.core.SemanticIndex;
import org.lcrec.core.UnknownItemPolicy;
import org.lcrec.inference.DecoderOptions;
import org.lcrec.inference.ModelBundle;
import org.lcrec.inference.Recommendation;
import org.lcrec.inference.Recommender;
import org.lcrec.inference.ScoredItem;
import org.lcrec.spark.internal.ExecutorCache;
import org.lcrec.spark.internal.Rows;

/**
 * Top-K items for every user of a Spark dataset, by the model bundle's {@link Recommender}: a
 * {@code Dataset<Row>} of users and histories in, a {@code Dataset<Row>} of users, items and scores
 * out ({@link #SCHEMA}). Each executor JVM opens the bundle once ({@link ExecutorFile}: shipped by
 * Spark or on a shared path) and its tasks share that recommender; a task decodes its partition
 * {@link BatchRecommendConfig#batchSize()} users at a time and holds {@value #CHUNK_BATCHES}
 * batches at most. The rankings are the single-JVM {@code Recommender}'s for the same users and
 * settings ({@link BatchRecommendConfig#recommenderConfig}); the scores agree to float rounding,
 * since the last bits depend on which users share a decoder batch.
 *
 * <p>Bad rows are never dropped. Under {@link UnknownItemPolicy#SKIP}, unknown history items (and
 * null item ids) are left out and listed in {@value #SKIPPED_ITEMS}; a user left without a known
 * item (an empty or null history, or only unknown items) gets no items and the status {@value
 * #NO_KNOWN_ITEMS}. Under {@link UnknownItemPolicy#FAIL} either case fails the task with a message
 * naming the user, and so the job once Spark's retries are spent. {@link #summarize} counts them.
 *
 * <pre>{@code
 * BatchRecommender r = new BatchRecommender(ExecutorFile.ship(spark, Path.of("bundle")),
 *         BatchRecommendConfig.builder().k(10).unknownItems(UnknownItemPolicy.SKIP).build());
 * Dataset<Row> top = r.recommend(BatchRecommender.histories(interactions, "user", "item", "time"));
 * }</pre>
 *
 * @implNote a partition's rows pass through in their order; the output of a retried task is that of
 *     its first attempt, since decoding is deterministic for a bundle and settings.
 */
public final class BatchRecommender {
    /** Output column: the user id, as a string. */
    public static final String USER = "user";

    /** Output column: the recommended item ids, best first. */
    public static final String ITEMS = "items";

    /** Output column: each item's score (the sum of its index tokens' log-probabilities). */
    public static final String SCORES = "scores";

    /** Output column: history items left out because the index lacks them (null: a null id). */
    public static final String SKIPPED_ITEMS = "skipped_items";

    /** Output column: {@value #OK} or {@value #NO_KNOWN_ITEMS}. */
    public static final String STATUS = "status";

    /** Status of a user with recommendations. */
    public static final String OK = "ok";

    /** Status of a user without a known history item: nothing to recommend from. */
    public static final String NO_KNOWN_ITEMS = "no_known_items";

    /** The output's schema. */
    public static final StructType SCHEMA =
            new StructType()
                    .add(USER, DataTypes.StringType, true)
                    .add(ITEMS, DataTypes.createArrayType(DataTypes.IntegerType, false), false)
                    .add(SCORES, DataTypes.createArrayType(DataTypes.DoubleType, false), false)
                    .add(
                            SKIPPED_ITEMS,
                            DataTypes.createArrayType(DataTypes.IntegerType, true),
                            false)
                    .add(STATUS, DataTypes.StringType, false);

    /** Decoder batches a task holds at once. */
    static final int CHUNK_BATCHES = 8;

    private final ExecutorFile bundle;
    private final BatchRecommendConfig config;

    /**
     * @param bundle the model bundle, as the executors find it
     * @param config decoding settings and input columns
     */
    public BatchRecommender(ExecutorFile bundle, BatchRecommendConfig config) {
        this.bundle = Objects.requireNonNull(bundle, "bundle");
        this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * @return the bundle's location
     */
    public ExecutorFile bundle() {
        return bundle;
    }

    /**
     * @return the settings
     */
    public BatchRecommendConfig config() {
        return config;
    }

    /**
     * Recommends for every row (lazily, like any transformation). The bundle is read on the driver
     * first, so a wrong k or template fails here rather than in every task.
     *
     * @param users a user column and a history column (array of item ids, oldest first), named as
     *     in the config; other columns are ignored
     * @return one row per input row, {@link #SCHEMA}
     * @throws IllegalArgumentException naming the missing column, or a k or template the bundle
     *     cannot serve
     */
    public Dataset<Row> recommend(Dataset<Row> users) {
        Objects.requireNonNull(users, "users");
        requireColumns(users, config.userColumn(), config.historyColumn());
        ModelBundle b = ModelBundle.read(bundle.driverPath());
        if (config.k() > b.index().size()) {
            throw new IllegalArgumentException(
                    "k="
                            + config.k()
                            + " is larger than the catalogue ("
                            + b.index().size()
                            + " items)");
        }
        if (config.template() >= b.templates().size()) {
            throw new IllegalArgumentException(
                    "template "
                            + config.template()
                            + " does not exist: the bundle has "
                            + b.templates().size()
                            + " template(s)");
        }
        config.recommenderConfig(b); // fails here for settings the bundle's decoding refuses
        return users.select(
                        col(config.userColumn()).cast(DataTypes.StringType),
                        col(config.historyColumn())
                                .cast(DataTypes.createArrayType(DataTypes.IntegerType)))
                .mapPartitions(new Decode(bundle, config), Encoders.row(SCHEMA));
    }

    /**
     * Histories from an interactions table: each user's items ordered by time (ties by item id).
     *
     * @param interactions one row per interaction
     * @param userColumn the user id column
     * @param itemColumn the item id column (integers)
     * @param timeColumn the time column (anything orderable)
     * @return columns {@code user} (string) and {@code history} (array of item ids, oldest first)
     */
    public static Dataset<Row> histories(
            Dataset<Row> interactions, String userColumn, String itemColumn, String timeColumn) {
        Objects.requireNonNull(interactions, "interactions");
        requireColumns(interactions, userColumn, itemColumn, timeColumn);
        return interactions
                .groupBy(col(userColumn).cast(DataTypes.StringType).as("user"))
                .agg(
                        sort_array(
                                        collect_list(
                                                struct(
                                                        col(timeColumn).as("t"),
                                                        col(itemColumn)
                                                                .cast(DataTypes.IntegerType)
                                                                .as("i"))))
                                .as("events"))
                .select(col("user"), transform(col("events"), e -> e.getField("i")).as("history"));
    }

    /**
     * Counts the users of an output by outcome, exactly, in one pass over it.
     *
     * @param recommendations what {@link #recommend} returned (or its saved copy)
     * @return the counts
     */
    public static BatchSummary summarize(Dataset<Row> recommendations) {
        Row r =
                recommendations
                        .agg(
                                count(lit(1)),
                                sum(when(col(STATUS).equalTo(OK), 1).otherwise(0)),
                                sum(when(col(STATUS).equalTo(NO_KNOWN_ITEMS), 1).otherwise(0)),
                                sum(when(size(col(SKIPPED_ITEMS)).gt(0), 1).otherwise(0)),
                                sum(size(col(SKIPPED_ITEMS))))
                        .first();
        return new BatchSummary(
                r.getLong(0),
                longOrZero(r, 1),
                longOrZero(r, 2),
                longOrZero(r, 3),
                longOrZero(r, 4));
    }

    private static long longOrZero(Row r, int i) {
        return r.isNullAt(i) ? 0 : ((Number) r.get(i)).longValue();
    }

    static void requireColumns(Dataset<Row> data, String... names) {
        List<String> have = Arrays.asList(data.columns());
        for (String n : names) {
            Objects.requireNonNull(n, "column name");
            if (!have.contains(n)) {
                throw new IllegalArgumentException(
                        "expected a column \"" + n + "\", found columns " + have);
            }
        }
    }

    /**
     * The recommender of this JVM for a bundle and settings, opened on first use.
     *
     * @param bundle where the bundle is
     * @param config the settings
     * @return the shared recommender
     */
    static Recommender recommender(ExecutorFile bundle, BatchRecommendConfig config) {
        java.nio.file.Path dir = bundle.local();
        return ExecutorCache.get(
                "recommender " + ExecutorCache.stamp(dir) + " " + config.decodingKey(),
                Recommender.class,
                () -> {
                    ModelBundle b = ModelBundle.read(dir);
                    return Recommender.open(
                            b,
                            config.recommenderConfig(b),
                            DecoderOptions.cpu().withIntraOpThreads(config.intraOpThreads()));
                });
    }

    /** A task's work: the partition's users, decoded a chunk at a time. */
    private static final class Decode implements MapPartitionsFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final ExecutorFile bundle;
        private final BatchRecommendConfig config;

        Decode(ExecutorFile bundle, BatchRecommendConfig config) {
            this.bundle = bundle;
            this.config = config;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> input) {
            return new Chunks(input, bundle, config);
        }
    }

    /** Reads a chunk of rows, decodes the users that have known items, hands out all rows. */
    private static final class Chunks implements Iterator<Row> {
        private final Iterator<Row> input;
        private final ExecutorFile bundle;
        private final BatchRecommendConfig config;
        private final int chunk;
        private Recommender recommender;
        private Row[] ready = new Row[0];
        private int next;

        Chunks(Iterator<Row> input, ExecutorFile bundle, BatchRecommendConfig config) {
            this.input = input;
            this.bundle = bundle;
            this.config = config;
            this.chunk = config.batchSize() * CHUNK_BATCHES;
        }

        @Override
        public boolean hasNext() {
            if (next == ready.length && input.hasNext()) {
                fill();
            }
            return next < ready.length;
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Row r = ready[next];
            ready[next++] = null;
            return r;
        }

        private void fill() {
            if (recommender == null) {
                recommender = recommender(bundle, config);
            }
            SemanticIndex index = recommender.index();
            boolean skip = config.unknownItems() == UnknownItemPolicy.SKIP;
            List<Row> rows = new ArrayList<>(chunk);
            while (rows.size() < chunk && input.hasNext()) {
                rows.add(input.next());
            }
            Row[] out = new Row[rows.size()];
            List<int[]> histories = new ArrayList<>(rows.size());
            List<Integer> at = new ArrayList<>(rows.size());
            List<Integer> nulls = new ArrayList<>(rows.size());
            for (int r = 0; r < out.length; r++) {
                Row row = rows.get(r);
                String user = row.isNullAt(0) ? null : row.getString(0);
                Integer[] h = Rows.integers(row, 1);
                if (h == null) {
                    h = new Integer[0];
                }
                int[] items = new int[h.length];
                int n = 0;
                int missing = 0;
                List<Integer> unknown = new ArrayList<>();
                int known = 0;
                for (Integer item : h) {
                    if (item == null) {
                        missing++;
                    } else {
                        items[n++] = item;
                        if (index.contains(item)) {
                            known++;
                        } else {
                            unknown.add(item);
                        }
                    }
                }
                if (!skip && (!unknown.isEmpty() || missing > 0)) {
                    throw new IllegalArgumentException(
                            "user "
                                    + user
                                    + ": the history has "
                                    + (unknown.size() + missing)
                                    + " item(s) the index does not know: "
                                    + unknown.subList(0, Math.min(20, unknown.size()))
                                    + (missing > 0 ? " and " + missing + " null id(s)" : "")
                                    + " (UnknownItemPolicy.SKIP leaves them out and reports them)");
                }
                if (known == 0) {
                    if (!skip) {
                        throw new IllegalArgumentException(
                                "user "
                                        + user
                                        + ": empty history, expected at least one item"
                                        + " (UnknownItemPolicy.SKIP reports such users as "
                                        + NO_KNOWN_ITEMS
                                        + ")");
                    }
                    Integer[] skipped = new Integer[n + missing];
                    for (int i = 0; i < n; i++) {
                        skipped[i] = items[i];
                    }
                    out[r] =
                            RowFactory.create(
                                    user,
                                    Rows.array(new int[0]),
                                    Rows.array(new double[0]),
                                    Rows.array(skipped),
                                    NO_KNOWN_ITEMS);
                    continue;
                }
                histories.add(n == items.length ? items : Arrays.copyOf(items, n));
                at.add(r);
                nulls.add(missing);
            }
            if (!histories.isEmpty()) {
                List<Recommendation> recs =
                        recommender.recommendAll(histories, config.k(), config.template());
                for (int i = 0; i < recs.size(); i++) {
                    int r = at.get(i);
                    Row row = rows.get(r);
                    out[r] =
                            toRow(
                                    row.isNullAt(0) ? null : row.getString(0),
                                    recs.get(i),
                                    nulls.get(i));
                }
            }
            ready = out;
            next = 0;
        }

        private static Row toRow(String user, Recommendation rec, int nullIds) {
            List<ScoredItem> items = rec.items();
            int[] ids = new int[items.size()];
            double[] scores = new double[items.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = items.get(i).item();
                scores[i] = items.get(i).score();
            }
            int[] s = rec.skippedHistoryItems();
            Integer[] skipped = new Integer[s.length + nullIds];
            for (int i = 0; i < s.length; i++) {
                skipped[i] = s[i];
            }
            return RowFactory.create(
                    user, Rows.array(ids), Rows.array(scores), Rows.array(skipped), OK);
        }
    }
}
