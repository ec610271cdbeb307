package org.lcrec.bench.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.lcrec.core.SemanticIndex;
import org.lcrec.inference.BeamSearch;
import org.lcrec.inference.IndexVocabulary;
import org.lcrec.inference.ItemTrie;
import org.lcrec.inference.internal.LogitKernels;
import org.lcrec.inference.internal.OrtLogSoftmax;
import org.lcrec.onnx.runtime.Ort;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * The Java side of one beam step for 20 beams over a 32k (LLaMA-2) or 152k (Qwen) vocabulary,
 * against the physical reference, one plain streaming pass over the same {@code 20 × vocab} floats
 * ({@code plainPass}). The claim to check: {@code trieMaskTopK / plainPass <= 2}.
 *
 * <ul>
 *   <li>{@code trieMaskTopK}: masking to the trie's allowed children and top-20 across the beams
 *       over the log-probabilities that the decoder's graph returns ({@link
 *       org.lcrec.inference.OrtCausalDecoder} adds the log-softmax to the graph), the real {@link
 *       BeamSearch#select} code: all that Java does per step.
 *   <li>{@code ortLogSoftmaxMaskTopK}: the same after a standalone ORT log-softmax of the logits,
 *       the path of models that cannot be edited (external data): log-softmax reads and writes
 *       every logit, so about two passes.
 *   <li>{@code javaLogSumExpMaskTopK}: the normaliser from the Java exp loop, the path of a step
 *       given plain logits (the first step after the prompt).
 * </ul>
 *
 * The trie is a 10k-item, 4-level index shaped like Instruments (150 first-level codes, 256 below),
 * its tokens at the end of the vocabulary; the beams sit at depth 1, where the fan-out is largest
 * (~66 children each).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DecodeHotPathBenchmark {
    /** Beams, as LC-Rec. */
    private static final int BEAMS = 20;

    @Param({"32000", "152000"})
    int vocab;

    private float[] logits;
    private ItemTrie trie;
    private int[] node;
    private float[] score;
    private int[] hist;
    private BeamSearch.Workspace ws;
    private OnnxTensor tensor;
    private OnnxTensor outTensor;
    private FloatBuffer outBuffer;
    private OrtLogSoftmax ortLogSoftmax;

    /** Builds the logits, the trie and 20 beams at depth 1. */
    @Setup
    public void setup() {
        SplittableRandom r = new SplittableRandom(42);
        logits = new float[BEAMS * vocab];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) (r.nextGaussian() * 3);
        }
        SemanticIndex index = InferenceBenchData.index(10_000, 4, 150, 256, 7);
        int base = vocab - 4 * 256;
        IndexVocabulary v =
                IndexVocabulary.of(InferenceBenchData.tokenMap(4, 256, base, 256), index, vocab);
        trie = ItemTrie.build(index, v, -1);
        node = new int[BEAMS];
        score = new float[BEAMS];
        hist = new int[BEAMS * trie.depth()];
        for (int b = 0; b < BEAMS; b++) {
            int e = trie.firstEdge(0) + b;
            node[b] = trie.edgeTarget(e);
            score[b] = -0.1f * b;
            hist[b * trie.depth()] = trie.edgeToken(e);
        }
        ws = new BeamSearch.Workspace(1, BEAMS, trie.depth(), trie.maxFanOut());
        FloatBuffer direct =
                ByteBuffer.allocateDirect(logits.length * 4)
                        .order(ByteOrder.nativeOrder())
                        .asFloatBuffer();
        direct.put(logits).rewind();
        try {
            tensor = OnnxTensor.createTensor(Ort.env(), direct, new long[] {BEAMS, 1, vocab});
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
        outBuffer =
                ByteBuffer.allocateDirect(logits.length * 4)
                        .order(ByteOrder.nativeOrder())
                        .asFloatBuffer();
        try {
            outTensor = OnnxTensor.createTensor(Ort.env(), outBuffer, new long[] {BEAMS, 1, vocab});
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
        ortLogSoftmax = new OrtLogSoftmax(Ort.env());
        // the log-probabilities that trieMaskTopK reads, as the decoder's graph would return them
        ortLogSoftmax.compute(tensor, outTensor);
    }

    /** Releases the ORT objects. */
    @TearDown
    public void close() {
        tensor.close();
        outTensor.close();
        ortLogSoftmax.close();
    }

    /**
     * @return the sum of all logits: one streaming pass, the memory-bound reference
     */
    @Benchmark
    public float plainPass() {
        return LogitKernels.sum(logits, 0, logits.length);
    }

    /**
     * @return the best new score: trie masking and top-20 across beams over log-probabilities
     */
    @Benchmark
    public float trieMaskTopK() {
        BeamSearch.select(trie, null, outBuffer, vocab, node, score, hist, BEAMS, 1, ws);
        return ws.scores()[0];
    }

    /**
     * @return the best new score: standalone ORT log-softmax, trie masking, top-20 across beams
     */
    @Benchmark
    public float ortLogSoftmaxMaskTopK() {
        ortLogSoftmax.compute(tensor, outTensor);
        BeamSearch.select(trie, null, outBuffer, vocab, node, score, hist, BEAMS, 1, ws);
        return ws.scores()[0];
    }

    /**
     * @return the best new score with the normaliser from the scalar Java loop
     */
    @Benchmark
    public float javaLogSumExpMaskTopK() {
        BeamSearch.select(trie, logits, null, vocab, node, score, hist, BEAMS, 1, ws);
        return ws.scores()[0];
    }

    @Override
    public String toString() {
        return "DecodeHotPathBenchmark(vocab="
                + vocab
                + ", trie="
                + trie
                + ", nodes="
                + Arrays.toString(Arrays.copyOf(node, 3))
                + "...)";
    }
}
