package org.lcrec.model.sft;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.lcrec.model.llm.LlamaConfig;
import org.lcrec.model.llm.LlamaModel;
import org.lcrec.onnx.runtime.SessionConfig;
import org.lcrec.onnx.train.Trainer;
import org.lcrec.onnx.train.TrainerConfig;

class ValidationLossTest {
    @Test
    void tokenWeightedMeanOfPerBatchLosses() {
        LlamaConfig c = TinySft.config(40, false);
        LlamaModel m = SftGraphTest.randomScaled(c, 21);
        List<SftExample> ex = TinySft.examples(5, 25, 30, 10, 8);
        double got = new ValidationLoss(ex, 32, 2, SessionConfig.cpu()).meanLoss(m);
        // reference: one batch of all five examples (the loss is a mean over its targets)
        SftBatches d = SftBatches.prepare(ex, 32, TinySft.BOS, TinySft.EOS, c.vocabSize());
        SftGraph g = SftGraph.build(c, null, 0);
        double want;
        try (Trainer t =
                Trainer.create(
                        g.builder(),
                        g.loss(),
                        g.initialStore(m, 1),
                        TrainerConfig.builder().build())) {
            SftTrainer.feed(t, d.pad(new int[] {0, 1, 2, 3, 4}, 0));
            want = t.evaluate();
        }
        assertThat(got).isCloseTo(want, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(new ValidationLoss(ex, 32, 2, SessionConfig.cpu()).evaluate(m, 1))
                .isEqualTo(-got);
    }
}
