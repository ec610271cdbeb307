package org.lcrec.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link LeaveOneOut#trainingWindows} against the one-sample-per-position training split. */
class TrainingWindowsTest {
    private static Interactions random(long seed, int users, int maxLen) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, int[]> m = new LinkedHashMap<>();
        for (int u = 0; u < users; u++) {
            int[] s = new int[1 + r.nextInt(maxLen)];
            for (int i = 0; i < s.length; i++) {
                s[i] = 1000 * u + i; // distinct, so an item names its position
            }
            m.put("u" + u, s);
        }
        return Interactions.of(m);
    }

    @Test
    void everyTrainingTargetOnceWithCappedHistoryEndingRightBeforeIt() {
        Interactions data = random(5, 300, 60);
        for (int cap : new int[] {0, 1, 5, 20}) {
            for (int stride : cap == 0 ? new int[] {1} : new int[] {1, Math.max(1, cap / 2), cap}) {
                LeaveOneOut loo = new LeaveOneOut(cap);
                // target item -> history the window gives it
                Map<Integer, int[]> seen = new HashMap<>();
                for (LeaveOneOut.Window w : loo.trainingWindows(data, stride)) {
                    int[] items = w.items();
                    assertThat(items.length).isLessThanOrEqualTo(cap == 0 ? 10_000 : cap + 1);
                    for (int t = w.firstTarget(); t < items.length; t++) {
                        int[] h = java.util.Arrays.copyOfRange(items, 0, t);
                        assertThat(seen.put(items[t], h)).as("target %d twice", items[t]).isNull();
                        assertThat(items[t] % 1000).isEqualTo(w.from() + t);
                    }
                }
                List<LeaveOneOut.Sample> samples = loo.list(data, Split.TRAIN);
                assertThat(seen).hasSize(samples.size());
                for (LeaveOneOut.Sample s : samples) {
                    int[] h = seen.get(s.target());
                    assertThat(h).as("target %d", s.target()).isNotNull();
                    int[] full = s.history();
                    // the window's history is a suffix of the sample's: the most recent items
                    assertThat(h.length).isLessThanOrEqualTo(full.length);
                    assertThat(h)
                            .containsExactly(
                                    java.util.Arrays.copyOfRange(
                                            full, full.length - h.length, full.length));
                    // and never shorter than cap + 1 - stride (or the whole sample history)
                    int least = cap == 0 ? full.length : Math.min(full.length, cap + 1 - stride);
                    assertThat(h.length).isGreaterThanOrEqualTo(least);
                }
            }
        }
    }

    @Test
    void shortUsersAreOneWindowEqualToTheirSamples() {
        Map<String, int[]> m = new LinkedHashMap<>();
        m.put("a", new int[] {1, 2, 3, 4, 5, 6});
        m.put("b", new int[] {7, 8, 9});
        List<LeaveOneOut.Window> ws = LeaveOneOut.lcRec().trainingWindows(Interactions.of(m), 10);
        // a: training part 1,2,3,4 (5 = validation, 6 = test); b: 7 alone has no target
        assertThat(ws).hasSize(1);
        assertThat(ws.get(0).items()).containsExactly(1, 2, 3, 4);
        assertThat(ws.get(0).firstTarget()).isEqualTo(1);
        assertThat(ws.get(0).targets()).isEqualTo(3);
        List<Integer> windowsOfLong = new ArrayList<>();
        int[] longOne = new int[30];
        for (int i = 0; i < 30; i++) {
            longOne[i] = 100 + i;
        }
        for (LeaveOneOut.Window w :
                new LeaveOneOut(5).trainingWindows(Interactions.of(Map.of("c", longOne)), 2)) {
            windowsOfLong.add(w.items()[0]);
        }
        // 28 training items: [0,6) then windows ending at 8, 10, ..., 28, each 6 long
        assertThat(windowsOfLong)
                .containsExactly(100, 102, 104, 106, 108, 110, 112, 114, 116, 118, 120, 122);
    }

    @Test
    void strideOutsideTheCapIsRejected() {
        assertThatThrownBy(() -> new LeaveOneOut(4).trainingWindows(random(1, 3, 9), 5))
                .hasMessageContaining("stride must be in [1, maxHistory=4], found 5");
    }
}
