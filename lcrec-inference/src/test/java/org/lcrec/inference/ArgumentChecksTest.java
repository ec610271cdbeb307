package org.lcrec.inference;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.lcrec.core.Dataset;
import org.lcrec.core.SemanticIndex;
import org.lcrec.core.Split;
import org.lcrec.inference.baseline.BaselineEvaluation;
import org.lcrec.inference.baseline.PopularityBaseline;
import org.lcrec.inference.baseline.RandomBaseline;
import org.lcrec.inference.baseline.Visibility;

/** A null argument to a public entry point fails at once, naming the parameter. */
class ArgumentChecksTest {
    @Test
    void recommenderNamesTheMissingArgument() {
        SemanticIndex index = Fixtures.randomIndex(20, 1, 8);
        CausalDecoder decoder = new HashLogitsDecoder(Fixtures.VOCAB, 1, 1f);
        RecommenderConfig config = RecommenderConfig.defaults();
        assertThatThrownBy(() -> new Recommender(decoder, null, Fixtures.tokenMap(), config))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("index");
        assertThatThrownBy(() -> new Recommender(decoder, index, Fixtures.tokenMap(), null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("config");
        assertThatThrownBy(() -> new Recommender(null, index, Fixtures.tokenMap(), config))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("decoder");
    }

    @Test
    void evaluatorBeamSearchAndDecoderConfig() {
        EvaluationConfig config = EvaluationConfig.builder().build();
        assertThatThrownBy(
                        () ->
                                Evaluator.evaluate(
                                        null, Dataset.synthetic().interactions(), config, "m"))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("recommender");
        assertThatThrownBy(() -> BeamSearch.search(null, null, List.of(), 1))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("decoder");
        assertThatThrownBy(() -> DecoderConfig.read(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("file");
    }

    @Test
    void baselineFactories() {
        assertThatThrownBy(
                        () ->
                                PopularityBaseline.fit(
                                        null, Split.TEST, Visibility.TRAINING_PART, new int[] {1}))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("data");
        assertThatThrownBy(() -> new RandomBaseline(null, 1))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("items");
        assertThatThrownBy(() -> BaselineEvaluation.builtIns(null, Split.TEST, null, 1))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("dataset");
    }
}
