package org.lcrec.quantization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class LexicalEmbeddingsTest {
    private static double dot(Embeddings e, int a, int b) {
        double s = 0;
        for (int j = 0; j < e.dim(); j++) {
            s += (double) e.get(a, j) * e.get(b, j);
        }
        return s;
    }

    @Test
    void identicalTextsGiveIdenticalUnitVectorsAndSharedWordsAreCloser() {
        List<String> texts =
                List.of(
                        "Stainless steel hex bolt, M6 x 20 mm",
                        "Stainless steel hex bolt, M6 x 20 mm",
                        "Stainless steel hex nut M6",
                        "Nitrile examination gloves, blue, size L",
                        "");
        Embeddings e = LexicalEmbeddings.of(texts, 128);
        assertThat(e.row(1)).containsExactly(e.row(0));
        for (int i = 0; i < 4; i++) {
            assertThat(dot(e, i, i)).isCloseTo(1.0, within(1e-6));
        }
        assertThat(dot(e, 4, 4)).isZero();
        assertThat(dot(e, 0, 2)).isGreaterThan(dot(e, 0, 3) + 0.2);
        // deterministic across calls (and, by construction, across JVMs)
        assertThat(LexicalEmbeddings.of(texts, 128).toArray()).containsExactly(e.toArray());
    }

    @Test
    void badArgumentsAreRejected() {
        assertThatThrownBy(() -> LexicalEmbeddings.of(List.of("a"), 0))
                .hasMessageContaining("dim must be >= 1, found 0");
        assertThatThrownBy(() -> LexicalEmbeddings.of(List.of(), 8))
                .hasMessageContaining("at least one text, found 0");
    }
}
