package org.lcrec.bench.inference;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.lcrec.bench.MatMulReference;
import org.lcrec.core.SemanticId;
import org.lcrec.core.SemanticIndex;
import org.lcrec.core.io.LcRecFiles;
import org.lcrec.inference.BundleManifest;
import org.lcrec.inference.DecoderOptions;
import org.lcrec.inference.ModelBundle;
import org.lcrec.inference.OrtCausalDecoder;
import org.lcrec.inference.Recommendation;
import org.lcrec.inference.Recommender;
import org.lcrec.inference.TextTemplate;
import org.lcrec.model.encoder.TextEncoder;
import org.lcrec.model.export.BundleWriter;
import org.lcrec.model.llm.LlamaConfig;
import org.lcrec.model.llm.LlamaModel;
import org.lcrec.model.llm.LlamaPreset;
import org.lcrec.tokenizers.Tokenizer;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Serving at a realistic size: a {@code cpu-small} decoder (d=256, 4 layers, 4 heads / 2 KV heads,
 * SwiGLU 688) over MiniLM's 30,522-token vocabulary plus the index tokens of an Instruments-shaped
 * index (the real {@code Instruments.index.json} when {@code ../shared/data} or {@code
 * LCREC_SHARED} has it: 9,922 items, 4 levels, 918 tokens, 31,440 rows in all), exported as a
 * bundle by the SDK, prompts of about 115 tokens (12-item histories), 20 beams, top 20, EOS step,
 * one ORT thread per core (ORT's default).
 *
 * <p>{@code recommend} at batch 1, 8 and 32 reports, besides calls/s, the auxiliary rates {@code
 * users} (users/s) and {@code gflop}: the GFLOP/s of the arithmetic a user needs ({@link
 * #requiredFlops}: the prompt's prefill with the head at its last position only, then 20 beams
 * through the remaining index levels and EOS), so {@code gflop} divided by {@code
 * matMulReference}'s {@code gflop} (a plain ORT MatMul in the same run) is the fraction of the FLOP
 * bound the path reaches. {@code latency} samples batch-1 requests (p50/p99 in JMH's percentiles);
 * its FLOP bound is {@link #requiredFlops} over the MatMul rate. Each trial's teardown prints the
 * process's system time as a share of its user time over the measured iterations ({@code
 * /proc/self/stat}), and setup prints the KV-cache bytes one request holds at 20 beams. {@code
 * path} compares this SDK's beam graph ({@code shared}: the prompt's cache held once for its beams,
 * the prefill's head at the last position) with the general Optimum-layout path on the same weights
 * ({@code general}).
 *
 * <p>Run: {@code java -jar lcrec-bench/target/benchmarks.jar RealisticServing -f 1 -wi 2 -i 3}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
@Fork(1)
public class RealisticServingBenchmark {
    static final int BEAMS = 20;
    static final int TOP_K = 20;
    static final int HISTORY = 12;
    static final TextTemplate PROMPT =
            new TextTemplate(
                    "seqrec-0",
                    "The user has purchased the following items in order:",
                    ", ",
                    ". Which item is the user most likely to purchase next?");

    /** Work done, reported by JMH as rates. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public double users;
        public double gflop;
    }

    /** The bundle, built once per JVM and shared by the states. */
    private static Path bundle;

    private static Path generalBundle;

    private static SemanticIndex index;
    private static double flopsPerUser;

    static synchronized Path bundle() {
        if (bundle != null) {
            return bundle;
        }
        index = instrumentsIndex();
        Tokenizer tokenizer = TextEncoder.miniLmTokenizer().withIndexTokens(index);
        LlamaConfig config =
                LlamaPreset.CPU_SMALL.config(
                        tokenizer.vocabSize(),
                        tokenizer.tokenToId("[CLS]"),
                        tokenizer.tokenToId("[SEP]"),
                        tokenizer.padId());
        try {
            Path dir = Files.createTempDirectory("lcrec-realistic-serving").resolve("bundle");
            BundleWriter.write(
                    LlamaModel.random(config, 1),
                    tokenizer,
                    index,
                    List.of(PROMPT),
                    new BundleManifest(
                            ModelBundle.FORMAT_VERSION,
                            "bench",
                            "2026-12-07T00:00:00Z",
                            "random weights",
                            "sha256:00",
                            new BundleManifest.Decoding(BEAMS, true, 20, false),
                            Map.of(),
                            Map.of()),
                    dir);
            bundle = dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int promptTokens = promptTokens(tokenizer);
        flopsPerUser = requiredFlops(config, promptTokens, index.levels(), BEAMS);
        long kvGeneral = kvBytes(config, promptTokens + index.levels() + 1, BEAMS);
        long kvShared = kvBytesShared(config, promptTokens, index.levels() + 1, BEAMS);
        System.out.printf(
                "%nrealistic serving: vocabulary %,d rows, %,d parameters, %,d items (%d levels),"
                        + " prompts of %d tokens, %d beams: %.2f GFLOP per user needed; KV cache"
                        + " per request %.2f MB on the general path (each beam its own copy),"
                        + " %.2f MB on the shared path (the prompt once, each beam its own"
                        + " generated positions)%n",
                config.vocabSize(),
                config.parameterCount(),
                index.size(),
                index.levels(),
                promptTokens,
                BEAMS,
                flopsPerUser / 1e9,
                kvGeneral / 1e6,
                kvShared / 1e6);
        return bundle;
    }

    /**
     * The same bundle without {@value OrtCausalDecoder#BEAM_MODEL_FILE}: its decoder takes the
     * general path (every beam its own cache, the head at every prefill position), as a model
     * exported elsewhere does.
     */
    static synchronized Path generalBundle() {
        if (generalBundle != null) {
            return generalBundle;
        }
        Path shared = bundle();
        try {
            Path dir = Files.createTempDirectory("lcrec-realistic-serving").resolve("general");
            Files.createDirectories(dir);
            try (var files = Files.list(shared)) {
                for (Path f : files.toList()) {
                    String n = f.getFileName().toString();
                    if (!n.startsWith(OrtCausalDecoder.BEAM_MODEL_FILE)) {
                        Files.copy(f, dir.resolve(n));
                    }
                }
            }
            generalBundle = dir;
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bundle of a {@code path} parameter: {@code shared} or {@code general}. */
    static Path bundle(String path) {
        return switch (path) {
            case "shared" -> bundle();
            case "general" -> generalBundle();
            default ->
                    throw new IllegalArgumentException(
                            "path must be shared or general, found " + path);
        };
    }

    /**
     * The FLOPs one user needs (multiply-adds count 2): the prefill of {@code prompt} tokens with
     * the LM head at the last position only, then {@code levels} decoder runs of {@code beams} rows
     * (index levels 2.. and the EOS step; the first level is scored from the prefill), each over
     * the prompt plus the tokens generated so far.
     */
    static double requiredFlops(LlamaConfig c, int prompt, int levels, int beams) {
        double d = c.hiddenSize();
        double kv = (double) c.numKvHeads() * c.headDim();
        double perTokenLinear =
                2.0 * c.numLayers() * (d * d * 2 + d * kv * 2 + 3.0 * d * c.intermediateSize());
        double head = 2.0 * d * c.vocabSize();
        // attention: scores and weighted sum over the context, for every query head
        double attentionPerContext = 4.0 * c.numLayers() * d;
        double prefill =
                prompt * perTokenLinear + attentionPerContext * prompt * (prompt + 1) / 2.0 + head;
        double decode = 0;
        for (int step = 1; step <= levels; step++) {
            decode += beams * (perTokenLinear + head + attentionPerContext * (prompt + step));
        }
        return prefill + decode;
    }

    /** KV-cache bytes of one request: layers × (K, V) × kv heads × head dim × positions × rows. */
    static long kvBytes(LlamaConfig c, int positions, int beams) {
        return 2L * c.numLayers() * c.numKvHeads() * c.headDim() * positions * beams * 4;
    }

    /** KV-cache bytes of one request on the shared path: the prompt once, then each beam's own. */
    static long kvBytesShared(LlamaConfig c, int prompt, int generated, int beams) {
        return kvBytes(c, prompt, 1) + kvBytes(c, generated, beams);
    }

    private static int promptTokens(Tokenizer t) {
        // prefix + the items (index tokens) with separators between them + suffix, plus BOS
        int items = HISTORY * index.levels() + (HISTORY - 1) * t.encode(PROMPT.separator()).length;
        return 1 + t.encode(PROMPT.prefix()).length + items + t.encode(PROMPT.suffix()).length;
    }

    /** The Instruments index from the shared data, or a random one of its shape. */
    private static SemanticIndex instrumentsIndex() {
        String shared = System.getenv().getOrDefault("LCREC_SHARED", "../shared");
        for (Path p :
                List.of(
                        Path.of(shared, "data/instruments/Instruments.index.json"),
                        Path.of("../../shared/data/instruments/Instruments.index.json"))) {
            if (Files.isRegularFile(p)) {
                return LcRecFiles.readIndex(p);
            }
        }
        System.out.println("Instruments.index.json not found: a random index of its shape");
        SplittableRandom r = new SplittableRandom(7);
        Map<Integer, SemanticId> m = new HashMap<>();
        for (int item = 0; item < 9_922; item++) {
            m.put(item, SemanticId.of(r.nextInt(150), r.nextInt(256), r.nextInt(256), item % 256));
        }
        return SemanticIndex.of(m);
    }

    static List<int[]> histories(int n, long seed) {
        int[] ids = index.itemIds();
        SplittableRandom r = new SplittableRandom(seed);
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] h = new int[HISTORY];
            for (int j = 0; j < h.length; j++) {
                h[j] = ids[r.nextInt(ids.length)];
            }
            out.add(h);
        }
        return out;
    }

    /** A recommender over the bundle, batching {@code batch} users per call. */
    @State(Scope.Benchmark)
    public static class Serving {
        @Param({"1", "8", "32"})
        public int batch;

        /**
         * {@code shared}: this SDK's beam graph; {@code general}: the Optimum-layout graph only.
         */
        @Param({"shared", "general"})
        public String path;

        Recommender recommender;
        List<List<int[]>> calls;
        int next;
        final CpuTimes times = new CpuTimes();

        @Setup(Level.Trial)
        public void open() {
            ModelBundle b = ModelBundle.read(bundle(path));
            recommender =
                    Recommender.open(
                            b,
                            b.recommenderConfig().toBuilder().batchSize(batch).build(),
                            DecoderOptions.cpu());
            List<int[]> all = histories(32 * 16, 11);
            calls = new ArrayList<>();
            for (int i = 0; i + batch <= all.size(); i += batch) {
                calls.add(all.subList(i, i + batch));
            }
        }

        @Setup(Level.Iteration)
        public void iterationStart() {
            times.start();
        }

        @TearDown(Level.Iteration)
        public void iterationEnd() {
            times.stop();
        }

        @TearDown(Level.Trial)
        public void close() {
            times.print("batch " + batch + ", " + path + " path");
            recommender.close();
        }
    }

    /** A batch-1 recommender for latency sampling. */
    @State(Scope.Benchmark)
    public static class Single {
        /** As {@link Serving#path}. */
        @Param({"shared", "general"})
        public String path;

        Recommender recommender;
        List<int[]> histories;
        int next;

        @Setup(Level.Trial)
        public void open() {
            ModelBundle b = ModelBundle.read(bundle(path));
            recommender =
                    Recommender.open(
                            b,
                            b.recommenderConfig().toBuilder().batchSize(1).build(),
                            DecoderOptions.cpu());
            histories = histories(256, 13);
        }

        @TearDown(Level.Trial)
        public void close() {
            recommender.close();
        }
    }

    /**
     * One call of {@code batch} users.
     *
     * @return the recommendations
     */
    @Benchmark
    public List<Recommendation> recommend(Serving s, Counters c) {
        s.next = (s.next + 1) % s.calls.size();
        List<int[]> users = s.calls.get(s.next);
        List<Recommendation> r = s.recommender.recommendAll(users, TOP_K, 0);
        c.users += users.size();
        c.gflop += users.size() * flopsPerUser / 1e9;
        return r;
    }

    /**
     * One batch-1 request, sampled for its latency distribution.
     *
     * @return the recommendation
     */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public Recommendation latency(Single s) {
        s.next = (s.next + 1) % s.histories.size();
        return s.recommender.recommend(s.histories.get(s.next), TOP_K);
    }

    /** The ORT MatMul reference: GFLOP/s of ORT's kernel on this machine in this run. */
    @Benchmark
    public void matMulReference(MatMulReference s, Counters c) {
        c.gflop += s.run();
    }

    /** User and system CPU time of this process over the measured iterations. */
    static final class CpuTimes {
        private long user;
        private long system;
        private long[] at;

        void start() {
            at = read();
        }

        void stop() {
            long[] now = read();
            if (at != null && now != null) {
                user += now[0] - at[0];
                system += now[1] - at[1];
            }
        }

        void print(String what) {
            if (user > 0) {
                System.out.printf(
                        "%n%s: system time %.1f%% of user time over the measured iterations"
                                + " (/proc/self/stat)%n",
                        what, 100.0 * system / user);
            }
        }

        /** utime and stime of this process in clock ticks, or null off Linux. */
        private static long[] read() {
            try {
                String stat = Files.readString(Path.of("/proc/self/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                // fields 14 and 15 of stat(5), counted from the state field (3)
                return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
    }
}
