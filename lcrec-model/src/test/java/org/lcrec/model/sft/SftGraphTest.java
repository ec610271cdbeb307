package org.lcrec.model.sft;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lcrec.model.export.DecoderExport;
import org.lcrec.model.llm.LlamaConfig;
import org.lcrec.model.llm.LlamaModel;
import org.lcrec.onnx.HostTensor;
import org.lcrec.onnx.Parameter;
import org.lcrec.onnx.runtime.InferenceSession;
import org.lcrec.onnx.runtime.SessionConfig;
import org.lcrec.onnx.train.Trainer;
import org.lcrec.onnx.train.TrainerConfig;

/**
 * The training graph against the exported inference graph on a random tiny model: logits at the
 * loss positions agree within 1e-4, and the training loss equals the cross-entropy computed by hand
 * from the exported logits at exactly the response + EOS positions.
 */
class SftGraphTest {
    static LlamaModel randomScaled(LlamaConfig c, long seed) {
        LlamaModel m = LlamaModel.random(c, seed);
        for (Parameter p : m.weights().all()) {
            float[] v = p.toArray();
            for (int i = 0; i < v.length; i++) {
                v[i] = p.shape().length == 1 ? 1f + 0.2f * (float) Math.cos(i) : v[i] * 6f;
            }
            p.set(v);
        }
        return m;
    }

