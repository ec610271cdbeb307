package org.lcrec.model.sft;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lcrec.model.llm.LlamaConfig;
import org.lcrec.model.llm.LlamaModel;
import org.lcrec.onnx.train.Trainer;
import org.lcrec.onnx.train.TrainerConfig;

/** Hidden dropout and early stopping, the two recipe settings of {@link SftConfig}. */
class SftRecipeTest {
    @Test
    void dropoutChangesTrainingStepsButNotEvaluation() {
        LlamaConfig c = TinySft.config(40, false);
        LlamaModel m = SftGraphTest.randomScaled(c, 5);
        List<SftExample> ex = TinySft.examples(4, 25, 30, 10, 9);
        SftBatches d = SftBatches.prepare(ex, 32, TinySft.BOS, TinySft.EOS, c.vocabSize());
        SftBatches.Batch b = d.pad(new int[] {0, 1, 2, 3}, 0);
        float plainLoss;
        float plainStep;
        SftGraph plain = SftGraph.build(c, null, 0, 0);
        try (Trainer t =
                Trainer.create(
                        plain.builder(),
                        plain.loss(),
                        plain.initialStore(m, 1),
                        TrainerConfig.builder().build())) {
            SftTrainer.feed(t, b);
            plainLoss = t.evaluate();
            plainStep = t.step().loss();
        }
        SftGraph dropped = SftGraph.build(c, null, 0, 0.5);
        // embeddings, and attention and MLP outputs of both layers
        assertThat(dropped.builder().build().dropoutMasks()).hasSize(1 + 2 * c.numLayers());
        try (Trainer t =
                Trainer.create(
                        dropped.builder(),
                        dropped.loss(),
                        dropped.initialStore(m, 1),
                        TrainerConfig.builder().seed(3).build())) {
            SftTrainer.feed(t, b);
            // evaluation runs with dropout off: the same loss as the graph without dropout
            assertThat(t.evaluate()).isCloseTo(plainLoss, Offset.offset(1e-5f));
            // a training step draws masks: half the hidden units gone changes the loss
            assertThat(Math.abs(t.step().loss() - plainStep)).isGreaterThan(1e-3f);
        }
    }

    @Test
    void trainingStopsAfterPatienceEvaluationsWithoutImprovement(@TempDir Path out) {
        LlamaConfig c = TinySft.config(40, false);
        LlamaModel base = LlamaModel.random(c, 4);
        List<SftExample> ex = TinySft.examples(8, 25, 30, 10, 23);
        // 2 steps per epoch, 10 epochs = 20 steps; evaluated every 2 steps
        SftConfig cfg = TinySft.fast().epochs(10).evaluateEvery(2).patience(3).build();
        // the metric peaks at step 4 and only falls afterwards
        List<Long> evaluated = new ArrayList<>();
        ModelScorer peaksAtFour =
                (model, step) -> {
                    evaluated.add(step);
                    return -Math.abs(step - 4);
                };
        SftResult r = new SftTrainer(cfg).train(base, ex, out, null, peaksAtFour);
        assertThat(evaluated).containsExactly(2L, 4L, 6L, 8L, 10L);
        assertThat(r.steps()).isEqualTo(10);
        assertThat(r.bestStep()).isEqualTo(4);
        assertThat(out.resolve("best").resolve("model.safetensors")).isRegularFile();
        // a rerun on the same directory resumes at step 10 and stays stopped
        evaluated.clear();
        SftResult again = new SftTrainer(cfg).train(base, ex, out, null, peaksAtFour);
        assertThat(again.steps()).isEqualTo(10);
        assertThat(again.bestStep()).isEqualTo(4);
        assertThat(evaluated).isEmpty();
    }
}
