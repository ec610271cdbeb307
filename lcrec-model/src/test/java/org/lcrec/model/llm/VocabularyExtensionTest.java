package org.lcrec.model.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class VocabularyExtensionTest {
    static LlamaModel base(boolean tied) {
        return LlamaModel.random(
                LlamaConfig.builder()
                        .vocabSize(50)
                        .hiddenSize(16)
                        .intermediateSize(24)
                        .numLayers(1)
                        .numHeads(2)
                        .tieWordEmbeddings(tied)
                        .eosTokenId(2)
                        .build(),
                8);
    }

    @Test
    void newRowsStartNearTheMeanWithSeededNoiseAndOldRowsAreKept() {
        for (boolean tied : new boolean[] {true, false}) {
            LlamaModel m = base(tied);
            LlamaModel e = VocabularyExtension.withMeanInit(m, 5, 3, 0.1);
            assertThat(e.config().vocabSize()).isEqualTo(55);
            assertThat(m.config().vocabSize()).isEqualTo(50);
            for (String name :
                    tied
                            ? new String[] {LlamaParameters.EMBED}
                            : new String[] {LlamaParameters.EMBED, LlamaParameters.LM_HEAD}) {
                float[] old = m.weights().get(name).toArray();
                float[] now = e.weights().get(name).toArray();
                assertThat(java.util.Arrays.copyOf(now, old.length)).containsExactly(old);
                double[] mean = new double[16];
                for (int r = 0; r < 50; r++) {
                    for (int j = 0; j < 16; j++) {
                        mean[j] += old[r * 16 + j] / 50.0;
                    }
                }
                // rows std is 0.02 (HF init); noise is 0.1 of that, so new rows lie within 5 sigma
                for (int r = 50; r < 55; r++) {
                    for (int j = 0; j < 16; j++) {
                        assertThat(Math.abs(now[r * 16 + j] - mean[j])).isLessThan(0.02 * 0.1 * 5);
                    }
                }
                assertThat(now[50 * 16]).isNotEqualTo(now[51 * 16]);
            }
            assertThat(
                            VocabularyExtension.withMeanInit(m, 5, 3, 0.1)
                                    .weights()
                                    .get(LlamaParameters.EMBED)
                                    .toArray())
                    .containsExactly(e.weights().get(LlamaParameters.EMBED).toArray());
        }
    }

    @Test
    void providedVectorsAreUsedAsGiven() {
        LlamaModel m = base(false);
        float[][] v = new float[2][16];
        for (int j = 0; j < 16; j++) {
            v[0][j] = j;
            v[1][j] = -j;
        }
        LlamaModel e = VocabularyExtension.withVectors(m, v);
        float[] emb = e.weights().get(LlamaParameters.EMBED).toArray();
        float[] head = e.weights().get(LlamaParameters.LM_HEAD).toArray();
        for (int j = 0; j < 16; j++) {
            assertThat(emb[50 * 16 + j]).isEqualTo(j);
            assertThat(emb[51 * 16 + j]).isEqualTo(-j);
            assertThat(head[51 * 16 + j]).isEqualTo(-j);
        }
        assertThatThrownBy(() -> VocabularyExtension.withVectors(m, new float[][] {new float[3]}))
                .hasMessageContaining("vector 0: expected 16 values (hidden size), found 3");
    }

    @Test
    void presetsBuildConfigsForAGivenTokenizer() {
        LlamaConfig c = LlamaPreset.byName("cpu-small").config(30_522 + 1024, 101, 102, 0);
        assertThat(c.hiddenSize()).isEqualTo(256);
        assertThat(c.numLayers()).isEqualTo(4);
        assertThat(c.vocabSize()).isEqualTo(31_546);
        assertThat(c.eosTokenId()).isEqualTo(102);
        assertThat(c.parameterCount()).isEqualTo(LlamaModelParameterCount.count(c));
        assertThatThrownBy(() -> LlamaPreset.byName("gpu-huge")).hasMessageContaining("cpu-small");
    }

    /** Counts parameters from the specs (independent of LlamaConfig.parameterCount's formula). */
    static final class LlamaModelParameterCount {
        static long count(LlamaConfig c) {
            long n = 0;
            for (var s : LlamaParameters.specs(c)) {
                n += s.size();
            }
            return n;
        }
    }
}
