package org.lcrec.spark;

import static org.apache.spark.sql.functions.array_position;
import static org.apache.spark.sql.functions.col;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.lcrec.core.LeaveOneOut;
import org.lcrec.core.Split;
import org.lcrec.core.UnknownItemPolicy;
import org.lcrec.inference.ModelBundle;
import org.lcrec.spark.internal.Rows;

/**
 * Batch recommendation from the command line, for {@code spark-submit} on a cluster or {@code java}
 * in local mode: the users of a table (or the test users of an LC-Rec dataset directory) in, the
 * top-K items per user out, with the counts of {@link BatchRecommender#summarize} and the
 * throughput.
 *
 * <pre>
 * --bundle DIR          the model bundle (required)
 * --ship                ship the bundle with SparkContext.addFile (default: a path every node sees)
 * --data DIR            score the test users of this LC-Rec dataset (leave-one-out, the bundle's
 *                       history cap) and report HR@K and NDCG@K against their held-out items
 * --histories PATH      or: a Parquet or JSON-lines table with columns user and history
 * --interactions PATH   or: a Parquet, JSON-lines or CSV (with header) table with columns user,
 *                       item and time, grouped into histories
 * --users N             the first N users only (default: all)
 * --out PATH            write the recommendations there (Parquet; .json: JSON lines)
 * --master URL          Spark master (default: what spark-submit sets, else local[2])
 * --partitions N        repartition the users into N partitions (default: as read)
 * --k N                 items per user (default 10)
 * --batch N             users per decoder batch (default 32)
 * --threads N           ONNX Runtime threads per decoding call (default 1)
 * --skip-unknown        leave unknown history items out and report them (default: fail)
 * </pre>
 */
public final class BatchRecommend {
    private BatchRecommend() {}

    /**
     * @param args see the class comment
     */
    public static void main(String[] args) {
        Map<String, String> a = parse(args);
        PrintStream out = System.out;
        String bundleDir = require(a, "--bundle");
        SparkSession.Builder sb = SparkSession.builder().appName("lcrec batch recommend");
        if (a.containsKey("--master")) {
            sb.master(a.get("--master"));
        } else if (System.getProperty("spark.master") == null) {
            sb.master("local[2]");
        }
        SparkSession spark = sb.getOrCreate();
        spark.sparkContext().setLogLevel("WARN"); // what a run prints is its results
        try {
            run(spark, a, Path.of(bundleDir), out);
        } finally {
            spark.stop();
        }
    }