    @Test
    void trainingGraphMatchesExportedPrefillAndHandComputedLoss() {
        LlamaConfig c = TinySft.config(41, false);
        LlamaModel m = randomScaled(c, 11);
        List<SftExample> ex = TinySft.examples(3, 30, 33, 8, 5);
        SftBatches d = SftBatches.prepare(ex, 64, TinySft.BOS, TinySft.EOS, c.vocabSize());
        SftBatches.Batch b = d.pad(new int[] {0, 1, 2}, 0);
        SftGraph graph = SftGraph.build(c, null, 0);
        float[] trainLogits;
        float trainLoss;
        try (Trainer t =
                Trainer.create(
                        graph.builder(),
                        graph.loss(),
                        graph.initialStore(m, 1),
                        TrainerConfig.builder().build())) {
            SftTrainer.feed(t, b);
            Map<String, HostTensor> out = t.forward(SftGraph.LOGITS, Trainer.LOSS);
            trainLogits = out.get(SftGraph.LOGITS).toFloatArray();
            trainLoss = out.get(Trainer.LOSS).toFloatArray()[0];
        }
        int v = c.vocabSize();
        // exported graph on each example alone (no padding), full logits
        double ce = 0;
        int k = 0;
        double maxDiff = 0;
        try (InferenceSession s =
                InferenceSession.create(DecoderExport.toBytes(m, false), SessionConfig.cpu())) {
            for (int row = 0; row < 3; row++) {
                int[] seq = d.seqs[row];
                int n = seq.length;
                long[] ids = new long[n];
                long[] ones = new long[n];
                long[] pos = new long[n];
                for (int i = 0; i < n; i++) {
                    ids[i] = seq[i];
                    ones[i] = 1;
                    pos[i] = i;
                }
                Map<String, Object> f = new HashMap<>();
                f.put("input_ids", HostTensor.ofLongs(ids, 1, n));
                f.put("attention_mask", HostTensor.ofLongs(ones, 1, n));
                f.put("position_ids", HostTensor.ofLongs(pos, 1, n));
                for (int i = 0; i < c.numLayers(); i++) {
                    HostTensor empty =
                            HostTensor.ofFloats(new float[0], 1, c.numKvHeads(), 0, c.headDim());
                    f.put(DecoderExport.pastKey(i), empty);
                    f.put(DecoderExport.pastValue(i), empty);
                }
                float[] full = s.run(f).get("logits").toFloatArray();
                // the response starts after the prompt; positions promptLen-1 .. n-2 carry loss
                for (int t = d.spans[row][0] - 1; t < n - 1; t++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < v; j++) {
                        max = Math.max(max, full[t * v + j]);
                        maxDiff =
                                Math.max(
                                        maxDiff,
                                        Math.abs(full[t * v + j] - trainLogits[k * v + j]));
                    }
                    double z = 0;
                    for (int j = 0; j < v; j++) {
                        z += Math.exp(full[t * v + j] - max);
                    }
                    ce += -(full[t * v + seq[t + 1]] - max - Math.log(z));
                    k++;
                }
            }
        }
        assertThat(k).isEqualTo(b.labels().length);
        assertThat(maxDiff).as("training vs exported logits").isLessThanOrEqualTo(1e-4);
        assertThat((double) trainLoss).isCloseTo(ce / k, org.assertj.core.data.Offset.offset(1e-4));
    }

    @Test
    void loraGraphSplitsNewRowsAndMergesBackToTheBaseBeforeTraining() {
        for (boolean tied : new boolean[] {true, false}) {
            LlamaConfig c = TinySft.config(41, tied);
            LlamaModel m = randomScaled(c, 12);
            SftGraph g = SftGraph.build(c, LoraConfig.newRowsOnly(), 4);
            org.lcrec.onnx.ParameterStore s = g.initialStore(m, 3);
            assertThat(s.contains("model.embed_tokens.new_rows.weight")).isTrue();
            assertThat(s.get("model.embed_tokens.base_rows.weight").shape())
                    .containsExactly(37, 32);
            assertThat(s.contains("lm_head.new_rows.weight")).isEqualTo(!tied);
            assertThat(s.contains("model.layers.1.mlp.down_proj.lora_A.weight")).isTrue();
            long trainable = g.builder().parameters().stream().filter(p -> p.trainable()).count();
            // 7 projections x 2 factors x 2 layers, plus the new embedding (and head) rows
            assertThat(trainable).isEqualTo(28 + (tied ? 1 : 2));
            // B starts at zero, so merging the initial store gives back the base exactly
            LlamaModel merged = g.merged(s);
            for (Parameter p : m.weights().all()) {
                assertThat(merged.weights().get(p.name()).toArray())
                        .as(p.name())
                        .containsExactly(p.toArray());
            }
        }
    }

    /**
     * Merging into the base's own memory gives {@link SftGraph#merged}'s values bit for bit (LoRA
     * with non-zero B, changed new rows; full fine-tuning with every weight changed) and writes
     * them into the base model itself.
     */
    @Test
    void mergeIntoTheBaseEqualsTheMergedCopy() {
        for (LoraConfig lora : new LoraConfig[] {LoraConfig.newRowsOnly(), null}) {
            for (boolean tied : new boolean[] {true, false}) {
                LlamaConfig c = TinySft.config(41, tied);
                LlamaModel base = randomScaled(c, 12);
                SftGraph g = SftGraph.build(c, lora, lora == null ? 0 : 4);
                org.lcrec.onnx.ParameterStore s = g.initialStore(base, 3);
                // what training would do: move every trainable value
                for (Parameter p : s.all()) {
                    if (p.trainable()) {
                        float[] v = p.toArray();
                        for (int i = 0; i < v.length; i++) {
                            v[i] += 0.01f * (float) Math.sin(3 * i + p.name().length());
                        }
                        p.set(v);
                    }
                }
                String down = "model.layers.0.mlp.down_proj.weight";
                // LoRA's frozen base is the model's memory; a full fine-tune trains a copy
                assertThat(s.get(down).sharesMemoryWith(base.weights().get(down)))
                        .isEqualTo(lora != null);
                LlamaModel copy = g.merged(s);
                LlamaModel into = g.mergeInto(base, s);
                assertThat(into).isSameAs(base);
                for (Parameter p : copy.weights().all()) {
                    assertThat(into.weights().get(p.name()).toArray())
                            .as("%s, tied %s: %s", lora, tied, p.name())
                            .containsExactly(p.toArray());
                }
            }
        }
    }

    /**
     * LoRA training new rows only never materialises a {@code [vocab, d]} tensor (a concatenated
     * embedding, its scattered gradient), and its one SGD step moves the new rows exactly as a full
     * fine-tune of the same model moves the same rows: LoRA's B starts at zero, so both graphs have
     * the same loss and the same gradient for those rows.
     */
    @Test
    void newRowsAreTrainedWithoutVocabularySizedTemporariesAndGetTheFullGradient() {
        for (boolean tied : new boolean[] {true, false}) {
            LlamaConfig c = TinySft.config(41, tied);
            LlamaModel m = randomScaled(c, 12);
            int added = 4;
            List<SftExample> ex = TinySft.examples(4, 30, 33, 8, 5);
            SftBatches d = SftBatches.prepare(ex, 64, TinySft.BOS, TinySft.EOS, c.vocabSize());
            SftBatches.Batch b = d.pad(new int[] {0, 1, 2, 3}, 0);
            TrainerConfig sgd =
                    TrainerConfig.builder()
                            .optimizer(new org.lcrec.onnx.train.Optimizer.Sgd(0, 0))
                            .schedule(org.lcrec.onnx.train.LrSchedule.constant(0.5, 0))
                            .optimizerThreads(1)
                            .build();
            SftGraph lora = SftGraph.build(c, LoraConfig.newRowsOnly().withDropout(0), added);
            float[][] loraRows;
            try (Trainer t =
                    Trainer.create(lora.builder(), lora.loss(), lora.initialStore(m, 3), sgd)) {
                // the backward pass is in the graph now: no node output is vocabulary-sized
                for (org.lcrec.onnx.Node n : t.graph().nodes()) {
                    for (org.lcrec.onnx.Tensor o : n.outputs()) {
                        boolean vocabSized =
                                o.shape().isStatic()
                                        && o.shape().rank() == 2
                                        && o.shape().toArray()[0] == c.vocabSize();
                        assertThat(vocabSized)
                                .as("%s of %s %s (tied %s)", o.shape(), n.opType(), o.name(), tied)
                                .isFalse();
                    }
                }
                SftTrainer.feed(t, b);
                t.step();
                loraRows = rows(t.parameters(), tied, SftGraph.NEW_ROWS);
            }
            SftGraph full = SftGraph.build(c, null, 0);
            float[][] fullRows;
            try (Trainer t =
                    Trainer.create(full.builder(), full.loss(), full.initialStore(m, 3), sgd)) {
                SftTrainer.feed(t, b);
                t.step();
                fullRows = rows(t.parameters(), tied, ".weight");
            }
            int d0 = c.hiddenSize();
            for (int k = 0; k < loraRows.length; k++) {
                float[] want =
                        java.util.Arrays.copyOfRange(
                                fullRows[k], (c.vocabSize() - added) * d0, c.vocabSize() * d0);
                float[] before =
                        java.util.Arrays.copyOfRange(
                                m.weights()
                                        .get(
                                                k == 0
                                                        ? "model.embed_tokens.weight"
                                                        : "lm_head.weight")
                                        .toArray(),
                                (c.vocabSize() - added) * d0,
                                c.vocabSize() * d0);
                assertThat(want).as("the full step moved the rows").isNotEqualTo(before);
                for (int i = 0; i < want.length; i++) {
                    assertThat(loraRows[k][i])
                            .as("tied %s, matrix %d, value %d", tied, k, i)
                            .isCloseTo(
                                    want[i],
                                    org.assertj.core.data.Offset.offset(
                                            1e-5f + 1e-4f * Math.abs(want[i])));
                }
            }
        }
    }

    /** A LoRA store's frozen weights are the model's memory; its trained ones are copies. */
    @Test
    void frozenWeightsAreSharedWithTheModelAndTrainedOnesCopied() {
        LlamaConfig c = TinySft.config(41, true);
        LlamaModel m = randomScaled(c, 12);
        SftGraph g = SftGraph.build(c, LoraConfig.newRowsOnly(), 4);
        org.lcrec.onnx.ParameterStore s = g.initialStore(m, 3);
        Parameter q = m.weights().get("model.layers.0.self_attn.q_proj.weight");
        Parameter e = m.weights().get("model.embed_tokens.weight");
        float[] baseRows = s.get("model.embed_tokens.base_rows.weight").toArray();
        float[] newRows = s.get("model.embed_tokens.new_rows.weight").toArray();
        assertThat(baseRows).isEqualTo(java.util.Arrays.copyOf(e.toArray(), 37 * 32));
        assertThat(newRows).isEqualTo(java.util.Arrays.copyOfRange(e.toArray(), 37 * 32, 41 * 32));
        q.data().put(5, 123f);
        e.data().put(7, 456f);
        e.data().put(38 * 32, 789f);
        assertThat(s.get("model.layers.0.self_attn.q_proj.weight").data().get(5)).isEqualTo(123f);
        assertThat(s.get("model.embed_tokens.base_rows.weight").data().get(7)).isEqualTo(456f);
        assertThat(s.get("model.embed_tokens.new_rows.weight").data().get(32))
                .isEqualTo(newRows[32]);
        assertThat(s.get("model.embed_tokens.new_rows.weight").trainable()).isTrue();
        assertThat(s.get("model.layers.0.self_attn.q_proj.weight").trainable()).isFalse();
    }

    /** The embedding's (and an untied head's) rows named {@code stem + suffix}. */
    private static float[][] rows(org.lcrec.onnx.ParameterStore s, boolean tied, String suffix) {
        float[] e = s.get("model.embed_tokens" + suffix).toArray();
        return tied ? new float[][] {e} : new float[][] {e, s.get("lm_head" + suffix).toArray()};
    }
}
