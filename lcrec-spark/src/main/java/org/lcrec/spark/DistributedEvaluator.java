package org.lcrec.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.lcrec.core.Interactions;
import org.lcrec.core.LeaveOneOut;
import org.lcrec.core.SemanticIndex;
import org.lcrec.core.Split;
import org.lcrec.inference.EvaluationConfig;
import org.lcrec.inference.ModelBundle;
import org.lcrec.inference.Recommendation;
import org.lcrec.inference.Recommender;
import org.lcrec.inference.RecommenderConfig;
import org.lcrec.spark.internal.Rows;

/**
 * Leave-one-out evaluation of a model bundle over a Spark dataset of samples, aggregated exactly:
 * every task ranks its samples' targets as {@code Evaluator} does, and the job adds up how many
 * samples put the target at each rank ({@link RankCounts}); HR@K and NDCG@K come from those sums
 * and counts, never from averages of averages. For the same users and settings the ranks, and so
 * the counts, are {@code Evaluator}'s; HR@K is then the same double, NDCG@K the exact mean of the
 * same per-sample values (Evaluator's running sum may differ from it in the last bits).
 *
 * <p>As in {@code Evaluator}: matching is on item ids; history items the index does not know are
 * left out of the prompt; a sample with no known history item is ranked 0 and counted as skipped;
 * whether history items may be recommended is the decoding's rule. The protocol's {@code maxUsers}
 * must be 0 (a Spark dataset has no first users; filter or sample it instead) and its bootstrap
 * settings are not used.
 */
public final class DistributedEvaluator {
    /** Sample column: the user id. */
    public static final String USER = "user";

    /** Sample column: the history, item ids oldest first. */
    public static final String HISTORY = "history";

    /** Sample column: the held-out item. */
    public static final String TARGET = "target";

    /** The samples' schema ({@link #samples} builds it from sequences). */
    public static final StructType SAMPLES =
            new StructType()
                    .add(USER, DataTypes.StringType, false)
                    .add(HISTORY, DataTypes.createArrayType(DataTypes.IntegerType, false), false)
                    .add(TARGET, DataTypes.IntegerType, false);

    /** Rank column: the template's index in the bundle. */
    public static final String TEMPLATE = "template";

    /** Rank column: the target's 1-based rank, 0 when not in the top max(K). */
    public static final String RANK = "rank";

    /** Rank column: predictions naming no item. */
    public static final String INVALID = "invalid";

    /** Rank column: whether the sample had no known history item. */
    public static final String SKIPPED = "skipped";

    /** The schema of {@link #ranks}: one row per sample and template. */
    public static final StructType RANKS =
            new StructType()
                    .add(USER, DataTypes.StringType, true)
                    .add(TEMPLATE, DataTypes.IntegerType, false)
                    .add(RANK, DataTypes.IntegerType, false)
                    .add(INVALID, DataTypes.IntegerType, false)
                    .add(SKIPPED, DataTypes.BooleanType, false);

    private final ExecutorFile bundle;
    private final BatchRecommendConfig decoding;
    private final EvaluationConfig protocol;

    /**
     * @param bundle the model bundle, as the executors find it
     * @param decoding how to decode (its k and template are not used: the protocol's largest
     *     cut-off and templates are)
     * @param protocol split, cut-offs, history cap and templates
     * @throws IllegalArgumentException if the protocol caps the users
     */
    public DistributedEvaluator(
            ExecutorFile bundle, BatchRecommendConfig decoding, EvaluationConfig protocol) {
        this.bundle = Objects.requireNonNull(bundle, "bundle");
        this.decoding = Objects.requireNonNull(decoding, "decoding");
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        if (protocol.maxUsers() != 0) {
            throw new IllegalArgumentException(
                    "maxUsers must be 0 on Spark, found "
                            + protocol.maxUsers()
                            + ": a Spark dataset has no first users (filter or sample it instead)");
        }
    }

    /**
     * The protocol's leave-one-out samples of complete sequences, one per user long enough for the
     * split ({@link LeaveOneOut} of the protocol's history cap, applied per partition).
     *
     * @param sequences one row per user: a user column and an items column (array of item ids in
     *     time order)
     * @param userColumn the user column
     * @param itemsColumn the items column
     * @return samples, {@link #SAMPLES}
     */
    public Dataset<Row> samples(Dataset<Row> sequences, String userColumn, String itemsColumn) {
        Objects.requireNonNull(sequences, "sequences");
        BatchRecommender.requireColumns(sequences, userColumn, itemsColumn);
        return sequences
                .select(
                        col(userColumn).cast(DataTypes.StringType),
                        col(itemsColumn).cast(DataTypes.createArrayType(DataTypes.IntegerType)))
                .mapPartitions(
                        new Samples(protocol.split(), protocol.maxHistory()),
                        Encoders.row(SAMPLES));
    }

