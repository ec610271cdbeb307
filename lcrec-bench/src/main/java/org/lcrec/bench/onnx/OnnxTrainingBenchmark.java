package org.lcrec.bench.onnx;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.lcrec.bench.MatMulReference;
import org.lcrec.onnx.GraphBuilder;
import org.lcrec.onnx.ParameterStore;
import org.lcrec.onnx.Tensor;
import org.lcrec.onnx.train.StepResult;
import org.lcrec.onnx.train.Trainer;
import org.lcrec.onnx.train.TrainerConfig;
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
 * Training throughput on ONNX Runtime (CPU), against a plain ORT MatMul in the same run.
 *
 * <p>Each benchmark reports {@code ops/s} and, as the secondary result {@code gflop}, the
 * matrix-multiply GFLOP/s it achieves; compare each training step's {@code gflop} with {@code
 * matMulReference}'s. Trial teardown prints the Java-side share of the step (feeds, checks, AdamW)
 * and memory: heap after GC, direct buffers, peak resident set.
 *
 * <p>Run: {@code java -jar lcrec-bench/target/benchmarks.jar 'org.lcrec.bench.onnx.*' -f 1 -wi 2 -i
 * 3}
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class OnnxTrainingBenchmark {

    /** GFLOP done, reported by JMH as a rate. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Flops {
        public double gflop;
    }

    /** One MLP training step at batch 1024. */
    @State(Scope.Benchmark)
    public static class MlpState {
        Trainer trainer;
        double flops = BenchModels.mlpFlops(1024);
        long javaNanos;
        long ortNanos;
        long steps;

        @Setup(Level.Trial)
        public void setup() {
            GraphBuilder g = new GraphBuilder("rqvae-mlp");
            Tensor loss = BenchModels.mlp(g);
            ParameterStore store = ParameterStore.initialize(g.parameters(), 1);
            trainer =
                    Trainer.create(
                            g, loss, store, TrainerConfig.builder().optimizerThreads(2).build());
            fill(trainer.input("x", 1024, 768).floats(), 3);
            System.out.printf(
                    "%nMLP: %d parameters, %.2f GFLOP per step%n", store.totalSize(), flops / 1e9);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            report("MLP", javaNanos, ortNanos, steps, trainer.parameters().totalSize());
            trainer.close();
        }
    }

    static final int T_VOCAB = 1024;
    static final int T_D = 256;
    static final int T_HEADS = 4;
    static final int T_LAYERS = 4;
    static final int T_FFN = 1024;
    static final int T_SEQ = 128;
    static final int T_BATCH = 16;

    /** One decoder-stack training step (d=256, 4 layers, 4 heads, seq 128, batch 16). */
    @State(Scope.Benchmark)
    public static class TransformerState {
        Trainer trainer;
        double flops = BenchModels.transformerFlops(T_BATCH, T_SEQ, T_VOCAB, T_D, T_LAYERS, T_FFN);
        long javaNanos;
        long ortNanos;
        long steps;

        @Setup(Level.Trial)
        public void setup() {
            GraphBuilder g = new GraphBuilder("decoder");
            Tensor loss = BenchModels.transformer(g, T_VOCAB, T_D, T_HEADS, T_LAYERS, T_FFN);
            ParameterStore store = ParameterStore.initialize(g.parameters(), 1);
            trainer =
                    Trainer.create(
                            g, loss, store, TrainerConfig.builder().optimizerThreads(2).build());
            LongBuffer ids = trainer.input("input_ids", T_BATCH, T_SEQ).longs();
            LongBuffer labels = trainer.input("labels", T_BATCH, T_SEQ).longs();
            SplittableRandom r = new SplittableRandom(4);
            for (int i = 0; i < T_BATCH * T_SEQ; i++) {
                ids.put(i, r.nextInt(T_VOCAB));
                labels.put(i, r.nextInt(T_VOCAB));
            }
            System.out.printf(
                    "%nTransformer: %d parameters, %.2f GFLOP per step%n",
                    store.totalSize(), flops / 1e9);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            report("Transformer", javaNanos, ortNanos, steps, trainer.parameters().totalSize());
            trainer.close();
        }
    }

    static void fill(FloatBuffer b, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < b.capacity(); i++) {
            b.put(i, (float) (r.nextDouble() * 2 - 1));
        }
    }

    static void report(String what, long javaNanos, long ortNanos, long steps, long params) {
        System.gc();
        long heap = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        long direct = 0;
        List<BufferPoolMXBean> pools = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class);
        for (BufferPoolMXBean p : pools) {
            if (p.getName().equals("direct")) {
                direct = p.getMemoryUsed();
            }
        }
        String rss = "?";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM")) {
                    rss = line.replaceAll("\\s+", " ").substring(6).trim();
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            rss = "unavailable";
        }
        double j = javaNanos / 1e6 / Math.max(1, steps);
        double o = ortNanos / 1e6 / Math.max(1, steps);
        System.out.printf(
                "%n%s: %d steps; per step ORT %.2f ms, Java outside ORT %.2f ms (%.1f%% of the step)%n",
                what, steps, o, j, 100 * j / (j + o));
        System.out.printf(
                "%s memory: parameters %.1f MB (x4 for params+grads+2 moments = %.1f MB); heap after GC %.1f MB; "
                        + "direct buffers %.1f MB; peak RSS %s%n",
                what, params * 4 / 1e6, params * 16 / 1e6, heap / 1e6, direct / 1e6, rss);
    }

    @Benchmark
    public void matMulReference(MatMulReference s, Flops f) {
        f.gflop += s.run();
    }

    @Benchmark
    public float mlpTrainStep(MlpState s, Flops f) {
        StepResult r = s.trainer.step();
        s.javaNanos += r.javaNanos();
        s.ortNanos += r.ortNanos();
        s.steps++;
        f.gflop += s.flops / 1e9;
        return r.loss();
    }

    @Benchmark
    public float transformerTrainStep(TransformerState s, Flops f) {
        StepResult r = s.trainer.step();
        s.javaNanos += r.javaNanos();
        s.ortNanos += r.ortNanos();
        s.steps++;
        f.gflop += s.flops / 1e9;
        return r.loss();
    }
}
