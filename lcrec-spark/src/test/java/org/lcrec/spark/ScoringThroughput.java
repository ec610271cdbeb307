package org.lcrec.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.lcrec.core.LeaveOneOut;
import org.lcrec.core.Split;
import org.lcrec.inference.DecoderOptions;
import org.lcrec.inference.ModelBundle;
import org.lcrec.inference.Recommendation;
import org.lcrec.inference.Recommender;
import org.lcrec.spark.internal.Rows;

/**
 * A timed main, not a test: users per second of batch recommendation on the same users by the
 * single-JVM {@link Recommender} (1 and 2 ONNX Runtime threads) and by {@link BatchRecommender} in
 * {@code local[1]} and {@code local[2]} (one ORT thread per task), so the overhead Spark adds is a
 * ratio of the two on the same cores. A timed main rather than JMH in lcrec-bench, which would
 * otherwise put Spark into the benchmarks jar.
 *
 * <pre>
 * java [Spark's --add-opens] -cp lcrec-spark/target/test-classes:lcrec-spark/target/classes:$(cat
 *     lcrec-spark/target/classpath.txt) org.lcrec.spark.ScoringThroughput --bundle DIR --data DIR
 *     [--users 1000] [--rounds 5] [--batch 32]
 * </pre>
 *
 * The four configurations run in turn within each round, so that a change of the machine's load (it
 * is shared) falls on all of them alike; the ratios are taken within a round and their median
 * reported. Before the rounds every configuration decodes the users once untimed (sessions opened,
 * code compiled). Spark's times are whole jobs (scheduling, row conversion, the output written to
 * Spark's no-op sink) on a session already running: each round starts the session, runs a small
 * untimed job, then the timed one.
 */
public final class ScoringThroughput {
    private ScoringThroughput() {}

    /**
     * @param args {@code --bundle DIR --data DIR [--users N] [--rounds R] [--batch B]}
     * @throws IOException reading the load average
     */
    public static void main(String[] args) throws IOException {
        String bundleDir = null;
        String dataDir = null;
        int users = 1000;
        int rounds = 5;
        int batch = 32;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--bundle" -> bundleDir = args[i + 1];
                case "--data" -> dataDir = args[i + 1];
                case "--users" -> users = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--batch" -> batch = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (bundleDir == null || dataDir == null) {
            throw new IllegalArgumentException("expected --bundle DIR --data DIR");
        }
        ModelBundle bundle = ModelBundle.read(Path.of(bundleDir));
        int cap = bundle.manifest().decoding().maxHistory();
        List<int[]> histories = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        for (LeaveOneOut.Sample s :
                new LeaveOneOut(cap)
                        .list(
                                org.lcrec.core.Dataset.load(Path.of(dataDir)).interactions(),
                                Split.TEST)) {
            if (histories.size() == users) {
                break;
            }
            histories.add(s.history());
            rows.add(RowFactory.create(s.user(), Rows.array(s.history())));
        }
        BatchRecommendConfig config = BatchRecommendConfig.builder().k(10).batchSize(batch).build();
        System.out.printf(
                Locale.ROOT,
                "%d users (test split, history <= %d), k 10, batch %d, %d rounds%n",
                histories.size(),
                cap,
                batch,
                rounds);
        String[] names = {
            "single JVM, 1 ORT thread",
            "single JVM, 2 ORT threads",
            "Spark local[1], 1 ORT thread per task",
            "Spark local[2], 1 ORT thread per task"
        };
        double[][] ups = new double[4][rounds];
        try (Recommender one = open(bundle, config, 1);
                Recommender two = open(bundle, config, 2)) {
            List<Recommendation> reference = one.recommendAll(histories, 10, 0); // untimed
            two.recommendAll(histories, 10, 0);
            for (int cores = 1; cores <= 2; cores++) {
                try (Session s = new Session(cores, rows, bundleDir, config)) {
                    List<Row> out = s.recommender.recommend(s.frame).collectAsList(); // untimed
                    int same = 0;
                    for (int i = 0; i < out.size(); i++) {
                        int[] got = ints(out.get(i));
                        same += Arrays.equals(got, reference.get(i).itemIds()) ? 1 : 0;
                    }
                    System.out.printf(
                            Locale.ROOT,
                            "local[%d]: %d of %d users get the single JVM's items%n",
                            cores,
                            same,
                            out.size());
                }
            }
            for (int r = 0; r < rounds; r++) {
                String load = Files.readString(Path.of("/proc/loadavg")).trim();
                ups[0][r] = time(() -> one.recommendAll(histories, 10, 0), histories.size());
                ups[1][r] = time(() -> two.recommendAll(histories, 10, 0), histories.size());
                for (int cores = 1; cores <= 2; cores++) {
                    try (Session s = new Session(cores, rows, bundleDir, config)) {
                        s.recommender.recommend(s.frame.limit(64)).collectAsList(); // untimed
                        ups[1 + cores][r] =
                                time(
                                        () ->
                                                s.recommender
                                                        .recommend(s.frame)
                                                        .write()
                                                        .format("noop")
                                                        .mode("overwrite")
                                                        .save(),
                                        histories.size());
                    }
                }
                System.out.printf(
                        Locale.ROOT,
                        "round %d: %.1f %.1f %.1f %.1f users/s (load average before: %s)%n",
                        r + 1,
                        ups[0][r],
                        ups[1][r],
                        ups[2][r],
                        ups[3][r],
                        load);
            }
        }
        for (int c = 0; c < 4; c++) {
            System.out.printf(Locale.ROOT, "%-40s median %.1f users/s%n", names[c], median(ups[c]));
        }
        double[] r1 = new double[rounds];
        double[] r2 = new double[rounds];
        double[] r21 = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            r1[r] = ups[2][r] / ups[0][r];
            r2[r] = ups[3][r] / ups[0][r];
            r21[r] = ups[3][r] / ups[2][r];
        }
        System.out.printf(
                Locale.ROOT,
                "per round, median: local[1] / single JVM (1 thread) %.2f; local[2] / single JVM"
                        + " (1 thread) %.2f; local[2] / local[1] %.2f%n",
                median(r1),
                median(r2),
                median(r21));
    }

    private static int[] ints(Row r) {
        Integer[] v = Rows.integers(r, 1);
        int[] out = new int[v.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = v[i];
        }
        return out;
    }

    private static Recommender open(ModelBundle b, BatchRecommendConfig c, int threads) {
        return Recommender.open(
                b, c.recommenderConfig(b), DecoderOptions.cpu().withIntraOpThreads(threads));
    }

    private static double time(Runnable job, int users) {
        long t0 = System.nanoTime();
        job.run();
        return users / ((System.nanoTime() - t0) / 1e9);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** A local session with the users in one partition per core. */
    private static final class Session implements AutoCloseable {
        final SparkSession spark;
        final Dataset<Row> frame;
        final BatchRecommender recommender;

        Session(int cores, List<Row> rows, String bundleDir, BatchRecommendConfig config) {
            spark =
                    SparkSession.builder()
                            .master("local[" + cores + "]")
                            .appName("lcrec scoring throughput")
                            .config("spark.ui.enabled", "false")
                            .getOrCreate();
            spark.sparkContext().setLogLevel("WARN");
            frame =
                    spark.createDataFrame(
                            JavaSparkContext.fromSparkContext(spark.sparkContext())
                                    .parallelize(rows, cores),
                            BatchRecommenderTest.USERS);
            recommender = new BatchRecommender(ExecutorFile.shared(Path.of(bundleDir)), config);
        }

        @Override
        public void close() {
            spark.stop();
        }
    }
}
