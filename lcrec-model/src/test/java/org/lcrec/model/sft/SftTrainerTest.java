package org.lcrec.model.sft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lcrec.model.llm.LlamaConfig;
import org.lcrec.model.llm.LlamaModel;
import org.lcrec.onnx.HostTensor;
import org.lcrec.onnx.Parameter;
import org.lcrec.onnx.ParameterStore;
import org.lcrec.onnx.Safetensors;
import org.lcrec.onnx.train.Trainer;
import org.lcrec.onnx.train.TrainerConfig;

class SftTrainerTest {
    @Test
    void fromScratchModelMemorisesASmallSeededSet(@TempDir Path out) {
        LlamaConfig c = TinySft.config(40, true);
        LlamaModel base = LlamaModel.random(c, 3);
        List<SftExample> ex = TinySft.examples(8, 25, 30, 10, 17);
        List<Progress> progress = new ArrayList<>();
        SftConfig cfg = TinySft.fast().epochs(60).build();
        SftResult r =
                new SftTrainer(cfg)
                        .train(
                                base,
                                ex,
                                out,
                                new SftListener() {
                                    @Override
                                    public void onStep(Progress p) {
                                        progress.add(p);
                                    }
                                },
                                null);
        assertThat(r.steps()).isEqualTo(120);
        assertThat(progress).hasSize(120);
        assertThat(progress.get(119).step()).isEqualTo(120);
        assertThat(progress.get(119).tokensPerSecond()).isPositive();
        assertThat(progress.get(119).etaSeconds()).isZero();
        assertThat(r.losses().get(0)).isGreaterThan(3.0); // ~ln(40) at the start
        assertThat(r.finalLoss()).as("memorised").isLessThan(0.05); // observed 0.023
        // greedy check: the trained model's argmax at every response/EOS position is the label
        SftBatches data = SftBatches.prepare(ex, 32, TinySft.BOS, TinySft.EOS, c.vocabSize());
        SftBatches.Batch all = data.pad(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, 0);
        SftGraph plain = SftGraph.build(c, null, 0);
        float[] logits;
        try (Trainer t =
                Trainer.create(
                        plain.builder(),
                        plain.loss(),
                        plain.initialStore(r.model(), 1),
                        TrainerConfig.builder().build())) {
            SftTrainer.feed(t, all);
            logits = t.forward(SftGraph.LOGITS).get(SftGraph.LOGITS).toFloatArray();
        }
        int v = c.vocabSize();
        for (int k = 0; k < all.labels().length; k++) {
            int best = 0;
            for (int j = 1; j < v; j++) {
                if (logits[k * v + j] > logits[k * v + best]) {
                    best = j;
                }
            }
            assertThat(best)
                    .as("greedy token at loss position %d", k)
                    .isEqualTo((int) all.labels()[k]);
        }
        assertThat(r.modelDir().resolve("model.safetensors")).isRegularFile();
        assertThat(LlamaModel.load(r.modelDir()).config()).isEqualTo(c);
        assertThat(SftTrainer.checkpoints(out)).hasSize(1);
    }

