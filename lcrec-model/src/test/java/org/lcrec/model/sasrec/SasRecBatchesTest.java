package org.lcrec.model.sasrec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SasRecBatchesTest {
    private static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) {
            r[i] = from + i;
        }
        return r;
    }

    @Test
    void mostRecentKeepsTheLastMaxLengthPlusOneItems() {
        SasRecBatches b =
                SasRecBatches.of(
                        List.of(range(1, 11), range(20, 23), new int[] {7}, new int[0]),
                        4,
                        WindowPolicy.MOST_RECENT);
        assertThat(b.size()).isEqualTo(2);
        assertThat(b.windows[0]).containsExactly(6, 7, 8, 9, 10);
        assertThat(b.windows[1]).containsExactly(20, 21, 22);
        assertThat(b.sequenceOf).containsExactly(0, 1);
        assertThat(b.positions).isEqualTo(4 + 2);
    }

    @Test
    void allWindowsMakeEveryTransitionATargetExactlyOnce() {
        for (int n = 2; n <= 14; n++) {
            SasRecBatches b = SasRecBatches.of(List.of(range(1, n + 1)), 4, WindowPolicy.ALL);
            List<String> transitions = new ArrayList<>();
            for (int[] w : b.windows) {
                assertThat(w.length).isBetween(2, 5);
                for (int i = 0; i + 1 < w.length; i++) {
                    assertThat(w[i + 1]).isEqualTo(w[i] + 1);
                    transitions.add(w[i] + ">" + w[i + 1]);
                }
            }
            assertThat(transitions).as("n=%d", n).hasSize(n - 1).doesNotHaveDuplicates();
            assertThat(b.positions).isEqualTo(n - 1);
        }
    }

    @Test
    void batchesAreLeftPaddedAndTheNewestItemHasTheLastPosition() {
        SasRecBatches b =
                SasRecBatches.of(List.of(range(1, 4), range(10, 16)), 6, WindowPolicy.MOST_RECENT);
        SasRecBatches.Batch x = b.assemble(new int[] {0, 1});
        assertThat(x.rows()).isEqualTo(2);
        assertThat(x.length()).isEqualTo(5);
        assertThat(x.ids()).containsExactly(0, 0, 0, 1, 2, 10, 11, 12, 13, 14);
        assertThat(x.positions()).containsExactly(1, 2, 3, 4, 5, 1, 2, 3, 4, 5);
        assertThat(x.lossPositions()).containsExactly(3, 4, 5, 6, 7, 8, 9);
        assertThat(x.labels()).containsExactly(1, 2, 10, 11, 12, 13, 14);
    }

    @Test
    void epochOrderIsAPermutationFixedBySeedAndEpoch() {
        List<int[]> seqs = new ArrayList<>();
        for (int u = 0; u < 23; u++) {
            seqs.add(range(1, 4));
        }
        SasRecBatches b = SasRecBatches.of(seqs, 4, WindowPolicy.MOST_RECENT);
        List<int[]> e0 = b.epoch(5, 42, 0);
        assertThat(e0).hasSize(5);
        assertThat(e0.get(4)).hasSize(3);
        int[] all = e0.stream().flatMapToInt(Arrays::stream).sorted().toArray();
        assertThat(all).containsExactly(range(0, 23));
        assertThat(b.epoch(5, 42, 0)).usingRecursiveComparison().isEqualTo(e0);
        assertThat(b.epoch(5, 42, 1).get(0)).isNotEqualTo(e0.get(0));
    }
}
