package org.lcrec.onnx.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lcrec.onnx.GraphBuilder;
import org.lcrec.onnx.HostTensor;
import org.lcrec.onnx.OnnxModel;
import org.lcrec.onnx.ParameterStore;
import org.lcrec.onnx.Tensor;
import org.lcrec.onnx.runtime.InferenceSession;
import org.lcrec.onnx.runtime.SessionConfig;

class TrainerTest {
    @TempDir Path tmp;

    /** Regression target: y = sin(3 x0) + x1 x2 - 0.5 x3, from seeded x in [-1, 1]. */
    private static void regressionBatch(Trainer t, SplittableRandom rnd, int n) {
        FloatBuffer x = t.input("x", n, 4).floats();
        FloatBuffer y = t.input("y", n, 1).floats();
        for (int i = 0; i < n; i++) {
            float[] v = new float[4];
            for (int k = 0; k < 4; k++) {
                v[k] = (float) (rnd.nextDouble() * 2 - 1);
                x.put(i * 4 + k, v[k]);
            }
            y.put(i, (float) (Math.sin(3 * v[0]) + v[1] * v[2] - 0.5 * v[3]));
        }
    }

    @Test
    void mlpRegressionReachesThresholdAndExportsLoadableModel() {
        GraphBuilder g = new GraphBuilder("mlp");
        Tensor loss = TinyModels.mlp(g, 4, 64, 64, 1);
        ParameterStore store = ParameterStore.initialize(g.parameters(), 7);
        TrainerConfig cfg =
                TrainerConfig.builder()
                        .schedule(LrSchedule.cosine(1e-2, 20, 600, 1e-4))
                        .clipNorm(5.0)
                        .build();
        float first;
        float last = Float.NaN;
        try (Trainer t = Trainer.create(g, loss, store, cfg)) {
            SplittableRandom rnd = new SplittableRandom(1);
            regressionBatch(t, rnd, 128);
            first = t.evaluate();
            for (int i = 0; i < 600; i++) {
                regressionBatch(t, rnd, 128);
                last = t.step().loss();
            }
            regressionBatch(t, new SplittableRandom(99), 512);
            float held = t.evaluate();
            // the target's variance is ~0.63; a fitted MLP gets well under 0.02
            assertThat(held)
                    .as("held-out MSE after 600 steps (first %s, last %s)", first, last)
                    .isLessThan(0.02f);
            Path model = tmp.resolve("mlp.onnx");
            t.exportModel(model, "pred");
            OnnxModel info = OnnxModel.read(model);
            assertThat(info.inputs())
                    .extracting(OnnxModel.ValueSignature::name)
                    .containsExactly("x");
            assertThat(info.initializers()).containsKey("layers.0.weight");
            try (InferenceSession s = InferenceSession.open(model, SessionConfig.cpu())) {
                float[] xs = {0.1f, 0.2f, -0.3f, 0.4f};
                float p =
                        s.run(Map.of("x", HostTensor.ofFloats(xs, 1, 4)))
                                .get("pred")
                                .toFloatArray()[0];
                double truth = Math.sin(0.3) + 0.2 * -0.3 - 0.2;
                assertThat(p).isCloseTo((float) truth, org.assertj.core.data.Offset.offset(0.3f));
            }
        }
    }

    /** Sequences with x[t] = (x[t-1] + x[t-2]) mod V after two random tokens; padded tails. */
    static void lmBatch(Trainer t, SplittableRandom rnd, int batch, int seq, int vocab) {
        LongBuffer ids = t.input("input_ids", batch, seq).longs();
        LongBuffer mask = t.input("attention_mask", batch, seq).longs();
        LongBuffer labels = t.input("labels", batch, seq).longs();
        for (int b = 0; b < batch; b++) {
            int len = seq - rnd.nextInt(3);
            long p2 = rnd.nextInt(vocab);
            long p1 = rnd.nextInt(vocab);
            for (int s = 0; s < seq; s++) {
                long tok = s == 0 ? p2 : s == 1 ? p1 : (p1 + p2) % vocab;
                if (s >= 2) {
                    p2 = p1;
                    p1 = tok;
                }
                boolean real = s < len;
                ids.put(b * seq + s, real ? tok : 0);
                mask.put(b * seq + s, real ? 1 : 0);
            }
            for (int s = 0; s < seq; s++) {
                // label at s is the token at s+1; the first prediction (of a random token) is
                // ignored
                boolean valid = s >= 1 && s + 1 < len;
                labels.put(b * seq + s, valid ? ids.get(b * seq + s + 1) : -100);
            }
        }
    }