    /**
     * A damaged newest checkpoint (torn trainer file, nonsense cursor) gives way to the newest
     * intact one, and the run still ends on the uninterrupted run's losses; with every checkpoint
     * damaged, resuming fails by name instead of starting over silently.
     */
    @Test
    void aDamagedNewestCheckpointFallsBackToTheNewestIntactOne(@TempDir Path tmp) throws Exception {
        LlamaConfig c = TinySft.config(40, false);
        LlamaModel base = LlamaModel.random(c, 4);
        List<SftExample> ex = TinySft.examples(10, 25, 30, 10, 23);
        SftConfig cfg =
                TinySft.fast()
                        .epochs(3)
                        .batchSize(3)
                        .checkpointEvery(2)
                        .keepLastCheckpoints(3)
                        .build();
        SftResult full = new SftTrainer(cfg).train(base, ex, tmp.resolve("full"), null, null);
        long total = full.steps();
        SftListener killer =
                new SftListener() {
                    @Override
                    public void onStep(Progress p) {
                        if (p.step() == 5) {
                            throw new IllegalStateException("killed");
                        }
                    }
                };
        for (String damage : new String[] {"torn", "cursor"}) {
            Path out = tmp.resolve(damage);
            assertThatThrownBy(() -> new SftTrainer(cfg).train(base, ex, out, killer, null))
                    .hasMessage("killed");
            Path newest = out.resolve("checkpoint-4");
            if (damage.equals("torn")) {
                Path f = newest.resolve(SftTrainer.TRAINER_FILE);
                byte[] b = java.nio.file.Files.readAllBytes(f);
                java.nio.file.Files.write(f, java.util.Arrays.copyOf(b, b.length / 3));
            } else {
                Path f = newest.resolve(SftTrainer.STATE_FILE);
                String st = java.nio.file.Files.readString(f);
                java.nio.file.Files.writeString(
                        f, st.replaceFirst("\"micro_cursor\" *: *\\d+", "\"micro_cursor\": -50"));
                assertThat(java.nio.file.Files.readString(f)).contains("-50");
            }
            SftResult resumed = new SftTrainer(cfg).train(base, ex, out, null, null);
            assertThat(resumed.resumedFromStep()).as(damage).isEqualTo(2);
            assertThat(resumed.steps()).isEqualTo(total);
            for (int i = 0; i < total; i++) {
                assertThat(resumed.losses().get(i))
                        .as("%s: loss of step %d", damage, i + 1)
                        .isCloseTo(full.losses().get(i), org.assertj.core.data.Offset.offset(1e-6));
            }
        }
        Path all = tmp.resolve("all");
        assertThatThrownBy(() -> new SftTrainer(cfg).train(base, ex, all, killer, null))
                .hasMessage("killed");
        for (Path ck : SftTrainer.checkpoints(all)) {
            java.nio.file.Files.writeString(ck.resolve(SftTrainer.STATE_FILE), "{not json");
        }
        assertThatThrownBy(() -> new SftTrainer(cfg).train(base, ex, all, null, null))
                .hasMessageContaining("every checkpoint is damaged")
                .hasMessageContaining("checkpoint-2")
                .hasMessageContaining("checkpoint-4");
    }

    /**
     * Padding to a multiple masks the extra positions and ignores the extra targets, so every
     * step's loss and the trained weights are those of the unpadded run (to float rounding).
     * Without dropout: masks are drawn per element of the padded shape, so with dropout the padded
     * run draws other (equally distributed) masks.
     */
    @Test
    void paddingToAMultipleLeavesLossesAndWeightsUnchanged(@TempDir Path tmp) {
        LlamaConfig c = TinySft.config(40, true);
        LlamaModel base = LlamaModel.random(c, 4);
        List<SftExample> ex = TinySft.examples(14, 25, 30, 10, 29);
        SftConfig.Builder b =
                TinySft.fast()
                        .epochs(2)
                        .batchSize(3)
                        .lora(LoraConfig.lcRec().withDropout(0))
                        .addedTokens(5);
        SftResult plain = new SftTrainer(b.build()).train(base, ex, tmp.resolve("a"), null, null);
        SftResult padded =
                new SftTrainer(b.padToMultiple(8).build())
                        .train(base, ex, tmp.resolve("b"), null, null);
        assertThat(padded.losses()).hasSize(plain.losses().size()).hasSizeGreaterThan(4);
        for (int i = 0; i < plain.losses().size(); i++) {
            assertThat(padded.losses().get(i))
                    .as("loss of step %d", i + 1)
                    .isCloseTo(plain.losses().get(i), org.assertj.core.data.Offset.offset(1e-5));
        }
        for (Parameter p : plain.model().weights().all()) {
            float[] x = p.toArray();
            float[] y = padded.model().weights().get(p.name()).toArray();
            for (int i = 0; i < x.length; i++) {
                assertThat(Math.abs(x[i] - y[i])).as(p.name()).isLessThanOrEqualTo(1e-5f);
            }
        }
        // the option is part of what a checkpoint was written for
        assertThat(b.padToMultiple(8).build().trainingSignature()).contains("padToMultiple=8");
        assertThat(b.padToMultiple(1).build().trainingSignature()).doesNotContain("padToMultiple");
    }

