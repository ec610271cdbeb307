package org.lcrec.model.sasrec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.lcrec.core.UnknownItemPolicy;
import org.lcrec.onnx.Autodiff;
import org.lcrec.onnx.Gradients;
import org.lcrec.onnx.Graph;
import org.lcrec.onnx.HostTensor;
import org.lcrec.onnx.OnnxExport;
import org.lcrec.onnx.ParameterStore;
import org.lcrec.onnx.Tensor;
import org.lcrec.onnx.runtime.InferenceSession;
import org.lcrec.onnx.runtime.SessionConfig;
import org.lcrec.onnx.train.Trainer;
import org.lcrec.onnx.train.TrainerConfig;

/**
 * The ONNX graphs against {@link SasRecReference} (plain Java, double precision, unpadded) on tiny
 * random weights: inference scores within 1e-5 (float32 through two blocks; scores reach 4 in
 * magnitude), training losses within 1e-6, and the gradients of the training loss that lcrec-onnx's
 * Autodiff derives against central finite differences (step 1e-4, in double) of the reference at
 * three seeded coordinates of every parameter, within 1e-5 + 1e-4 relative (observed at most 1.1e-7
 * on gradients up to 0.4).
 */
class SasRecGraphTest {
    private static final int ITEMS = 13;

    @Test
    void inferenceScoresMatchThePlainJavaForward() {
        SasRecConfig c = TinySasRec.fast().build();
        int[] ids = TinySasRec.itemIds(ITEMS);
        ParameterStore store = TinySasRec.randomStore(ITEMS, c, 3);
        SasRecReference ref = new SasRecReference(c, SasRecReference.weights(store), ITEMS);
        // lengths 1, 3, 6 (= maxLength) and 9 (truncated to the last 6) in one padded batch
        List<int[]> histories = TinySasRec.randomSequences(8, ids, 1, 9, 17).stream().toList();
        histories = new ArrayList<>(histories);
        histories.add(new int[] {ids[4]});
        histories.add(TinySasRec.randomSequences(1, ids, 9, 9, 5).get(0));
        try (SasRecModel m = TinySasRec.model(c, ids, store)) {
            float[][] got = m.scores(histories, UnknownItemPolicy.FAIL);
            ItemVocabulary v = m.vocabulary();
            double maxErr = 0;
            for (int h = 0; h < histories.size(); h++) {
                int[] rows = new int[histories.get(h).length];
                for (int i = 0; i < rows.length; i++) {
                    rows[i] = v.row(histories.get(h)[i]) + 1;
                }
                double[] want = ref.scores(rows);
                for (int j = 0; j < ITEMS; j++) {
                    maxErr = Math.max(maxErr, Math.abs(got[h][j] - want[j]));
                }
                // alone (no padding) it agrees with the batch up to float rounding
                float[] alone = m.scores(histories.get(h));
                for (int j = 0; j < ITEMS; j++) {
                    assertThat(alone[j])
                            .isCloseTo(got[h][j], org.assertj.core.data.Offset.offset(1e-6f));
                }
            }
            // observed 6e-7 on scores up to 4 in magnitude
            assertThat(maxErr).as("max |onnx - reference|").isLessThanOrEqualTo(1e-5);
        }
    }

    @Test
    void trainingLossesMatchThePlainJavaForward() {
        for (TrainingLoss loss : TrainingLoss.values()) {
            SasRecConfig c = TinySasRec.fast().loss(loss).build();
            int[] ids = TinySasRec.itemIds(ITEMS);
            ParameterStore store = TinySasRec.randomStore(ITEMS, c, 4);
            SasRecReference ref = new SasRecReference(c, SasRecReference.weights(store), ITEMS);
            SasRecBatches data = windows(c, ids, 21);
            int[] members = {0, 1, 2, 3, 4};
            SasRecBatches.Batch b = data.assemble(members);
            long[] negatives = new long[b.labels().length];
            SplittableRandom rng = new SplittableRandom(9);
            for (int i = 0; i < negatives.length; i++) {
                negatives[i] = rng.nextInt(ITEMS);
            }
            SasRecGraph.Training g = SasRecGraph.training(ITEMS, c);
            float got;
            try (Trainer t =
                    Trainer.create(g.builder(), g.loss(), store, TrainerConfig.builder().build())) {
                t.input(SasRecGraph.INPUT_IDS, b.rows(), b.length()).longs().put(0, b.ids());
                t.input(SasRecGraph.POSITION_IDS, b.rows(), b.length())
                        .longs()
                        .put(0, b.positions());
                t.input(SasRecGraph.LOSS_POSITIONS, b.labels().length)
                        .longs()
                        .put(0, b.lossPositions());
                t.input(SasRecGraph.LABELS, b.labels().length).longs().put(0, b.labels());
                if (loss == TrainingLoss.SAMPLED_BCE) {
                    t.input(SasRecGraph.NEGATIVES, negatives.length).longs().put(0, negatives);
                }
                // forward() runs with every dropout mask at 1
                got = t.forward(SasRecGraph.LOSS).get(SasRecGraph.LOSS).toFloatArray()[0];
            }
            double sum = 0;
            int k = 0;
            for (int m : members) {
                int[] w = data.windows[m];
                sum +=
                        loss == TrainingLoss.FULL_SOFTMAX
                                ? ref.crossEntropySum(w)
                                : ref.binaryCrossEntropySum(w, negatives, k);
                k += w.length - 1;
            }
            assertThat(k).isEqualTo(b.labels().length);
            // observed 5e-8 (softmax) and 7e-8 (BCE)
            assertThat((double) got).as(loss.name()).isCloseTo(sum / k, within(1e-6));
        }
    }