    @Test
    void causalTransformerLanguageModelLearns() {
        int vocab = 11;
        GraphBuilder g = new GraphBuilder("tiny-llama");
        Tensor loss = TinyModels.transformer(g, vocab, 32, 4, 2, 64, 0.0);
        ParameterStore store = ParameterStore.initialize(g.parameters(), 3);
        TrainerConfig cfg =
                TrainerConfig.builder()
                        .schedule(LrSchedule.cosine(1e-2, 30, 500, 1e-4))
                        .clipNorm(1.0)
                        .build();
        try (Trainer t = Trainer.create(g, loss, store, cfg)) {
            SplittableRandom rnd = new SplittableRandom(5);
            float last = 0;
            for (int i = 0; i < 500; i++) {
                lmBatch(t, rnd, 32, 12, vocab);
                last = t.step().loss();
            }
            lmBatch(t, new SplittableRandom(77), 64, 12, vocab);
            float held = t.evaluate();
            // ln(11) = 2.40 for a uniform guess; the rule is deterministic given two tokens
            assertThat(held)
                    .as("held-out cross-entropy (last train loss %s)", last)
                    .isLessThan(0.3f);
            Path model = tmp.resolve("lm.onnx");
            t.exportModel(model, "logits");
            try (InferenceSession s = InferenceSession.open(model, SessionConfig.cpu())) {
                assertThat(s.inputNames()).containsExactlyInAnyOrder("input_ids", "attention_mask");
                long[] ids = {3, 4, 7, 0, 7, 7};
                Map<String, HostTensor> out =
                        s.run(
                                Map.of(
                                        "input_ids",
                                        HostTensor.ofLongs(ids, 1, 6),
                                        "attention_mask",
                                        HostTensor.ofLongs(new long[] {1, 1, 1, 1, 1, 1}, 1, 6)));
                float[] logits = out.get("logits").toFloatArray();
                int best = 0;
                for (int v = 1; v < vocab; v++) {
                    if (logits[5 * vocab + v] > logits[5 * vocab + best]) {
                        best = v;
                    }
                }
                assertThat(best).isEqualTo(3); // (7 + 7) mod 11
            }
        }
    }