    /**
     * The target's rank for every sample and template, as {@code Evaluator} computes it.
     *
     * @param samples {@link #SAMPLES} columns (others are ignored)
     * @return one row per sample and template, {@link #RANKS}
     */
    public Dataset<Row> ranks(Dataset<Row> samples) {
        Objects.requireNonNull(samples, "samples");
        BatchRecommender.requireColumns(samples, USER, HISTORY, TARGET);
        ModelBundle b = ModelBundle.read(bundle.driverPath());
        return samples.select(
                        col(USER).cast(DataTypes.StringType),
                        col(HISTORY).cast(DataTypes.createArrayType(DataTypes.IntegerType)),
                        col(TARGET).cast(DataTypes.IntegerType))
                .mapPartitions(
                        new Ranks(bundle, decoding, templates(b), k(b)), Encoders.row(RANKS));
    }

    /**
     * Evaluates: ranks every sample, then sums per template and rank (one small aggregation whose
     * result, at most {@code templates × (max K + 1)} rows, comes to the driver).
     *
     * @param samples {@link #SAMPLES} columns
     * @param model a label for the report
     * @return the counts and metrics
     * @throws IllegalArgumentException if there is no sample
     */
    public DistributedEvaluation evaluate(Dataset<Row> samples, String model) {
        return aggregate(ranks(samples), model);
    }

    /**
     * Sums ranks that {@link #ranks} computed (kept, for example, for paired comparisons) per
     * template and rank, without decoding again.
     *
     * @param ranks {@link #RANKS} rows of this evaluator's bundle and protocol
     * @param model a label for the report
     * @return the counts and metrics
     * @throws IllegalArgumentException if there is no sample, or a rank exceeds the protocol's
     *     largest cut-off
     */
    public DistributedEvaluation aggregate(Dataset<Row> ranks, String model) {
        Objects.requireNonNull(ranks, "ranks");
        Objects.requireNonNull(model, "model");
        BatchRecommender.requireColumns(ranks, TEMPLATE, RANK, INVALID, SKIPPED);
        ModelBundle b = ModelBundle.read(bundle.driverPath());
        int[] templates = templates(b);
        int k = k(b);
        List<Row> sums =
                ranks.groupBy(col(TEMPLATE), col(RANK))
                        .agg(
                                count(lit(1)),
                                sum(col(INVALID)),
                                sum(when(col(SKIPPED), 1).otherwise(0)))
                        .collectAsList();
        List<RankCounts> out = new ArrayList<>();
        for (int t : templates) {
            long[] counts = new long[k + 1];
            long invalid = 0;
            long skipped = 0;
            for (Row r : sums) {
                if (r.getInt(0) == t) {
                    int rank = r.getInt(1);
                    if (rank < 0 || rank > k) {
                        throw new IllegalArgumentException(
                                "expected ranks in [0, " + k + "], found " + rank);
                    }
                    counts[rank] += r.getLong(2);
                    invalid += r.getLong(3);
                    skipped += r.getLong(4);
                }
            }
            long n = 0;
            for (long c : counts) {
                n += c;
            }
            out.add(new RankCounts(b.templates().get(t).name(), n, skipped, invalid, counts));
        }
        if (out.get(0).samples() == 0) {
            throw new IllegalArgumentException(
                    "no " + protocol.split() + " samples: the dataset is empty");
        }
        RecommenderConfig rc = decoding.recommenderConfig(b);
        return new DistributedEvaluation(
                model,
                protocol.split().name().toLowerCase(java.util.Locale.ROOT),
                protocol.ks(),
                Math.max(rc.beams(), k),
                rc.excludeHistory(),
                out);
    }

    /** Decoded items per sample: the largest cut-off, at most the catalogue (as Evaluator). */
    private int k(ModelBundle b) {
        return Math.min(protocol.maxK(), b.index().size());
    }

    private int[] templates(ModelBundle b) {
        int n = b.templates().size();
        List<Integer> chosen = protocol.templates();
        int[] out;
        if (chosen.isEmpty()) {
            out = new int[n];
            for (int t = 0; t < n; t++) {
                out[t] = t;
            }
            return out;
        }
        out = new int[chosen.size()];
        for (int i = 0; i < out.length; i++) {
            int t = chosen.get(i);
            if (t < 0 || t >= n) {
                throw new IllegalArgumentException(
                        "template " + t + " does not exist: the model has " + n + " template(s)");
            }
            out[i] = t;
        }
        return out;
    }

