package org.lcrec.inference;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromptTemplateToStringTest {
    @Test
    void longPiecesAreAbbreviatedWithTheirLength() {
        int[] prefix = new int[37];
        for (int i = 0; i < prefix.length; i++) {
            prefix[i] = 100 + i;
        }
        PromptTemplate t = new PromptTemplate("seqrec-0", prefix, new int[] {7}, new int[0]);
        assertThat(t.toString())
                .isEqualTo(
                        "PromptTemplate(seqrec-0, prefix=[100, 101, 102, 103, 104, 105, ... 37"
                                + " ids], separator=[7], suffix=[])");
        assertThat(PromptTemplate.ids(new int[] {1, 2, 3, 4, 5, 6}))
                .isEqualTo("[1, 2, 3, 4, 5, 6]");
    }
}
