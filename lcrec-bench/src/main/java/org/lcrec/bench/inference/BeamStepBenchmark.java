package org.lcrec.bench.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.lcrec.core.SemanticIndex;
import org.lcrec.inference.BeamSearch;
import org.lcrec.inference.DecoderConfig;
import org.lcrec.inference.DecoderOptions;
import org.lcrec.inference.DecoderRun;
import org.lcrec.inference.IndexVocabulary;
import org.lcrec.inference.ItemTrie;
import org.lcrec.inference.OrtCausalDecoder;
import org.lcrec.inference.internal.LogProbsOutput;
import org.lcrec.onnx.runtime.Ort;
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
 * One full beam step on the tiny decoder ({@code beamStep}: feed the chosen tokens of {@code users
 * × 20} beams, log-softmax + trie masking + top-k, cache reorder) against the bare {@code
 * session.run} of the same graph and shapes with tensors prepared in advance ({@code
 * sessionRunOnly}): the model with the log-softmax output that {@link OrtCausalDecoder} adds
 * ({@link LogProbsOutput}), asked for the same outputs, log-probabilities into a pinned buffer. The
 * Java-side share of a step is {@code 1 - sessionRunOnly / beamStep}; the claim to check is that it
 * stays below 10%.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BeamStepBenchmark {
    private static final int BEAMS = 20;

    @Param({InferenceBenchData.DEFAULT_MODEL})
    String modelDir;

    @Param({"1", "32"})
    int users;

    private OrtCausalDecoder decoder;
    private ItemTrie trie;
    private List<int[]> prompts;
    private DecoderRun run;
    private BeamSearch.Workspace ws;
    private BeamSearch.Workspace ws0;
    private long[] nextTokens;
    private int[] node;
    private float[] score;
    private int[] hist;
    private int promptLength;

    private OrtEnvironment env;
    private OrtSession raw;
    private Map<String, OnnxTensor> rawInputs;
    private Set<String> rawOutputs;
    private OnnxTensor rawLogProbs;

    /** Opens the decoder twice: through lcrec-inference, and as a bare session. */
    @Setup(Level.Trial)
    public void open() throws OrtException {
        Path model = InferenceBenchData.model(modelDir);
        decoder = OrtCausalDecoder.open(model, DecoderOptions.cpu());
        DecoderConfig cfg = decoder.config();
        SemanticIndex index = InferenceBenchData.index(1000, 3, 16, 16, 3);
        IndexVocabulary v =
                IndexVocabulary.of(
                        IndexVocabulary.readTokenMap(model.getParent().resolve("token-map.json")),
                        index,
                        cfg.vocabularySize());
        trie = ItemTrie.build(index, v, cfg.eosId());
        SplittableRandom r = new SplittableRandom(1);
        int[] ids = index.itemIds();
        prompts = new java.util.ArrayList<>();
        for (int u = 0; u < users; u++) {
            int[] p = new int[1 + 3 * 10];
            p[0] = cfg.bosId();
            for (int i = 0; i < 10; i++) {
                int[] t = v.tokenIds(index.get(ids[r.nextInt(ids.length)]));
                System.arraycopy(t, 0, p, 1 + 3 * i, 3);
            }
            prompts.add(p);
        }
        promptLength = prompts.get(0).length;
        ws0 = new BeamSearch.Workspace(users, BEAMS, trie.depth(), trie.maxFanOut());
        ws = new BeamSearch.Workspace(users, BEAMS, trie.depth(), trie.maxFanOut());

        env = Ort.env();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            raw =
                    env.createSession(
                            LogProbsOutput.append(Files.readAllBytes(model.resolve("model.onnx"))),
                            so);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        rawOutputs = new HashSet<>(raw.getOutputNames());
        rawOutputs.removeIf(n -> !n.startsWith("present."));
        rawLogProbs =
                OnnxTensor.createTensor(
                        env,
                        ByteBuffer.allocateDirect(users * BEAMS * vocab() * 4)
                                .order(ByteOrder.nativeOrder())
                                .asFloatBuffer(),
                        new long[] {users * BEAMS, vocab()});
        int rows = users * BEAMS;
        rawInputs = new HashMap<>();
        rawInputs.put("input_ids", longs(new long[rows], rows, 1));
        long[] mask = new long[rows * (promptLength + 1)];
        java.util.Arrays.fill(mask, 1);
        rawInputs.put("attention_mask", longs(mask, rows, promptLength + 1));
        long[] pos = new long[rows];
        java.util.Arrays.fill(pos, promptLength);
        rawInputs.put("position_ids", longs(pos, rows, 1));
        long[] beam = new long[rows];
        for (int i = 0; i < rows; i++) {
            // as in the measured step: each user's one prefilled row fans out to its beams
            beam[i] = i / BEAMS;
        }
        rawInputs.put("beam_idx", longs(beam, rows));
        int n = users * cfg.kvHeads() * promptLength * cfg.headDim();
        for (int l = 0; l < cfg.layers(); l++) {
            for (String kv : new String[] {"key", "value"}) {
                float[] f = new float[n];
                for (int i = 0; i < n; i++) {
                    f[i] = (float) r.nextGaussian();
                }
                rawInputs.put(
                        "past_key_values." + l + "." + kv,
                        OnnxTensor.createTensor(
                                env,
                                FloatBuffer.wrap(f),
                                new long[] {users, cfg.kvHeads(), promptLength, cfg.headDim()}));
            }
        }
    }

    private OnnxTensor longs(long[] v, long... shape) throws OrtException {
        return OnnxTensor.createTensor(env, LongBuffer.wrap(v), shape);
    }

    /** Prefills the prompts and takes the first step, so each measured step starts alike. */
    @Setup(Level.Invocation)
    public void prefill() {
        int maxLen = promptLength;
        long[] ids = new long[users * maxLen];
        for (int u = 0; u < users; u++) {
            for (int t = 0; t < maxLen; t++) {
                ids[u * maxLen + t] = prompts.get(u)[t];
            }
        }
        run = decoder.newRun();
        float[] logits = run.forward(ids, users, maxLen, null);
        int[] root = new int[users];
        BeamSearch.select(
                trie, logits, null, vocab(), root, new float[users], new int[0], 1, 0, ws0);
        run.reorder(ws0.origin());
        node = ws0.nodes().clone();
        score = ws0.scores().clone();
        hist = new int[users * BEAMS * trie.depth()];
        nextTokens = new long[users * BEAMS];
        for (int i = 0; i < nextTokens.length; i++) {
            int t = ws0.tokens()[i];
            nextTokens[i] = t >= 0 ? t : 0;
            hist[i * trie.depth()] = t;
        }
    }

    private int vocab() {
        return decoder.config().vocabularySize();
    }

    /** Closes the invocation's run. */
    @TearDown(Level.Invocation)
    public void closeRun() {
        run.close();
    }

    /**
     * @return the best score after the step
     */
    @Benchmark
    public float beamStep() {
        FloatBuffer logProbs = run.stepLogProbs(nextTokens, users * BEAMS);
        BeamSearch.select(trie, null, logProbs, vocab(), node, score, hist, BEAMS, 1, ws);
        run.reorder(ws.origin());
        return ws.scores()[0];
    }

    /**
     * @return the result's size (the bare ORT call, same shapes as one step)
     * @throws OrtException never in practice
     */
    @Benchmark
    public int sessionRunOnly() throws OrtException {
        try (OrtSession.Result r =
                raw.run(rawInputs, rawOutputs, Map.of(LogProbsOutput.NAME, rawLogProbs))) {
            return r.size();
        }
    }

    /** Releases the sessions. */
    @TearDown(Level.Trial)
    public void close() throws OrtException {
        for (OnnxTensor t : rawInputs.values()) {
            t.close();
        }
        rawLogProbs.close();
        raw.close();
        decoder.close();
    }
}