    /** Leave-one-out per partition, through lcrec-core's {@link LeaveOneOut}. */
    private static final class Samples implements MapPartitionsFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final Split split;
        private final int maxHistory;

        Samples(Split split, int maxHistory) {
            this.split = split;
            this.maxHistory = maxHistory;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> input) {
            Interactions.Builder b = Interactions.builder();
            boolean any = false;
            while (input.hasNext()) {
                Row r = input.next();
                Integer[] items = Rows.integers(r, 1);
                if (items == null || items.length == 0) {
                    continue; // no sample for any split, as for a user with one item
                }
                String user = r.isNullAt(0) ? null : r.getString(0);
                int[] seq = new int[items.length];
                for (int i = 0; i < seq.length; i++) {
                    Integer item = items[i];
                    if (item == null) {
                        throw new IllegalArgumentException(
                                "user "
                                        + user
                                        + ": null item id at position "
                                        + i
                                        + " of the sequence");
                    }
                    seq[i] = item;
                }
                b.add(user, seq);
                any = true;
            }
            if (!any) {
                return java.util.Collections.emptyIterator();
            }
            Iterator<LeaveOneOut.Sample> it =
                    new LeaveOneOut(maxHistory).samples(b.build(), split).iterator();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public Row next() {
                    LeaveOneOut.Sample s = it.next();
                    return RowFactory.create(s.user(), Rows.array(s.history()), s.target());
                }
            };
        }
    }

    /** Ranks a partition's targets, a chunk of decoder batches at a time. */
    private static final class Ranks implements MapPartitionsFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final ExecutorFile bundle;
        private final BatchRecommendConfig decoding;
        private final int[] templates;
        private final int k;

        Ranks(ExecutorFile bundle, BatchRecommendConfig decoding, int[] templates, int k) {
            this.bundle = bundle;
            this.decoding = decoding;
            this.templates = templates;
            this.k = k;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> input) {
            return new Iterator<>() {
                private final List<Row> ready = new ArrayList<>();
                private int next;

                @Override
                public boolean hasNext() {
                    if (next == ready.size() && input.hasNext()) {
                        ready.clear();
                        next = 0;
                        fill();
                    }
                    return next < ready.size();
                }

                @Override
                public Row next() {
                    if (!hasNext()) {
                        throw new java.util.NoSuchElementException();
                    }
                    return ready.get(next++);
                }

                private void fill() {
                    Recommender rec = BatchRecommender.recommender(bundle, decoding);
                    SemanticIndex index = rec.index();
                    int chunk = decoding.batchSize() * BatchRecommender.CHUNK_BATCHES;
                    List<String> users = new ArrayList<>(chunk);
                    List<Integer> targets = new ArrayList<>(chunk);
                    List<int[]> known = new ArrayList<>(chunk);
                    while (users.size() < chunk && input.hasNext()) {
                        Row r = input.next();
                        String user = r.isNullAt(0) ? null : r.getString(0);
                        if (r.isNullAt(2)) {
                            throw new IllegalArgumentException("user " + user + ": no target item");
                        }
                        Integer[] h = Rows.integers(r, 1);
                        if (h == null) {
                            h = new Integer[0];
                        }
                        int[] items = new int[h.length];
                        int n = 0;
                        for (Integer item : h) {
                            if (item != null && index.contains(item)) {
                                items[n++] = item;
                            }
                        }
                        users.add(user);
                        targets.add(r.getInt(2));
                        known.add(java.util.Arrays.copyOf(items, n));
                    }
                    List<int[]> decoded = new ArrayList<>(known.size());
                    for (int[] h : known) {
                        if (h.length > 0) {
                            decoded.add(h);
                        }
                    }
                    for (int t : templates) {
                        List<Recommendation> recs =
                                decoded.isEmpty() ? List.of() : rec.recommendAll(decoded, k, t);
                        int d = 0;
                        for (int i = 0; i < users.size(); i++) {
                            if (known.get(i).length == 0) {
                                ready.add(RowFactory.create(users.get(i), t, 0, 0, true));
                            } else {
                                Recommendation r = recs.get(d++);
                                ready.add(
                                        RowFactory.create(
                                                users.get(i),
                                                t,
                                                r.rankOf(targets.get(i)),
                                                r.invalidPredictions(),
                                                false));
                            }
                        }
                    }
                }
            };
        }
    }
}
