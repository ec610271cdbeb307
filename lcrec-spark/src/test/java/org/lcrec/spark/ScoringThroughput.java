package org.lcrec.spark;

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
 *     [--users 1000] [--repeats 3] [--batch 32]
 * </pre>
 *
 * Each configuration decodes the users once untimed (sessions opened, code compiled), then {@code
 * repeats} times timed; Spark's times are whole jobs (scheduling, row conversion, the write of the
 * output to Spark's no-op sink), its session already running.
 */
public final class ScoringThroughput {
    private ScoringThroughput() {}

    /**
     * @param args {@code --bundle DIR --data DIR [--users N] [--repeats R] [--batch B]}
     */
    public static void main(String[] args) {
        String bundleDir = null;
        String dataDir = null;
        int users = 1000;
        int repeats = 3;
        int batch = 32;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--bundle" -> bundleDir = args[i + 1];
                case "--data" -> dataDir = args[i + 1];
                case "--users" -> users = Integer.parseInt(args[i + 1]);
                case "--repeats" -> repeats = Integer.parseInt(args[i + 1]);
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
                "%d users (Instruments test split, history <= %d), k 10, %s, %d repeats%n",
                histories.size(),
                cap,
                config,
                repeats);
        List<Recommendation> reference = null;
        for (int threads : new int[] {1, 2}) {
            try (Recommender r =
                    Recommender.open(
                            bundle,
                            config.recommenderConfig(bundle),
                            DecoderOptions.cpu().withIntraOpThreads(threads))) {
                reference = r.recommendAll(histories, 10, 0); // untimed
                double[] ups = new double[repeats];
                for (int k = 0; k < repeats; k++) {
                    long t0 = System.nanoTime();
                    r.recommendAll(histories, 10, 0);
                    ups[k] = histories.size() / ((System.nanoTime() - t0) / 1e9);
                }
                report("single JVM, " + threads + " ORT thread(s)", ups);
            }
        }
        for (int cores : new int[] {1, 2}) {
            SparkSession spark =
                    SparkSession.builder()
                            .master("local[" + cores + "]")
                            .appName("lcrec scoring throughput")
                            .config("spark.ui.enabled", "false")
                            .getOrCreate();
            try {
                Dataset<Row> frame =
                        spark.createDataFrame(
                                JavaSparkContext.fromSparkContext(spark.sparkContext())
                                        .parallelize(rows, cores),
                                BatchRecommenderTest.USERS);
                BatchRecommender br =
                        new BatchRecommender(ExecutorFile.shared(Path.of(bundleDir)), config);
                List<Row> out = br.recommend(frame).collectAsList(); // untimed
                int same = 0;
                for (int i = 0; i < out.size(); i++) {
                    int[] got =
                            out.get(i).<Integer>getList(1).stream()
                                    .mapToInt(Integer::intValue)
                                    .toArray();
                    if (Arrays.equals(got, reference.get(i).itemIds())) {
                        same++;
                    }
                }
                System.out.printf(
                        Locale.ROOT,
                        "local[%d]: %d of %d users have the single JVM's items%n",
                        cores,
                        same,
                        out.size());
                double[] ups = new double[repeats];
                for (int k = 0; k < repeats; k++) {
                    long t0 = System.nanoTime();
                    br.recommend(frame).write().format("noop").mode("overwrite").save();
                    ups[k] = histories.size() / ((System.nanoTime() - t0) / 1e9);
                }
                report("Spark local[" + cores + "], 1 ORT thread per task", ups);
            } finally {
                spark.stop();
            }
        }
    }

    private static void report(String what, double[] usersPerSecond) {
        double[] s = usersPerSecond.clone();
        Arrays.sort(s);
        StringBuilder runs = new StringBuilder();
        for (double v : usersPerSecond) {
            runs.append(String.format(Locale.ROOT, " %.1f", v));
        }
        System.out.printf(
                Locale.ROOT, "%-44s users/s median %.1f (runs:%s)%n", what, s[s.length / 2], runs);
    }
}