    @Test
    void resumeAfterKillContinuesTheSameLossCurve(@TempDir Path tmp) {
        LlamaConfig c = TinySft.config(40, false);
        LlamaModel base = LlamaModel.random(c, 4);
        List<SftExample> ex = TinySft.examples(10, 25, 30, 10, 23);
        SftConfig cfg =
                TinySft.fast()
                        .epochs(3)
                        .batchSize(3)
                        .accumulationSteps(2)
                        .schedule(SftConfig.Schedule.COSINE)
                        .checkpointEvery(2)
                        .keepLastCheckpoints(2)
                        .lora(LoraConfig.lcRec().withDropout(0.1))
                        .addedTokens(5)
                        .build();
        SftResult full = new SftTrainer(cfg).train(base, ex, tmp.resolve("full"), null, null);
        assertThat(full.steps()).isEqualTo(6);

        Path out = tmp.resolve("killed");
        SftListener killer =
                new SftListener() {
                    @Override
                    public void onStep(Progress p) {
                        if (p.step() == 5) {
                            throw new IllegalStateException("killed");
                        }
                    }
                };
        assertThatThrownBy(() -> new SftTrainer(cfg).train(base, ex, out, killer, null))
                .hasMessage("killed");
        assertThat(SftTrainer.checkpoints(out))
                .extracting(p -> p.getFileName().toString())
                .containsExactly("checkpoint-2", "checkpoint-4");
        SftResult resumed = new SftTrainer(cfg).train(base, ex, out, null, null);
        assertThat(resumed.resumedFromStep()).isEqualTo(4);
        assertThat(resumed.steps()).isEqualTo(6);
        assertThat(resumed.losses()).hasSize(6);
        for (int i = 0; i < 6; i++) {
            assertThat(resumed.losses().get(i))
                    .as("loss of step %d", i + 1)
                    .isCloseTo(full.losses().get(i), org.assertj.core.data.Offset.offset(1e-6));
        }
        for (Parameter p : full.model().weights().all()) {
            float[] a = p.toArray();
            float[] b = resumed.model().weights().get(p.name()).toArray();
            for (int i = 0; i < a.length; i++) {
                assertThat(Math.abs(a[i] - b[i])).isLessThanOrEqualTo(1e-6f);
            }
        }
        assertThat(SftTrainer.checkpoints(out))
                .extracting(p -> p.getFileName().toString())
                .containsExactly("checkpoint-4", "checkpoint-6");
        // a different run's configuration is refused rather than silently mixed
        SftConfig other = cfg.toBuilder().learningRate(1e-2).build();
        assertThatThrownBy(() -> new SftTrainer(other).train(base, ex, out, null, null))
                .hasMessageContaining("written for a different run");
    }

    @Test
    void loraKeepsBaseBitIdenticalTrainsNewRowsAndMergesExactly(@TempDir Path out) {
        int added = 6;
        LlamaConfig c = TinySft.config(40, true);
        LlamaModel base = LlamaModel.random(c, 5);
        ParameterStore before = base.copy().weights();
        // responses use only the added tokens (ids 34..39), like index tokens
        List<SftExample> ex = TinySft.examples(8, 25, 40 - added, added, 29);
        SftConfig cfg =
                TinySft.fast()
                        .epochs(10)
                        .lora(LoraConfig.newRowsOnly().withDropout(0.05))
                        .addedTokens(added)
                        .build();
        List<double[]> evals = new ArrayList<>();
        SftResult r =
                new SftTrainer(cfg.toBuilder().evaluateEvery(5).build())
                        .train(
                                base,
                                ex,
                                out,
                                null,
                                (m, step) -> {
                                    // a metric that peaks at step 10: best/ must hold that step's
                                    // model
                                    double metric = step == 10 ? 1.0 : 0.0;
                                    evals.add(new double[] {step, metric});
                                    return metric;
                                });
        assertThat(r.steps()).isEqualTo(20);
        assertThat(evals).extracting(e -> (long) e[0]).containsExactly(5L, 10L, 15L, 20L);
        assertThat(r.bestStep()).isEqualTo(10);
        assertThat(r.bestDir().resolve("model.safetensors")).isRegularFile();
        assertThat(r.finalLoss()).isLessThan(r.losses().get(0));

        // base weights bit-identical
        for (Parameter p : before.all()) {
            assertThat(base.weights().get(p.name()).toArray())
                    .as(p.name())
                    .containsExactly(p.toArray());
        }
        float[] e0 = before.get("model.embed_tokens.weight").toArray();
        float[] e1 = r.model().weights().get("model.embed_tokens.weight").toArray();
        int d = c.hiddenSize();
        int v0 = c.vocabSize() - added;
        for (int row = 0; row < c.vocabSize(); row++) {
            double diff = 0;
            for (int j = 0; j < d; j++) {
                diff = Math.max(diff, Math.abs(e0[row * d + j] - e1[row * d + j]));
            }
            if (row < v0) {
                assertThat(diff).as("old row %d unchanged", row).isZero();
            } else {
                assertThat(diff).as("new row %d trained", row).isGreaterThan(1e-4);
            }
        }
        // projections changed only through the merged LoRA update
        assertThat(r.model().weights().get("model.layers.0.self_attn.q_proj.weight").toArray())
                .isNotEqualTo(before.get("model.layers.0.self_attn.q_proj.weight").toArray());

        // merged model == base + LoRA (unmerged graph with the trained factors) within 1e-5
        Path ckpt = SftTrainer.latestCheckpoint(out).resolve(SftTrainer.TRAINER_FILE);
        Map<String, HostTensor> saved = Safetensors.read(ckpt).tensors();
        SftGraph loraGraph = SftGraph.build(c, cfg.lora(), added);
        ParameterStore loraStore = loraGraph.initialStore(base, 99);
        int restored = 0;
        for (Parameter p : loraStore.all()) {
            HostTensor t = saved.get("param/" + p.name());
            if (t != null) {
                p.set(t.toFloatArray());
                restored++;
            }
        }
        assertThat(restored).isEqualTo(2 * 7 * c.numLayers() + 1);
        SftGraph plain = SftGraph.build(c, null, 0);
        SftBatches data = SftBatches.prepare(ex, 32, TinySft.BOS, TinySft.EOS, c.vocabSize());
        SftBatches.Batch b = data.pad(new int[] {0, 1, 2, 3}, 0);
        float[] unmerged;
        float[] merged;
        try (Trainer t =
                Trainer.create(
                        loraGraph.builder(),
                        loraGraph.loss(),
                        loraStore,
                        TrainerConfig.builder().build())) {
            SftTrainer.feed(t, b);
            unmerged = t.forward(SftGraph.LOGITS).get(SftGraph.LOGITS).toFloatArray();
        }
        try (Trainer t =
                Trainer.create(
                        plain.builder(),
                        plain.loss(),
                        plain.initialStore(r.model(), 1),
                        TrainerConfig.builder().build())) {
            SftTrainer.feed(t, b);
            merged = t.forward(SftGraph.LOGITS).get(SftGraph.LOGITS).toFloatArray();
        }
        double max = 0;
        double scale = 0;
        for (int i = 0; i < merged.length; i++) {
            max = Math.max(max, Math.abs(merged[i] - unmerged[i]));
            scale = Math.max(scale, Math.abs(merged[i]));
        }
        assertThat(scale).isGreaterThan(0.1);
        assertThat(max).as("merged vs base+LoRA logits").isLessThanOrEqualTo(1e-5);
    }

