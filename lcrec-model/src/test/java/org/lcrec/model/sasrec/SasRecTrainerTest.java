package org.lcrec.model.sasrec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lcrec.core.Interactions;
import org.lcrec.core.UnknownItemPolicy;
import org.lcrec.onnx.Parameter;

class SasRecTrainerTest {
    /** Base items 0..9, written as the scrambled ids of {@link TinySasRec#itemIds}. */
    private static final int BASE = 10;

    /**
     * Sequences where the next item is {@code (a + 2b + 1) mod 10} of the two before it. The map
     * {@code (a, b) -> (b, a + 2b + 1)} is a bijection of pairs, so from uniform random starts the
     * item before the last is uniform given the last: the last item alone predicts the next one
     * with probability about 1/10.
     */
    static List<int[]> twoItemRule(int users, int length, long seed) {
        int[] ids = TinySasRec.itemIds(BASE);
        SplittableRandom rng = new SplittableRandom(seed);
        List<int[]> out = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            int[] base = new int[length];
            base[0] = rng.nextInt(BASE);
            base[1] = rng.nextInt(BASE);
            for (int i = 2; i < length; i++) {
                base[i] = (base[i - 2] + 2 * base[i - 1] + 1) % BASE;
            }
            int[] s = new int[length];
            for (int i = 0; i < length; i++) {
                s[i] = ids[base[i]];
            }
            out.add(s);
        }
        return out;
    }

    /** A configuration that learns {@link #twoItemRule} in a few seconds. */
    private static SasRecConfig.Builder ruleConfig() {
        return TinySasRec.fast()
                .hiddenSize(32)
                .numHeads(1)
                .maxLength(6)
                .dropout(0.1)
                .batchSize(32)
                .learningRate(5e-3)
                .maxEpochs(60);
    }

    /** HR@1 of the last item after all the others; items recur, so history is not excluded. */
    private static double hitRateAt1(SasRecModel m, List<int[]> data) {
        List<int[]> histories = new ArrayList<>();
        for (int[] s : data) {
            histories.add(Arrays.copyOf(s, s.length - 1));
        }
        int[][] top = m.recommend(histories, 1, false, UnknownItemPolicy.FAIL);
        int hits = 0;
        for (int u = 0; u < top.length; u++) {
            int[] s = data.get(u);
            hits += top[u][0] == s[s.length - 1] ? 1 : 0;
        }
        return (double) hits / top.length;
    }

    /** HR@1 of the best last-item-only rule: the most frequent successor in the training part. */
    private static double lastItemRuleHitRate(List<int[]> data, int heldOut) {
        Map<Integer, Map<Integer, Integer>> follow = new HashMap<>();
        for (int[] s : data) {
            for (int i = 0; i + 1 < s.length - heldOut; i++) {
                follow.computeIfAbsent(s[i], k -> new HashMap<>()).merge(s[i + 1], 1, Integer::sum);
            }
        }
        int hits = 0;
        for (int[] s : data) {
            Map<Integer, Integer> f = follow.getOrDefault(s[s.length - 2], Map.of());
            int guess =
                    f.entrySet().stream()
                            .max(
                                    Map.Entry.<Integer, Integer>comparingByValue()
                                            .thenComparing(Map.Entry.comparingByKey()))
                            .map(Map.Entry::getKey)
                            .orElse(-1);
            hits += guess == s[s.length - 1] ? 1 : 0;
        }
        return (double) hits / data.size();
    }

    @Test
    void learnsANextItemRuleOfTheLastTwoItemsThatTheLastItemAloneCannotPredict() {
        List<int[]> data = twoItemRule(300, 10, 7);
        double lastItem = lastItemRuleHitRate(data, 2);
        assertThat(lastItem).as("last-item rule").isLessThanOrEqualTo(0.2); // observed 0.12
        SasRecConfig cfg = ruleConfig().build();
        try (SasRecModel m = new SasRecTrainer(cfg).train(data, 2)) {
            assertThat(m.history().epochs()).isEqualTo(60);
            assertThat(m.history().bestEpoch()).isEqualTo(60);
            assertThat(m.history().epochLoss().get(59)).isLessThan(m.history().epochLoss().get(0));
            assertThat(hitRateAt1(m, data)).as("full softmax HR@1").isGreaterThanOrEqualTo(0.95);
        }
        // the paper's loss learns the rule too, more slowly (observed 0.73 after 60 epochs)
        try (SasRecModel m =
                new SasRecTrainer(cfg.toBuilder().loss(TrainingLoss.SAMPLED_BCE).build())
                        .train(data, 2)) {
            assertThat(hitRateAt1(m, data)).as("sampled BCE HR@1").isGreaterThanOrEqualTo(0.5);
        }
    }

    @Test
    void earlyStoppingReturnsTheBestEpochsParameters() {
        List<int[]> data = twoItemRule(120, 9, 11);
        SasRecConfig cfg =
                ruleConfig()
                        .maxEpochs(40)
                        .validationUsers(1000)
                        .excludeHistory(false)
                        .patience(2)
                        .build();
        List<SasRecEpoch> epochs = new ArrayList<>();
        try (SasRecModel m =
                new SasRecTrainer(cfg)
                        .train(
                                data,
                                2,
                                null,
                                null,
                                new SasRecListener() {
                                    @Override
                                    public void onEpoch(SasRecEpoch e) {
                                        epochs.add(e);
                                    }
                                })) {
            SasRecHistory h = m.history();
            assertThat(epochs).hasSize(h.epochs());
            assertThat(h.validationNdcg()).hasSize(h.epochs()).allMatch(v -> v >= 0 && v <= 1);
            int argmax = 0;
            for (int i = 1; i < h.epochs(); i++) {
                if (h.validationNdcg().get(i) > h.validationNdcg().get(argmax)) {
                    argmax = i;
                }
            }
            assertThat(h.bestEpoch()).isEqualTo(argmax + 1);
            assertThat(epochs.get(argmax).best()).isTrue();
            assertThat(h.stoppedEarly()).isTrue();
            assertThat(h.epochs()).isEqualTo(h.bestEpoch() + cfg.patience());
            // the returned parameters are the best epoch's: its validation score comes back
            List<int[]> histories = new ArrayList<>();
            int[] targets = new int[data.size()];
            ItemVocabulary v = m.vocabulary();
            for (int u = 0; u < data.size(); u++) {
                int[] s = data.get(u);
                int[] rows = new int[s.length - 2];
                for (int i = 0; i < rows.length; i++) {
                    rows[i] = v.row(s[i]) + 1;
                }
                histories.add(rows);
                targets[u] = v.row(s[s.length - 2]);
            }
            double again = m.ndcg(histories.toArray(new int[0][]), targets, 10, false);
            assertThat(again).isEqualTo(h.bestNdcg());
        }
    }

    @Test
    void theSameSeedGivesTheSameModelBitForBit() {
        List<int[]> data = TinySasRec.randomSequences(40, TinySasRec.itemIds(15), 3, 12, 3);
        SasRecConfig cfg = TinySasRec.fast().maxEpochs(2).validationUsers(20).numThreads(2).build();
        try (SasRecModel a = new SasRecTrainer(cfg).train(data, 2);
                SasRecModel b = new SasRecTrainer(cfg).train(data, 2);
                SasRecModel c = new SasRecTrainer(cfg.withSeed(43)).train(data, 2)) {
            assertThat(a.history().epochLoss()).isEqualTo(b.history().epochLoss());
            assertThat(a.history().validationNdcg()).isEqualTo(b.history().validationNdcg());
            for (Parameter p : a.parameters().all()) {
                assertThat(b.parameters().get(p.name()).toArray())
                        .as(p.name())
                        .containsExactly(p.toArray());
            }
            assertThat(c.parameters().get(SasRecGraph.ITEM_EMBEDDING).toArray())
                    .isNotEqualTo(a.parameters().get(SasRecGraph.ITEM_EMBEDDING).toArray());
        }
    }

    @Test
    void aKilledRunResumesFromItsCheckpointAndEndsBitIdentical(@TempDir Path tmp) {
        List<int[]> data = TinySasRec.randomSequences(40, TinySasRec.itemIds(15), 3, 12, 5);
        for (TrainingLoss loss : TrainingLoss.values()) {
            SasRecConfig cfg =
                    TinySasRec.fast()
                            .loss(loss)
                            .maxEpochs(4)
                            .validationUsers(20)
                            .patience(4)
                            .build();
            Path full = tmp.resolve(loss + "-full");
            Path killed = tmp.resolve(loss + "-killed");
            try (SasRecModel uninterrupted =
                    new SasRecTrainer(cfg).train(data, 2, null, full, null)) {
                assertThat(SasRecTrainer.checkpoints(full))
                        .extracting(p -> p.getFileName().toString())
                        .containsExactly("epoch-4");
                SasRecListener killer =
                        new SasRecListener() {
                            @Override
                            public void onEpoch(SasRecEpoch e) {
                                if (e.epoch() == 2) {
                                    throw new IllegalStateException("killed");
                                }
                            }
                        };
                assertThatThrownBy(
                                () -> new SasRecTrainer(cfg).train(data, 2, null, killed, killer))
                        .hasMessage("killed");
                assertThat(SasRecTrainer.checkpoints(killed))
                        .extracting(p -> p.getFileName().toString())
                        .containsExactly("epoch-2");
                try (SasRecModel resumed =
                        new SasRecTrainer(cfg).train(data, 2, null, killed, null)) {
                    assertThat(resumed.history().resumedFromEpoch()).isEqualTo(2);
                    assertThat(resumed.history().epochLoss())
                            .isEqualTo(uninterrupted.history().epochLoss());
                    assertThat(resumed.history().validationNdcg())
                            .isEqualTo(uninterrupted.history().validationNdcg());
                    assertThat(resumed.history().bestEpoch())
                            .isEqualTo(uninterrupted.history().bestEpoch());
                    for (Parameter p : uninterrupted.parameters().all()) {
                        assertThat(resumed.parameters().get(p.name()).toArray())
                                .as("%s %s", loss, p.name())
                                .containsExactly(p.toArray());
                    }
                }
            }
            // a finished run resumed with a higher limit trains on; another configuration is
            // refused rather than silently mixed
            try (SasRecModel more =
                    new SasRecTrainer(cfg.withMaxEpochs(5)).train(data, 2, null, full, null)) {
                assertThat(more.history().epochs()).isEqualTo(5);
                assertThat(more.history().resumedFromEpoch()).isEqualTo(4);
            }
            SasRecConfig other = cfg.toBuilder().learningRate(1e-2).build();
            assertThatThrownBy(() -> new SasRecTrainer(other).train(data, 2, null, full, null))
                    .isInstanceOf(SasRecException.class)
                    .hasMessageContaining("written for a different run");
            List<int[]> otherData =
                    TinySasRec.randomSequences(40, TinySasRec.itemIds(15), 3, 12, 6);
            assertThatThrownBy(() -> new SasRecTrainer(cfg).train(otherData, 2, null, full, null))
                    .isInstanceOf(SasRecException.class)
                    .hasMessageContaining("data expected");
        }
    }

    @Test
    void interactionsAndAnItemUniverse() {
        List<int[]> data = TinySasRec.randomSequences(30, TinySasRec.itemIds(12), 4, 8, 9);
        Interactions.Builder b = Interactions.builder();
        for (int u = 0; u < data.size(); u++) {
            b.add("u" + u, data.get(u));
        }
        SasRecConfig cfg = TinySasRec.fast().maxEpochs(1).build();
        try (SasRecModel fromInteractions = new SasRecTrainer(cfg).train(b.build(), 2);
                SasRecModel fromLists = new SasRecTrainer(cfg).train(data, 2)) {
            assertThat(fromInteractions.items()).containsExactly(fromLists.items());
            assertThat(fromInteractions.parameters().get(SasRecGraph.ITEM_EMBEDDING).toArray())
                    .containsExactly(
                            fromLists.parameters().get(SasRecGraph.ITEM_EMBEDDING).toArray());
        }
        int[] catalogue = TinySasRec.itemIds(20); // 8 items nobody interacted with
        try (SasRecModel m = new SasRecTrainer(cfg).train(data, 2, catalogue, null, null)) {
            assertThat(m.itemCount()).isEqualTo(20);
            assertThat(m.items()).isSorted().containsExactlyInAnyOrder(catalogue);
        }
        int[] tooSmall = TinySasRec.itemIds(5);
        assertThatThrownBy(() -> new SasRecTrainer(cfg).train(data, 2, tooSmall, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not among the 5 items given");
    }

    @Test
    void badTrainingInputIsRefusedWithTheReason() {
        List<int[]> data = TinySasRec.randomSequences(10, TinySasRec.itemIds(12), 3, 3, 9);
        SasRecConfig noVal = TinySasRec.fast().build();
        assertThatThrownBy(() -> new SasRecTrainer(noVal).train(data, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no training windows")
                .hasMessageContaining("fewer than heldOut + 2 = 4 items");
        SasRecConfig val = noVal.toBuilder().validationUsers(5).build();
        assertThatThrownBy(() -> new SasRecTrainer(val).train(data, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs heldOut >= 2");
        assertThatThrownBy(() -> new SasRecTrainer(noVal).train(data, -1))
                .hasMessageContaining("heldOut must be >= 0");
    }
}