    private static void run(
            SparkSession spark, Map<String, String> a, Path bundleDir, PrintStream out) {
        ExecutorFile bundle =
                a.containsKey("--ship")
                        ? ExecutorFile.ship(spark, bundleDir)
                        : ExecutorFile.shared(bundleDir);
        BatchRecommendConfig config =
                BatchRecommendConfig.builder()
                        .k(intOption(a, "--k", 10))
                        .batchSize(intOption(a, "--batch", 32))
                        .intraOpThreads(intOption(a, "--threads", 1))
                        .unknownItems(
                                a.containsKey("--skip-unknown")
                                        ? UnknownItemPolicy.SKIP
                                        : UnknownItemPolicy.FAIL)
                        .build();
        Dataset<Row> users;
        boolean targets = false;
        if (a.containsKey("--data")) {
            users =
                    testUsers(
                            spark,
                            Path.of(a.get("--data")),
                            ModelBundle.read(bundleDir),
                            intOption(a, "--users", 0));
            targets = true;
        } else if (a.containsKey("--histories")) {
            users = read(spark, a.get("--histories"));
        } else if (a.containsKey("--interactions")) {
            users =
                    BatchRecommender.histories(
                            read(spark, a.get("--interactions")), "user", "item", "time");
        } else {
            throw new IllegalArgumentException(
                    "give one of --data DIR, --histories PATH or --interactions PATH");
        }
        if (!a.containsKey("--data") && a.containsKey("--users")) {
            users = users.limit(intOption(a, "--users", 0));
        }
        if (a.containsKey("--partitions")) {
            users = users.repartition(intOption(a, "--partitions", 1));
        }
        long t0 = System.nanoTime();
        Dataset<Row> recs = new BatchRecommender(bundle, config).recommend(users);
        if (targets) {
            // the held-out item rides along: users and targets are one table
            recs =
                    recs.join(users.select(col("user"), col("target")), "user")
                            .withColumn(
                                    "rank",
                                    array_position(col(BatchRecommender.ITEMS), col("target"))
                                            .cast(DataTypes.IntegerType));
        }
        recs = recs.cache();
        long n = recs.count();
        double seconds = (System.nanoTime() - t0) / 1e9;
        BatchSummary summary = BatchRecommender.summarize(recs);
        out.printf(Locale.ROOT, "%s%n", config);
        out.printf(
                Locale.ROOT,
                "bundle %s, master %s, %d partitions%n",
                bundle,
                spark.sparkContext().master(),
                users.rdd().getNumPartitions());
        out.printf(Locale.ROOT, "%s%n", summary);
        out.printf(Locale.ROOT, "%d users in %.1f s: %.2f users/s%n", n, seconds, n / seconds);
        if (targets) {
            long[] counts = new long[config.k() + 1];
            for (Row r : recs.groupBy("rank").count().collectAsList()) {
                counts[r.getInt(0)] += r.getLong(1);
            }
            RankCounts rc = new RankCounts("template 0", n, summary.noKnownItems(), 0, counts);
            int[] ks = config.k() >= 10 ? new int[] {1, 5, 10} : new int[] {1, config.k()};
            StringBuilder line = new StringBuilder("test items:");
            rc.metrics(ks)
                    .forEach((m, v) -> line.append(String.format(Locale.ROOT, " %s %.4f", m, v)));
            out.println(line);
        }
        if (a.containsKey("--out")) {
            String path = a.get("--out");
            if (path.endsWith(".json")) {
                recs.write().json(path);
            } else {
                recs.write().parquet(path);
            }
            out.printf(Locale.ROOT, "written to %s%n", path);
        } else {
            recs.show(5, false);
        }
        recs.unpersist();
    }

    /** The test users of a dataset: user, capped history, held-out item. */
    private static Dataset<Row> testUsers(
            SparkSession spark, Path dir, ModelBundle bundle, int max) {
        org.lcrec.core.Dataset data = org.lcrec.core.Dataset.load(dir);
        int cap = bundle.manifest().decoding().maxHistory();
        List<Row> rows = new ArrayList<>();
        for (LeaveOneOut.Sample s : new LeaveOneOut(cap).list(data.interactions(), Split.TEST)) {
            if (max > 0 && rows.size() == max) {
                break;
            }
            rows.add(RowFactory.create(s.user(), Rows.array(s.history()), s.target()));
        }
        StructType schema = DistributedEvaluator.SAMPLES;
        return spark.createDataFrame(rows, schema);
    }

    private static Dataset<Row> read(SparkSession spark, String path) {
        if (path.endsWith(".json") || path.endsWith(".jsonl")) {
            return spark.read().json(path);
        }
        if (path.endsWith(".csv")) {
            return spark.read().option("header", "true").option("inferSchema", "true").csv(path);
        }
        return spark.read().parquet(path);
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String k = args[i];
            if (!k.startsWith("--")) {
                throw new IllegalArgumentException(
                        "expected an option like --bundle, found \"" + k + "\"");
            }
            if (k.equals("--ship") || k.equals("--skip-unknown")) {
                m.put(k, "true");
            } else if (i + 1 < args.length) {
                m.put(k, args[++i]);
            } else {
                throw new IllegalArgumentException(k + ": expected a value");
            }
        }
        return m;
    }

    private static String require(Map<String, String> a, String key) {
        String v = a.get(key);
        if (v == null) {
            throw new IllegalArgumentException("expected " + key);
        }
        return v;
    }

    private static int intOption(Map<String, String> a, String key, int fallback) {
        String v = a.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    key + ": expected an integer, found \"" + v + "\"", e);
        }
    }
}
