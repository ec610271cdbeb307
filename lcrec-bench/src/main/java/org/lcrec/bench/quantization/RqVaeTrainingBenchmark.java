package org.lcrec.bench.quantization;

import java.util.concurrent.TimeUnit;
import org.lcrec.bench.MatMulReference;
import org.lcrec.quantization.DeadCodePolicy;
import org.lcrec.quantization.Embeddings;
import org.lcrec.quantization.RqVaeConfig;
import org.lcrec.quantization.RqVaeModel;
import org.lcrec.quantization.RqVaeTrainer;
import org.lcrec.quantization.TrainingHistory;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * RQ-VAE training throughput (the {@code cpu} preset's model on 768-d embeddings: encoder
 * 768-256-128-64-32, 3 levels of 256 codes, Sinkhorn on the last level, batch 256, 2 threads)
 * against ORT's own MatMul rate measured in the same run.
 *
 * <p>{@code trainEpochs} runs {@link RqVaeTrainer#fit} for {@value #EPOCHS} epochs over {@value
 * #ITEMS} items (graph build, session creation and Sinkhorn included, k-means init and dead-code
 * checks off); its secondary results {@code items} and {@code gflop} are items/s and the GFLOP/s of
 * the model's matrix products (forward + backward = 3 × forward, plus the extra forward that feeds
 * Sinkhorn). Divide {@code gflop} by {@code matMulReference}'s {@code gflop} for the fraction of
 * the ORT MatMul rate. Teardown prints the trainer's own items/s (setup excluded).
 *
 * <p>Run: {@code java -jar lcrec-bench/target/benchmarks.jar 'quantization.RqVaeTraining' -f 1 -wi
 * 1 -i 3}
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RqVaeTrainingBenchmark {
    static final int ITEMS = 4096;
    static final int DIM = 768;
    static final int EPOCHS = 3;

    /** Work done per operation, reported by JMH as rates. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Work {
        /** Items trained on. */
        public double items;

        /** GFLOP of matrix products done. */
        public double gflop;
    }

    /** The training data and settings. */
    @State(Scope.Benchmark)
    public static class Data {
        Embeddings x;
        RqVaeConfig config;
        double flopsPerItem;
        TrainingHistory last;

        @Setup(Level.Trial)
        public void setup() {
            x = Embeddings.gaussianClusters(ITEMS, DIM, 32, 1.0, 3);
            config =
                    RqVaeConfig.cpu().toBuilder()
                            .epochs(EPOCHS)
                            .kmeansInit(false)
                            .deadCodePolicy(DeadCodePolicy.KEEP)
                            .numThreads(2)
                            .build();
            int[] enc = {DIM, 256, 128, 64, 32};
            double linear = 0;
            for (int i = 0; i + 1 < enc.length; i++) {
                linear += 2.0 * enc[i] * enc[i + 1]; // encoder and mirrored decoder
            }
            double dist = 3 * 256 * 32; // r · C^T per level
            double encoderAndDist = linear / 2 + dist;
            // multiply-add = 2 FLOP; training = 3 x forward; plus one forward for Sinkhorn
            flopsPerItem = 2 * (3 * (linear + dist) + encoderAndDist);
            System.out.printf("%nRQ-VAE: %.2f MFLOP per item per epoch%n", flopsPerItem / 1e6);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (last != null) {
                System.out.printf(
                        "%nRQ-VAE trainer: %.0f items/s (setup excluded), %.3f s/epoch%n",
                        last.itemsPerSecond(), last.secondsPerEpoch());
            }
        }
    }

    /** The reference rate. */
    @Benchmark
    public void matMulReference(MatMulReference s, Work w) {
        w.gflop += s.run();
    }

    /** Train {@value #EPOCHS} epochs from scratch. */
    @Benchmark
    public void trainEpochs(Data d, Work w) {
        try (RqVaeModel m = new RqVaeTrainer(d.config).fit(d.x)) {
            d.last = m.history();
        }
        w.items += (double) ITEMS * EPOCHS;
        w.gflop += d.flopsPerItem * ITEMS * EPOCHS / 1e9;
    }
}