    @Test
    void lossGradientsMatchFiniteDifferencesOfTheReference() {
        SasRecConfig c = TinySasRec.fast().dropout(0).build();
        int[] ids = TinySasRec.itemIds(ITEMS);
        ParameterStore store = TinySasRec.randomStore(ITEMS, c, 5);
        SasRecBatches data = windows(c, ids, 23);
        int[] members = {0, 1, 2, 3};
        SasRecBatches.Batch b = data.assemble(members);
        SasRecGraph.Training t = SasRecGraph.training(ITEMS, c);
        List<Tensor> params = t.builder().trainableParameters();
        Gradients grads = Autodiff.gradients(t.builder(), t.loss(), params);
        List<String> outs = new ArrayList<>(List.of(SasRecGraph.LOSS));
        for (Tensor p : params) {
            t.builder().output("grad." + p.name(), grads.of(p));
            outs.add("grad." + p.name());
        }
        Graph graph = t.builder().build();
        Map<String, HostTensor> analytic;
        byte[] model =
                OnnxExport.builder().parameterValues(store).outputs(outs).build().toBytes(graph);
        try (InferenceSession s = InferenceSession.create(model, SessionConfig.cpu())) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put(SasRecGraph.INPUT_IDS, HostTensor.ofLongs(b.ids(), b.rows(), b.length()));
            f.put(
                    SasRecGraph.POSITION_IDS,
                    HostTensor.ofLongs(b.positions(), b.rows(), b.length()));
            f.put(
                    SasRecGraph.LOSS_POSITIONS,
                    HostTensor.ofLongs(b.lossPositions(), b.lossPositions().length));
            f.put(SasRecGraph.LABELS, HostTensor.ofLongs(b.labels(), b.labels().length));
            analytic = s.run(f);
        }
        Map<String, double[]> w = SasRecReference.weights(store);
        SasRecReference ref = new SasRecReference(c, w, ITEMS);
        SplittableRandom rng = new SplittableRandom(31);
        double h = 1e-4;
        int checked = 0;
        for (Tensor p : params) {
            double[] values = w.get(p.name());
            float[] g = analytic.get("grad." + p.name()).toFloatArray();
            assertThat(g).hasSize(values.length);
            // three coordinates per parameter, drawn from a fixed seed
            for (int draw = 0; draw < 3; draw++) {
                int i = rng.nextInt(values.length);
                double orig = values[i];
                values[i] = orig + h;
                double up = meanCe(ref, data, members);
                values[i] = orig - h;
                double down = meanCe(ref, data, members);
                values[i] = orig;
                double numeric = (up - down) / (2 * h);
                assertThat((double) g[i])
                        .as("d loss / d %s[%d]", p.name(), i)
                        .isCloseTo(numeric, within(1e-5 + 1e-4 * Math.abs(numeric)));
                checked++;
            }
        }
        assertThat(checked).isEqualTo(3 * params.size());
    }

    private static double meanCe(SasRecReference ref, SasRecBatches data, int[] members) {
        double sum = 0;
        int n = 0;
        for (int m : members) {
            sum += ref.crossEntropySum(data.windows[m]);
            n += data.windows[m].length - 1;
        }
        return sum / n;
    }

    /** Windows of random sequences of 2 to 9 items over the given ids (rows + 1). */
    private static SasRecBatches windows(SasRecConfig c, int[] ids, long seed) {
        ItemVocabulary v = ItemVocabulary.of(ids);
        List<int[]> rows = new ArrayList<>();
        for (int[] s : TinySasRec.randomSequences(12, ids, 2, 9, seed)) {
            int[] r = new int[s.length];
            for (int i = 0; i < r.length; i++) {
                r[i] = v.row(s[i]) + 1;
            }
            rows.add(r);
        }
        return SasRecBatches.of(rows, c.maxLength(), WindowPolicy.MOST_RECENT);
    }

    private static org.assertj.core.data.Offset<Double> within(double d) {
        return org.assertj.core.data.Offset.offset(d);
    }
}