    private static List<Float> run(Trainer t, SplittableRandom rnd, int steps) {
        List<Float> l = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            // batches drawn from the trainer's own RNG so they resume too
            FloatBuffer x = t.input("x", 16, 4).floats();
            FloatBuffer y = t.input("y", 16, 1).floats();
            for (int k = 0; k < 64; k++) {
                x.put(k, t.rng().nextFloat() * 2 - 1);
            }
            for (int k = 0; k < 16; k++) {
                y.put(k, x.get(4 * k) * x.get(4 * k + 1));
            }
            l.add(t.step().loss());
        }
        return l;
    }

    private static Trainer mlpTrainer(int accumulation, Optimizer opt) {
        GraphBuilder g = new GraphBuilder("mlp");
        Tensor loss = TinyModels.mlp(g, 4, 16, 1);
        ParameterStore store = ParameterStore.initialize(g.parameters(), 11);
        return Trainer.create(
                g,
                loss,
                store,
                TrainerConfig.builder()
                        .optimizer(opt)
                        .schedule(LrSchedule.linear(5e-3, 3, 40))
                        .clipNorm(1.0)
                        .accumulationSteps(accumulation)
                        .seed(9)
                        .build());
    }

    @Test
    void checkpointResumeGivesTheSameLossCurve() {
        for (int accumulation : new int[] {1, 3}) {
            for (Optimizer opt : List.of(Optimizer.adamW(), new Optimizer.Sgd(0.9, 1e-4))) {
                List<Float> full;
                try (Trainer t = mlpTrainer(accumulation, opt)) {
                    full = run(t, null, 20);
                }
                List<Float> resumed;
                Path ck = tmp.resolve("ck-" + accumulation + ".safetensors");
                try (Trainer t = mlpTrainer(accumulation, opt)) {
                    resumed = new ArrayList<>(run(t, null, 7));
                    t.saveCheckpoint(ck);
                    run(t, null, 3); // diverge the killed run's state: must not matter
                }
                try (Trainer t = mlpTrainer(accumulation, opt)) {
                    t.loadCheckpoint(ck);
                    resumed.addAll(run(t, null, 13));
                }
                for (int i = 0; i < full.size(); i++) {
                    assertThat(resumed.get(i))
                            .as("%s accumulation %d step %d", opt.describe(), accumulation, i)
                            .isCloseTo(full.get(i), org.assertj.core.data.Offset.offset(1e-6f));
                }
            }
        }
    }

    @Test
    void checkpointFromAnotherGraphIsRejected() {
        Path ck = tmp.resolve("other.safetensors");
        try (Trainer t = mlpTrainer(1, Optimizer.adamW())) {
            t.saveCheckpoint(ck);
        }
        GraphBuilder g = new GraphBuilder("wider");
        Tensor loss = TinyModels.mlp(g, 4, 32, 1);
        try (Trainer t =
                Trainer.create(
                        g,
                        loss,
                        ParameterStore.initialize(g.parameters(), 1),
                        TrainerConfig.builder()
                                .schedule(LrSchedule.linear(5e-3, 3, 40))
                                .clipNorm(1.0)
                                .build())) {
            assertThatThrownBy(() -> t.loadCheckpoint(ck))
                    .isInstanceOf(CheckpointMismatchException.class)
                    .hasMessageContaining("different graph")
                    .hasMessageContaining("layers.0.weight");
        }
    }

    @Test
    void badInputsFailClearly() {
        try (Trainer t = mlpTrainer(1, Optimizer.adamW())) {
            assertThatThrownBy(() -> t.input("z", 2, 4))
                    .hasMessageContaining("no data input 'z'")
                    .hasMessageContaining("[x, y]");
            assertThatThrownBy(() -> t.input("x", 2, 5))
                    .hasMessageContaining("expected shape [batch, 4], found [2, 5]");
            t.input("x", 2, 4);
            assertThatThrownBy(t::step).hasMessageContaining("missing inputs [y]");
            t.input("y", 3, 1);
            assertThatThrownBy(t::step)
                    .hasMessageContaining("'batch' is 3 but another input gave 2");
        }
    }

    @Test
    void divergenceStopsWithTheStepNumber() {
        try (Trainer t = mlpTrainer(1, Optimizer.adamW())) {
            run(t, null, 2);
            t.input("x", 16, 4).floats().put(0, Float.NaN);
            assertThatThrownBy(t::step)
                    .isInstanceOf(TrainingDivergedException.class)
                    .hasMessageContaining("step 2");
        }
    }

    /** mean(dropout_0.5(x W)) with x [batch, 4] and W 4x4 of ones, at learning rate 0. */
    private static Trainer dropoutOfOnes() {
        GraphBuilder g = new GraphBuilder("drop");
        Tensor x = g.input("x", org.lcrec.onnx.DType.FLOAT, org.lcrec.onnx.Dim.dim("batch"), 4);
        Tensor w = g.parameter("w", org.lcrec.onnx.Init.ones(), 4, 4);
        Tensor loss = g.reduceMean(g.dropout(g.matMul(x, w), 0.5), false);
        return Trainer.create(
                g,
                loss,
                ParameterStore.initialize(g.parameters(), 1),
                TrainerConfig.builder().schedule(LrSchedule.constant(0, 0)).build());
    }

    @Test
    void dropoutMasksAreSeededAndOffInEvaluation() {
        try (Trainer t = dropoutOfOnes()) {
            FloatBuffer in = t.input("x", 64, 4).floats();
            for (int i = 0; i < 256; i++) {
                in.put(i, 1f);
            }
            assertThat(t.evaluate()).isEqualTo(4f);
            float a = t.step().loss();
            float b = t.step().loss();
            assertThat(a).isNotEqualTo(b);
            assertThat((double) a).isCloseTo(4.0, org.assertj.core.data.Offset.offset(1.0));
        }
    }

    /**
     * A batch of another size reuses the buffers of the largest seen (inputs and dropout masks) and
     * must still read exactly its own values: evaluation (masks of ones) equals the hand-computed
     * mean at every size, going down and up again.
     */
    @Test
    void inputsOfChangingShapeReadOnlyTheirOwnValues() {
        try (Trainer t = dropoutOfOnes()) {
            for (int n : new int[] {64, 8, 32, 3, 64}) {
                FloatBuffer in = t.input("x", n, 4).floats();
                assertThat(in.capacity()).isEqualTo(n * 4);
                double sum = 0;
                for (int i = 0; i < n * 4; i++) {
                    float v = (i % 7) + n;
                    in.put(i, v);
                    sum += v;
                }
                // every output column is the row's sum, so the mean output is sum / n
                assertThat((double) t.evaluate())
                        .as("batch %d", n)
                        .isCloseTo(sum / n, org.assertj.core.data.Offset.offset(1e-3));
                assertThat(t.step().loss()).isFinite();
                assertThat((double) t.evaluate())
                        .isCloseTo(sum / n, org.assertj.core.data.Offset.offset(1e-3));
            }
        }
    }

    @Test
    void frozenWeightsInlineOrFedGiveTheSameTraining() {
        // LoRA-style: y = x (W + A B) with W frozen; inline initialiser vs zero-copy input
        List<List<Float>> curves = new ArrayList<>();
        for (long limit : new long[] {1L << 30, 0}) {
            GraphBuilder g = new GraphBuilder("lora");
            Tensor x = g.input("x", org.lcrec.onnx.DType.FLOAT, org.lcrec.onnx.Dim.dim("batch"), 4);
            Tensor y = g.input("y", org.lcrec.onnx.DType.FLOAT, org.lcrec.onnx.Dim.dim("batch"), 1);
            Tensor w = g.frozenParameter("base.weight", org.lcrec.onnx.Init.xavierNormal(), 4, 1);
            Tensor a = g.parameter("lora_A", org.lcrec.onnx.Init.normal(0.1), 4, 2);
            Tensor b = g.parameter("lora_B", org.lcrec.onnx.Init.zeros(), 2, 1);
            Tensor pred = g.add(g.matMul(x, w), g.matMul(g.matMul(x, a), b));
            Tensor loss = org.lcrec.onnx.Losses.mse(g, pred, y);
            ParameterStore store = ParameterStore.initialize(g.parameters(), 4);
            float[] frozen = store.get("base.weight").toArray();
            try (Trainer t =
                    Trainer.create(
                            g,
                            loss,
                            store,
                            TrainerConfig.builder()
                                    .frozenInlineLimitBytes(limit)
                                    .schedule(LrSchedule.constant(1e-2, 0))
                                    .build())) {
                assertThat(t.inputNames()).containsExactly("x", "y");
                curves.add(run(t, null, 10));
            }
            assertThat(store.get("base.weight").toArray()).containsExactly(frozen);
        }
        // equal up to float rounding: ORT pre-packs constant weights for a different MatMul kernel
        for (int i = 0; i < 10; i++) {
            assertThat(curves.get(1).get(i))
                    .isCloseTo(curves.get(0).get(i), org.assertj.core.data.Offset.offset(1e-6f));
        }
        assertThat(curves.get(0).get(9)).isLessThan(curves.get(0).get(0));
    }
}
