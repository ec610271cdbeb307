package org.lcrec.bench.quantization;

import java.util.Collection;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.lcrec.bench.MatMulReference;
import org.lcrec.quantization.Embeddings;
import org.lcrec.quantization.internal.NearestCentres;
import org.lcrec.quantization.internal.Parallel;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The k-means assignment step at catalogue scale: the nearest of {@value #CODES} centres for each
 * of {@value #ITEMS} clustered {@value #DIM}-d items (one Lloyd iteration's distance work, the step
 * RQ-KMeans repeats per iteration and level), against ORT's own MatMul rate measured in the same
 * run.
 *
 * <p>{@code assign} sets the centres and assigns every item through {@code NearestCentres}: {@code
 * -p kernel=matmul} (the default: float32 Gemm + ArgMin on ORT, blocks of 1024 rows split over the
 * threads) or {@code scalar} (the double loop in Java, ~5 s per operation here). Its secondary
 * result {@code gflop} is the GFLOP/s of the distance product, {@code 2 × items × K × d} per
 * operation (the argmin and the copies are not counted as work, only as time). {@code
 * matMulReference} is {@link MatMulReference}, ORT's plain MatMul with ORT's default threads (one
 * per core).
 *
 * <p>Run with the fraction printed: {@code java -cp lcrec-bench/target/benchmarks.jar
 * org.lcrec.bench.quantization.KMeansAssignmentBenchmark -f 1 -wi 2 -i 5} (any JMH options; it runs
 * this class only). {@code java -jar lcrec-bench/target/benchmarks.jar KMeansAssignment} runs the
 * same benchmarks without the summary line.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class KMeansAssignmentBenchmark {
    static final int ITEMS = 400_000;
    static final int DIM = 64;
    static final int CODES = 256;

    /** GFLOP of the distance product per assignment. */
    static final double GFLOP_PER_ASSIGN = 2.0 * ITEMS * CODES * DIM / 1e9;

    /** Work done, reported by JMH as a rate. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Work {
        /** GFLOP of distance products (or of the reference MatMul). */
        public double gflop;
    }

    /** The items, the centres and the search. */
    @State(Scope.Benchmark)
    public static class Data {
        /** {@code matmul} or {@code scalar}. */
        @Param({"matmul"})
        public String kernel;

        /** Threads of the search (for matmul, one single-threaded ORT session per thread). */
        @Param({"2"})
        public int assignThreads;

        float[] x;
        float[] centres;
        int[] assign;
        ExecutorService pool;
        NearestCentres search;

        @Setup(Level.Trial)
        public void setup() {
            if (!kernel.equals("matmul") && !kernel.equals("scalar")) {
                throw new IllegalArgumentException(
                        "kernel: expected matmul or scalar, found " + kernel);
            }
            // the catalogue of ClusteredCatalog's defaults; the centres are every 1,562nd item
            x = Embeddings.gaussianClusters(ITEMS, DIM, 1024, 2.0, 18).toArray();
            centres = new float[CODES * DIM];
            for (int m = 0; m < CODES; m++) {
                System.arraycopy(x, m * (ITEMS / CODES) * DIM, centres, m * DIM, DIM);
            }
            assign = new int[ITEMS];
            pool = Parallel.pool(assignThreads, "assign-bench");
            search = NearestCentres.open(kernel.equals("matmul"), DIM, CODES, ITEMS, pool);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            search.close();
            Parallel.close(pool);
        }
    }

    /** The reference rate. */
    @Benchmark
    public void matMulReference(MatMulReference s, Work w) {
        w.gflop += s.run();
    }

    /** One assignment of every item. */
    @Benchmark
    public int assign(Data d, Work w) {
        d.search.setCentres(d.centres);
        d.search.assign(d.x, ITEMS, d.assign);
        w.gflop += GFLOP_PER_ASSIGN;
        return d.assign[ITEMS - 1];
    }

    /**
     * Runs this class's benchmarks and prints each assignment's GFLOP/s as a fraction of the
     * reference's, from the same run.
     *
     * @param args JMH command-line options
     * @throws Exception if JMH fails
     */
    public static void main(String[] args) throws Exception {
        Options opts =
                new OptionsBuilder()
                        .parent(new CommandLineOptions(args))
                        .include(KMeansAssignmentBenchmark.class.getName() + "\\.")
                        .build();
        Collection<RunResult> results = new Runner(opts).run();
        double reference = Double.NaN;
        for (RunResult r : results) {
            if (r.getParams().getBenchmark().endsWith(".matMulReference")) {
                reference = gflop(r);
            }
        }
        for (RunResult r : results) {
            if (r.getParams().getBenchmark().endsWith(".assign")) {
                double g = gflop(r);
                System.out.printf(
                        Locale.ROOT,
                        "k-means assignment (%,d x %d, K = %d, kernel=%s, threads=%s): %.1f GFLOP/s"
                                + " = %.1f%% of the MatMul reference's %.1f GFLOP/s in this run%n",
                        ITEMS,
                        DIM,
                        CODES,
                        r.getParams().getParam("kernel"),
                        r.getParams().getParam("assignThreads"),
                        g,
                        100 * g / reference,
                        reference);
            }
        }
    }

    private static double gflop(RunResult r) {
        Result<?> g = r.getSecondaryResults().get("gflop");
        return g == null ? Double.NaN : g.getScore();
    }
}
