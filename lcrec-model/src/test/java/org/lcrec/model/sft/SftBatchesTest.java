package org.lcrec.model.sft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SftBatchesTest {
    static final int BOS = 1;
    static final int EOS = 2;

    @Test
    void lossCoversExactlyResponseAndEosTokenByToken() {
        SftExample a = new SftExample(new int[] {BOS, 10, 11, 12}, new int[] {20, 21});
        SftExample b = new SftExample(new int[] {BOS, 13}, new int[] {22, 23, 24});
        SftBatches d = SftBatches.prepare(List.of(a, b), 64, BOS, EOS, 30);
        SftBatches.Batch batch = d.pad(new int[] {0, 1}, 0);
        assertThat(batch.rows()).isEqualTo(2);
        assertThat(batch.length()).isEqualTo(7);
        assertThat(batch.ids()).containsExactly(1, 10, 11, 12, 20, 21, 2, 1, 13, 22, 23, 24, 2, 0);
        assertThat(batch.mask()).containsExactly(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0);
        assertThat(batch.positions()).containsExactly(0, 1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4, 5, 0);
        // row 0: position 3 (last prompt token) predicts 20, 4 -> 21, 5 -> EOS
        // row 1: position 1 predicts 22, 2 -> 23, 3 -> 24, 4 -> EOS (flat index 7 + t)
        assertThat(batch.lossPositions()).containsExactly(3, 4, 5, 8, 9, 10, 11);
        assertThat(batch.labels()).containsExactly(20, 21, EOS, 22, 23, 24, EOS);
        // every labelled position's label is the next input token, and no prompt token is a label
        for (int k = 0; k < batch.labels().length; k++) {
            assertThat(batch.ids()[(int) batch.lossPositions()[k] + 1])
                    .isEqualTo(batch.labels()[k]);
        }
        assertThat(batch.tokens()).isEqualTo(13);
    }

    @Test
    void paddingToAMultipleMasksTheExtraPositionsAndIgnoresTheExtraTargets() {
        SftExample a = new SftExample(new int[] {BOS, 10, 11, 12}, new int[] {20, 21});
        SftExample b = new SftExample(new int[] {BOS, 13}, new int[] {22, 23, 24});
        SftBatches d = SftBatches.prepare(List.of(a, b), 64, BOS, EOS, 30);
        SftBatches.Batch plain = d.pad(new int[] {0, 1}, 0);
        SftBatches.Batch padded = d.pad(new int[] {0, 1}, 0, 4, 64);
        // length 7 -> 8, 7 targets -> 8
        assertThat(padded.length()).isEqualTo(8);
        assertThat(padded.ids())
                .containsExactly(1, 10, 11, 12, 20, 21, 2, 0, 1, 13, 22, 23, 24, 2, 0, 0);
        assertThat(padded.mask()).containsExactly(1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 0, 0);
        // the real targets keep their rows (flat index now 8 + t for row 1), the padded one is
        // ignored
        assertThat(padded.lossPositions()).containsExactly(3, 4, 5, 9, 10, 11, 12, 0);
        assertThat(padded.labels())
                .containsExactly(20, 21, EOS, 22, 23, 24, EOS, SftBatches.IGNORED);
        assertThat(padded.tokens()).isEqualTo(plain.tokens());
        // never beyond maxLength, and a multiple of 1 is the plain batch
        assertThat(d.pad(new int[] {0, 1}, 0, 16, 10).length()).isEqualTo(10);
        assertThat(d.pad(new int[] {0, 1}, 0, 1, 64)).usingRecursiveComparison().isEqualTo(plain);
    }

    @Test
    void longPromptsLoseHistoryFromTheLeftNeverTheResponse() {
        SftExample longOne =
                new SftExample(new int[] {BOS, 3, 4, 5, 6, 7, 8, 9}, new int[] {20, 21, 22});
        SftExample fits = new SftExample(new int[] {BOS, 3}, new int[] {20});
        SftExample hopeless =
                new SftExample(new int[] {BOS, 3}, new int[] {20, 21, 22, 23, 24, 25});
        SftBatches d = SftBatches.prepare(List.of(longOne, fits, hopeless), 7, BOS, EOS, 30);
        assertThat(d.size()).isEqualTo(2);
        assertThat(d.truncatedPrompts).isEqualTo(1);
        assertThat(d.truncatedTokens).isEqualTo(5);
        assertThat(d.droppedExamples).isEqualTo(1);
        // BOS kept, then the most recent history, then the whole response and EOS
        assertThat(d.seqs[0]).containsExactly(BOS, 8, 9, 20, 21, 22, EOS);
        assertThat(d.spans[0][0]).isEqualTo(3);
        assertThat(d.seqs[1]).containsExactly(BOS, 3, 20, EOS);
    }

    @Test
    void plannedStepsLeaveOutTheExamplesTrainingDrops() {
        List<SftExample> ex = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            ex.add(new SftExample(new int[] {BOS, 3}, new int[] {20}));
        }
        // responses of 6 tokens cannot fit maxLength 7 with EOS and one prompt token: dropped
        for (int i = 0; i < 3; i++) {
            ex.add(new SftExample(new int[] {BOS, 3}, new int[] {20, 21, 22, 23, 24, 25}));
        }
        SftTrainer t =
                new SftTrainer(SftConfig.builder().maxLength(7).batchSize(2).epochs(3).build());
        // 9 kept examples: 5 batches per epoch (12 would make 6)
        assertThat(t.totalSteps(ex, TinySft.config(30, true))).isEqualTo(15);
    }

    @Test
    void tokensOutsideTheVocabularyAreRejected() {
        SftExample bad = new SftExample(new int[] {BOS, 3}, new int[] {31});
        assertThatThrownBy(() -> SftBatches.prepare(List.of(bad), 16, BOS, EOS, 30))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(
                        "example 0: response token 0 has id 31, outside the model's 30 embedding rows");
    }

    @Test
    void epochsAreLengthBucketedSeededPermutations() {
        List<SftExample> ex = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            int[] p = new int[1 + (i * 7) % 13];
            p[0] = BOS;
            ex.add(new SftExample(p, new int[] {5}));
        }
        SftBatches d = SftBatches.prepare(ex, 64, BOS, EOS, 30);
        List<int[]> e0 = d.epoch(4, 9, 0);
        assertThat(e0).hasSize(6);
        Set<Integer> seen = new HashSet<>();
        int padded = 0;
        for (int[] b : e0) {
            int max = 0;
            for (int i : b) {
                assertThat(seen.add(i)).isTrue();
                max = Math.max(max, d.seqs[i].length);
            }
            for (int i : b) {
                padded += max - d.seqs[i].length;
            }
        }
        assertThat(seen).hasSize(23);
        // bucketing keeps padding small: lengths within a batch differ by at most a few tokens
        assertThat(padded).isLessThan(23 * 2);
        assertThat(d.epoch(4, 9, 0)).usingRecursiveComparison().isEqualTo(e0);
        assertThat(d.epoch(4, 9, 1)).usingRecursiveComparison().isNotEqualTo(e0);
    }
}
