package org.lcrec.bench.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.lcrec.bench.MatMulReference;
import org.lcrec.model.llm.LlamaConfig;
import org.lcrec.model.llm.LlamaModel;
import org.lcrec.model.llm.LlamaPreset;
import org.lcrec.model.sft.LoraConfig;
import org.lcrec.model.sft.SftGraph;
import org.lcrec.onnx.ParameterStore;
import org.lcrec.onnx.runtime.SessionConfig;
import org.lcrec.onnx.train.LrSchedule;
import org.lcrec.onnx.train.StepResult;
import org.lcrec.onnx.train.Trainer;
import org.lcrec.onnx.train.TrainerConfig;
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

/**
 * SFT training throughput of the {@code cpu-small} preset (d=256, 4 layers, GQA 4/2, SwiGLU 688,
 * tied head) with a MiniLM-sized vocabulary plus 1,024 index tokens (31,546 rows), on LC-Rec-shaped
 * batches: 8 examples of a 120-token prompt and a 4-token response + EOS (the head runs at the 5
 * loss positions only). Full fine-tuning and LoRA (r 8, new rows trained).
 *
 * <p>Secondary results: {@code tokens} (input tokens/s) and {@code gflop} (model GFLOP/s: matmul
 * FLOPs of forward + backward; full = 3x forward, LoRA = 2x forward since frozen weights need no
 * weight gradients); compare {@code gflop} with {@code matMulReference}'s, measured in the same
 * run. Trial teardown prints the resident-memory growth per model parameter.
 *
 * <p>Run: {@code java -jar lcrec-bench/target/benchmarks.jar 'org.lcrec.bench.model.*' -f 1 -wi 2
 * -i 3} (add {@code -p threads=1} to compare single-thread rates on a shared machine).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SftTrainingBenchmark {
    static final int VOCAB = 30_522 + 1_024;
    static final int BATCH = 8;
    static final int PROMPT = 120;
    static final int RESPONSE = 5; // 4 index tokens + EOS

    /** Work done per invocation, reported by JMH as rates. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public double gflop;
        public double tokens;
    }

    /** One SFT optimiser step of the cpu-small preset. */
    @State(Scope.Benchmark)
    public static class SftState {
        @Param({"full", "lora"})
        public String mode;

        /**
         * {@code cpu-small} (31,546 rows), or {@code qwen2-0.5b}: Qwen2-0.5B's shape (494M
         * parameters, 151,936 rows, 24 layers, d 896, 14 heads / 2 KV heads, SwiGLU 4,864, tied
         * head), random weights, for memory per parameter at the size LC-Rec adapts (run it with
         * {@code -p shape=qwen2-0.5b -p mode=lora -wi 0 -i 1}; a step takes tens of seconds on 2
         * cores).
         */
        @Param({"cpu-small"})
        public String shape;

        /** ORT intra-op threads (0 = ORT's default, one per physical core). */
        @Param({"0"})
        public int threads;

        Trainer trainer;
        LlamaConfig config;
        double flopsPerStep;
        int tokensPerStep = BATCH * (PROMPT + RESPONSE);
        long rssBefore;
        long ortNanos;
        long javaNanos;
        long steps;

        @Setup(Level.Trial)
        public void setup() {
            config =
                    shape.equals("qwen2-0.5b")
                            ? LlamaConfig.builder()
                                    .modelType("qwen2")
                                    .vocabSize(151_936)
                                    .hiddenSize(896)
                                    .intermediateSize(4_864)
                                    .numLayers(24)
                                    .numHeads(14)
                                    .numKvHeads(2)
                                    .ropeTheta(1_000_000)
                                    .maxPositions(32_768)
                                    .tieWordEmbeddings(true)
                                    .bosTokenId(151_643)
                                    .eosTokenId(151_645)
                                    .padTokenId(151_643)
                                    .build()
                            : LlamaPreset.CPU_SMALL.config(VOCAB, 101, 102, 0);
            rssBefore = rss("VmRSS");
            LlamaModel m = LlamaModel.random(config, 1);
            boolean lora = mode.equals("lora");
            SftGraph graph = SftGraph.build(config, lora ? LoraConfig.newRowsOnly() : null, 1_024);
            ParameterStore store = graph.initialStore(m, 1);
            trainer =
                    Trainer.create(
                            graph.builder(),
                            graph.loss(),
                            store,
                            TrainerConfig.builder()
                                    .schedule(LrSchedule.constant(1e-4, 0))
                                    .clipNorm(1.0)
                                    .optimizerThreads(2)
                                    .session(SessionConfig.cpu().withIntraOpThreads(threads))
                                    .build());
            int s = PROMPT + RESPONSE;
            SplittableRandom r = new SplittableRandom(3);
            java.nio.LongBuffer ids = trainer.input(SftGraph.INPUT_IDS, BATCH, s).longs();
            java.nio.LongBuffer mask = trainer.input(SftGraph.ATTENTION_MASK, BATCH, s).longs();
            java.nio.LongBuffer pos = trainer.input(SftGraph.POSITION_IDS, BATCH, s).longs();
            java.nio.LongBuffer where =
                    trainer.input(SftGraph.LOSS_POSITIONS, (long) BATCH * RESPONSE).longs();
            java.nio.LongBuffer labels =
                    trainer.input(SftGraph.LABELS, (long) BATCH * RESPONSE).longs();
            int k = 0;
            for (int b = 0; b < BATCH; b++) {
                for (int t = 0; t < s; t++) {
                    ids.put(b * s + t, r.nextInt(config.vocabSize()));
                    mask.put(b * s + t, 1);
                    pos.put(b * s + t, t);
                }
                for (int t = PROMPT - 1; t < s - 1; t++) {
                    where.put(k, (long) b * s + t);
                    labels.put(k, ids.get(b * s + t + 1));
                    k++;
                }
            }
            flopsPerStep = stepFlops(config, lora);
            trainer.step();
            long params = config.parameterCount();
            System.out.printf(
                    "%nSFT %s: %,d parameters, %,d trainable, %.2f GFLOP per step, %d tokens per step%n",
                    mode, params, trainableCount(trainer), flopsPerStep / 1e9, tokensPerStep);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            long params = config.parameterCount();
            long peak = rss("VmHWM");
            long now = rss("VmRSS");
            System.out.printf(
                    "%nSFT %s: %d steps; per step ORT %.1f ms, Java outside ORT %.1f ms%n"
                            + "SFT %s memory: RSS growth %.1f MB now (%.1f bytes/parameter), peak RSS %.1f MB"
                            + " (%.1f bytes/parameter over the pre-model RSS of %.1f MB)%n",
                    mode,
                    steps,
                    ortNanos / 1e6 / Math.max(1, steps),
                    javaNanos / 1e6 / Math.max(1, steps),
                    mode,
                    (now - rssBefore) / 1e6,
                    (double) (now - rssBefore) / params,
                    peak / 1e6,
                    (double) (peak - rssBefore) / params,
                    rssBefore / 1e6);
            trainer.close();
        }
    }

    static long trainableCount(Trainer t) {
        long n = 0;
        for (var p : t.graph().parameters()) {
            if (p.trainable()) {
                n += p.size();
            }
        }
        return n;
    }

    /** Matmul FLOPs of one step: forward x3 (full) or x2 (LoRA: no frozen weight gradients). */
    static double stepFlops(LlamaConfig c, boolean lora) {
        double d = c.hiddenSize();
        double q = (double) c.numHeads() * c.headDim();
        double kv = (double) c.numKvHeads() * c.headDim();
        double f = c.intermediateSize();
        double s = PROMPT + RESPONSE;
        double perTokenLayer =
                2 * (d * q + 2 * d * kv + q * d + 3 * d * f) + 2 * 2 * s * q; // + QK^T and PV
        double forward =
                BATCH * s * perTokenLayer * c.numLayers()
                        + 2.0 * BATCH * RESPONSE * d * c.vocabSize();
        return forward * (lora ? 2 : 3);
    }

    static long rss(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** The ORT MatMul reference: 2*1024*2048*1024 FLOPs per call. */
    @Benchmark
    public void matMulReference(MatMulReference s, Counters c) {
        c.gflop += s.run();
    }

    /** One optimiser step (forward, backward, clipping, AdamW). */
    @Benchmark
    public float sftStep(SftState s, Counters c) {
        StepResult r = s.trainer.step();
        s.ortNanos += r.ortNanos();
        s.javaNanos += r.javaNanos();
        s.steps++;
        c.gflop += s.flopsPerStep / 1e9;
        c.tokens += s.tokensPerStep;
        return r.loss();
    }
}