    @Test
    void halfWrittenCheckpointsOfAKilledRunAreIgnored(@TempDir Path out) throws Exception {
        Files.createDirectories(out.resolve("checkpoint-3"));
        Files.writeString(out.resolve("checkpoint-3").resolve(SftTrainer.STATE_FILE), "{}");
        // killed while writing: a temporary directory, and a checkpoint directory without its state
        Files.createDirectories(out.resolve(".checkpoint-6.tmp"));
        Files.writeString(out.resolve(".checkpoint-6.tmp").resolve(SftTrainer.STATE_FILE), "{}");
        Files.createDirectories(out.resolve("checkpoint-9"));
        assertThat(SftTrainer.latestCheckpoint(out)).isEqualTo(out.resolve("checkpoint-3"));
        // a state file of another format is refused by name
        LlamaConfig c = TinySft.config(40, true);
        assertThatThrownBy(
                        () ->
                                new SftTrainer(TinySft.fast().build())
                                        .train(
                                                LlamaModel.random(c, 1),
                                                TinySft.examples(4, 25, 30, 10, 1),
                                                out,
                                                null,
                                                null))
                .hasMessageContaining(SftTrainer.STATE_FILE)
                .hasMessageContaining("format: expected 'lcrec-sft-checkpoint'");
    }

    @Test
    void vocabularyMismatchIsReported() {
        LlamaConfig c = TinySft.config(40, true);
        assertThatThrownBy(() -> SftTrainer.checkVocabulary(45, c))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(
                        "the tokenizer has 45 tokens but the model has 40 embedding rows");
        SftTrainer.checkVocabulary(40, c);
        SftTrainer.checkVocabulary(38, c); // padded embedding rows (Qwen) are fine
    }

    @Test
    void modelDirectoryIsReplacedAtomically(@TempDir Path tmp) throws Exception {
        LlamaModel m = LlamaModel.random(TinySft.config(20, true), 1);
        Path dir = tmp.resolve("model");
        SftTrainer.saveModelDir(m, dir);
        SftTrainer.saveModelDir(m, dir);
        try (var s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("model");
        }
    }
}
