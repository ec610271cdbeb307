package org.lcrec.model.sft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.lcrec.model.llm.LlamaConfig;
import org.lcrec.model.llm.LlamaModel;
import org.lcrec.onnx.HostTensor;
import org.lcrec.onnx.train.Trainer;
import org.lcrec.onnx.train.TrainerConfig;

/**
 * The sequence form against the one-prompt-per-position form with the same prompts: a user's items
 * written once, every item after the first a target span, give at each target token the same logits
 * (hence the same per-target losses) as an {@link SftExample} whose prompt is everything before
 * that item and whose response is the item, and the mean loss of the sequence is the token-weighted
 * mean of the per-target losses.
 */
class SftSequenceTest {
    private static final int SEP = 3;
    private static final int CODES = 3;

    /** Prefix tokens, then n items of CODES tokens each, separated by SEP. */
    private static int[][] user(SplittableRandom r, int n) {
        int[][] items = new int[n][CODES];
        for (int[] it : items) {
            for (int c = 0; c < CODES; c++) {
                it[c] = 20 + 6 * c + r.nextInt(6); // level c has its own 6 codes
            }
        }
        return items;
    }

    private static final int[] PREFIX = {TinySft.BOS, 5, 6, 7};

    private static SftSequence sequence(int[][] items) {
        List<Integer> t = new ArrayList<>();
        for (int p : PREFIX) {
            t.add(p);
        }
        int[] spans = new int[2 * (items.length - 1)];
        for (int i = 0; i < items.length; i++) {
            if (i > 0) {
                t.add(SEP);
                spans[2 * (i - 1)] = t.size();
                spans[2 * (i - 1) + 1] = t.size() + CODES;
            }
            for (int c : items[i]) {
                t.add(c);
            }
        }
        return new SftSequence(t.stream().mapToInt(Integer::intValue).toArray(), spans);
    }

    /** The per-position example for target i: prompt = prefix + items before i + SEP. */
    private static SftExample example(int[][] items, int i) {
        List<Integer> p = new ArrayList<>();
        for (int x : PREFIX) {
            p.add(x);
        }
        for (int j = 0; j < i; j++) {
            if (j > 0) {
                p.add(SEP);
            }
            for (int c : items[j]) {
                p.add(c);
            }
        }
        p.add(SEP);
        return new SftExample(p.stream().mapToInt(Integer::intValue).toArray(), items[i]);
    }

    private static float[] logits(Trainer t, SftBatches.Batch b) {
        SftTrainer.feed(t, b);
        HostTensor out = t.forward(SftGraph.LOGITS).get(SftGraph.LOGITS);
        return out.toFloatArray();
    }

    @Test
    void perTargetLogitsAndLossesEqualOnePromptPerPosition() {
        LlamaConfig c = TinySft.config(40, false);
        LlamaModel m = SftGraphTest.randomScaled(c, 7);
        SplittableRandom r = new SplittableRandom(3);
        int[][] a = user(r, 6);
        int[][] b = user(r, 4);
        List<SftInput> inputs = new ArrayList<>();
        inputs.add(sequence(a));
        inputs.add(sequence(b));
        List<SftExample> perPosition = new ArrayList<>();
        for (int[][] u : List.of(a, b)) {
            for (int i = 1; i < u.length; i++) {
                perPosition.add(example(u, i));
            }
        }
        int v = c.vocabSize();
        SftGraph graph = SftGraph.build(c, null, 0);
        try (Trainer t =
                Trainer.create(
                        graph.builder(),
                        graph.loss(),
                        graph.initialStore(m, 1),
                        TrainerConfig.builder().build())) {
            SftBatches seq = SftBatches.prepare(inputs, 128, TinySft.BOS, TinySft.EOS, v);
            SftBatches.Batch sb = seq.pad(new int[] {0, 1}, 0);
            assertThat(sb.labels()).hasSize((5 + 3) * CODES);
            float[] seqLogits = logits(t, sb);
            float seqLoss = t.evaluate();

            SftBatches per = SftBatches.prepare(perPosition, 128, TinySft.BOS, TinySft.EOS, v);
            int[] all = new int[perPosition.size()];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            SftBatches.Batch pb = per.pad(all, 0);
            float[] perLogits = logits(t, pb);
            // each example has CODES + 1 (EOS) targets; its first CODES rows are the item's codes
            double sum = 0;
            for (int e = 0; e < all.length; e++) {
                double targetLoss = 0;
                for (int k = 0; k < CODES; k++) {
                    int rowSeq = e * CODES + k;
                    int rowPer = e * (CODES + 1) + k;
                    assertThat(sb.labels()[rowSeq]).isEqualTo(pb.labels()[rowPer]);
                    for (int x = 0; x < v; x++) {
                        assertThat(seqLogits[rowSeq * v + x])
                                .as("example %d, code %d, token %d", e, k, x)
                                .isCloseTo(perLogits[rowPer * v + x], Offset.offset(2e-5f));
                    }
                    targetLoss += crossEntropy(perLogits, rowPer, v, (int) pb.labels()[rowPer]);
                }
                sum += targetLoss;
            }
            // the sequence loss is the mean over all code tokens = mean of per-target losses
            assertThat((double) seqLoss).isCloseTo(sum / (all.length * CODES), Offset.offset(1e-5));
        }
    }

    private static double crossEntropy(float[] logits, int row, int v, int label) {
        double max = Double.NEGATIVE_INFINITY;
        for (int x = 0; x < v; x++) {
            max = Math.max(max, logits[row * v + x]);
        }
        double z = 0;
        for (int x = 0; x < v; x++) {
            z += Math.exp(logits[row * v + x] - max);
        }
        return Math.log(z) + max - logits[row * v + label];
    }

    @Test
    void sequencesLongerThanMaxLengthAreDroppedAndCounted() {
        SftSequence fits = new SftSequence(new int[] {1, 5, 6, 7}, new int[] {2, 4});
        SftSequence tooLong = new SftSequence(new int[] {1, 5, 6, 7, 8, 9}, new int[] {2, 4});
        SftBatches d = SftBatches.prepare(List.of(fits, tooLong), 5, 1, 2, 30);
        assertThat(d.size()).isEqualTo(1);
        assertThat(d.droppedExamples).isEqualTo(1);
        SftBatches.Batch b = d.pad(new int[] {0}, 0);
        // positions 1 and 2 predict tokens 6 and 7; no EOS is appended
        assertThat(b.lossPositions()).containsExactly(1, 2);
        assertThat(b.labels()).containsExactly(6, 7);
        assertThat(b.ids()).containsExactly(1, 5, 6, 7);
    }

    @Test
    void badSpansAreRejectedWithTheirPosition() {
        assertThatThrownBy(() -> new SftSequence(new int[] {1, 2, 3}, new int[] {0, 2}))
                .hasMessageContaining("span 0")
                .hasMessageContaining("found [0, 2)");
        assertThatThrownBy(() -> new SftSequence(new int[] {1, 2, 3, 4}, new int[] {1, 3, 2, 4}))
                .hasMessageContaining("span 1");
        assertThatThrownBy(() -> new SftSequence(new int[] {1, 2}, new int[] {1}))
                .hasMessageContaining("pairs");
    }
}
