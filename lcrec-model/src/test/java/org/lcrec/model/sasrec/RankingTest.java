package org.lcrec.model.sasrec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RankingTest {
    @Test
    void topKOrdersByScoreThenRowAndSkipsExcludedRows() {
        float[] s = {0f, 3f, 1f, 3f, 2f, 3f, -1f};
        assertThat(Ranking.topK(s, 0, 7, 4, null)).containsExactly(1, 3, 5, 4);
        assertThat(Ranking.topK(s, 0, 7, 10, null)).containsExactly(1, 3, 5, 4, 2, 0, 6);
        boolean[] ex = {false, false, false, true, false, false, false};
        assertThat(Ranking.topK(s, 0, 7, 3, ex)).containsExactly(1, 5, 4);
        assertThat(Ranking.topK(s, 0, 7, 1, null)).containsExactly(1);
        // a row of a larger block
        float[] block = {9f, 9f, 0f, 3f, 1f, 3f};
        assertThat(Ranking.topK(block, 2, 4, 2, null)).containsExactly(1, 3);
    }

    @Test
    void rankAgreesWithTopK() {
        float[] s = {0f, 3f, 1f, 3f, 2f, 3f, -1f};
        int[] order = Ranking.topK(s, 0, 7, 7, null);
        for (int i = 0; i < order.length; i++) {
            assertThat(Ranking.rank(s, 0, 7, order[i], null)).isEqualTo(i + 1);
        }
        boolean[] ex = {false, true, false, false, false, false, false};
        assertThat(Ranking.rank(s, 0, 7, 3, ex)).isEqualTo(1);
        assertThat(Ranking.rank(s, 0, 7, 1, ex)).isEqualTo(Integer.MAX_VALUE);
        assertThat(Ranking.rank(s, 0, 7, -1, null)).isEqualTo(Integer.MAX_VALUE);
    }
}
