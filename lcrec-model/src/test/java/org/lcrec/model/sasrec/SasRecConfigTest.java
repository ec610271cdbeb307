package org.lcrec.model.sasrec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SasRecConfigTest {
    @Test
    void defaultsCopiesAndReadableText() {
        SasRecConfig c = SasRecConfig.defaults();
        assertThat(c.maxLength()).isEqualTo(20);
        assertThat(c.hiddenSize()).isEqualTo(64);
        assertThat(c.numBlocks()).isEqualTo(2);
        assertThat(c.numHeads()).isEqualTo(1);
        assertThat(c.dropout()).isEqualTo(0.2);
        assertThat(c.learningRate()).isEqualTo(1e-3);
        assertThat(c.batchSize()).isEqualTo(128);
        assertThat(c.loss()).isEqualTo(TrainingLoss.FULL_SOFTMAX);
        assertThat(c.windows()).isEqualTo(WindowPolicy.MOST_RECENT);
        assertThat(c.toBuilder().build()).isEqualTo(c);
        assertThat(c.withSeed(7).seed()).isEqualTo(7);
        assertThat(c.withMaxEpochs(3).maxEpochs()).isEqualTo(3);
        assertThat(c.toString())
                .startsWith("SasRecConfig(maxLength=20, hiddenSize=64, numBlocks=2, numHeads=1,")
                .contains("loss=FULL_SOFTMAX");
        // maxEpochs, patience and numThreads may change when a run resumes
        assertThat(c.withMaxEpochs(3).withNumThreads(1).trainingSignature())
                .isEqualTo(c.trainingSignature());
        assertThat(c.withSeed(7).trainingSignature()).isNotEqualTo(c.trainingSignature());
    }

    @Test
    void invalidFieldsAreNamed() {
        assertThatThrownBy(() -> SasRecConfig.builder().hiddenSize(64).numHeads(3).build())
                .hasMessage(
                        "SasRecConfig: numHeads must divide hiddenSize, found numHeads=3,"
                                + " hiddenSize=64");
        assertThatThrownBy(() -> SasRecConfig.builder().dropout(1.0).build())
                .hasMessage("SasRecConfig: dropout must be in [0, 1), found 1.0");
        assertThatThrownBy(() -> SasRecConfig.builder().maxLength(0).build())
                .hasMessage("SasRecConfig: maxLength must be >= 1, found 0");
        assertThatThrownBy(() -> SasRecConfig.builder().patience(0).build())
                .hasMessage("SasRecConfig: patience must be >= 1, found 0");
        assertThatThrownBy(() -> SasRecConfig.builder().loss(null).build())
                .hasMessageContaining("loss must not be null");
    }
}
