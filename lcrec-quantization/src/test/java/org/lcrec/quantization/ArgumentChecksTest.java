package org.lcrec.quantization;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A null config or input to the trainers and the generator fails at once, naming it. */
class ArgumentChecksTest {
    @Test
    void trainersAndGeneratorNameTheMissingArgument() {
        assertThatThrownBy(() -> new IndexGenerator(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("config");
        assertThatThrownBy(() -> new RqVaeTrainer(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("config");
        assertThatThrownBy(() -> new RqKMeansTrainer(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("config");
        assertThatThrownBy(() -> new IndexGenerator(IndexConfig.lcRec()).generate(null, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("items");
        assertThatThrownBy(() -> IndexGenerator.fromTexts(null, "cpu"))
                .isInstanceOf(NullPointerException.class);
    }
}
