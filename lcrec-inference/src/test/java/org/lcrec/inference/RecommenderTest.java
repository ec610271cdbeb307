package org.lcrec.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lcrec.core.SemanticIndex;
import org.lcrec.core.UnknownItemPolicy;

class RecommenderTest {
    private static OrtCausalDecoder decoder;
    private static SemanticIndex index;

    @BeforeAll
    static void open() {
        decoder = Fixtures.open("beam");
        index = Fixtures.randomIndex(120, 21, 8);
    }

    @AfterAll
    static void close() {
        decoder.close();
    }

    private static Recommender recommender(RecommenderConfig config) {
        return new Recommender(new NonClosingDecoder(decoder), index, Fixtures.tokenMap(), config);
    }

    private static List<int[]> histories(int n, long seed) {
        int[] ids = index.itemIds();
        SplittableRandom r = new SplittableRandom(seed);
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] h = new int[1 + r.nextInt(6)];
            for (int j = 0; j < h.length; j++) {
                h[j] = ids[r.nextInt(ids.length)];
            }
            out.add(h);
        }
        return out;
    }

    @Test
    void recommendsKDistinctRealItemsBestFirst() {
        try (Recommender rec = recommender(RecommenderConfig.defaults())) {
            for (int[] h : histories(10, 1)) {
                Recommendation r = rec.recommend(h, 10);
                assertThat(r.items()).hasSize(10);
                assertThat(r.invalidPredictions()).isZero();
                assertThat(java.util.Arrays.stream(r.itemIds()).distinct().count()).isEqualTo(10);
                for (int i = 0; i < 10; i++) {
                    ScoredItem s = r.items().get(i);
                    assertThat(index.contains(s.item())).isTrue();
                    assertThat(s.index()).isEqualTo(index.get(s.item()).toTokenString());
                    assertThat(s.score()).isNegative();
                    if (i > 0) {
                        assertThat(s.score()).isLessThanOrEqualTo(r.items().get(i - 1).score());
                    }
                }
            }
        }
    }

    @Test
    void promptIdsPathEqualsHistoryPath() {
        try (Recommender rec = recommender(RecommenderConfig.defaults())) {
            int[] h = histories(1, 4).get(0);
            int[] prompt = rec.prompt(h, 0);
            assertThat(prompt[0]).isEqualTo(Fixtures.BOS);
            assertThat(prompt).hasSize(1 + 3 * h.length);
            assertThat(rec.recommendPrompts(List.of(prompt), 5).get(0))
                    .isEqualTo(rec.recommend(h, 5));
        }
    }

    @Test
    void templatesShapeThePrompt() {
        PromptTemplate t =
                new PromptTemplate("t", new int[] {1, 20, 21}, new int[] {9}, new int[] {30, 31});
        RecommenderConfig cfg = RecommenderConfig.builder().templates(List.of(t)).build();
        try (Recommender rec = recommender(cfg)) {
            int a = index.itemIds()[0];
            int b = index.itemIds()[1];
            int[] ta = rec.vocabulary().tokenIds(index.get(a));
            int[] tb = rec.vocabulary().tokenIds(index.get(b));
            assertThat(rec.prompt(new int[] {a, b}, 0))
                    .containsExactly(
                            1, 20, 21, ta[0], ta[1], ta[2], 9, tb[0], tb[1], tb[2], 30, 31);
        }
    }

    @Test
    void badInputsFailWithClearMessages() {
        try (Recommender rec = recommender(RecommenderConfig.defaults())) {
            int known = index.itemIds()[0];
            assertThatThrownBy(() -> rec.recommend(new int[] {known, 99999, 88888}, 5))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("99999")
                    .hasMessageContaining("88888")
                    .hasMessageContaining("does not know");
            assertThatThrownBy(() -> rec.recommend(new int[0], 5)).hasMessageContaining("empty");
            assertThatThrownBy(() -> rec.recommend(new int[] {known}, 121))
                    .hasMessageContaining("larger than the catalogue (120 items)");
            assertThatThrownBy(() -> rec.recommend(new int[] {known}, 0))
                    .hasMessageContaining("k must be >= 1");
            assertThatThrownBy(() -> rec.recommendPrompts(List.of(new int[] {1, 600}), 3))
                    .hasMessageContaining("outside the vocabulary");
        }
        Map<String, Integer> partial = new HashMap<>(Fixtures.tokenMap());
        partial.keySet().removeIf(k -> k.startsWith("<c_"));
        assertThatThrownBy(
                        () ->
                                new Recommender(
                                        new NonClosingDecoder(decoder),
                                        index,
                                        partial,
                                        RecommenderConfig.defaults()))
                .hasMessageContaining("vocabulary lacks")
                .hasMessageContaining("<c_");
    }

    @Test
    void unknownItemsCanBeSkippedAndCounted() {
        RecommenderConfig cfg =
                RecommenderConfig.builder().unknownItems(UnknownItemPolicy.SKIP).build();
        try (Recommender rec = recommender(cfg)) {
            int known = index.itemIds()[3];
            Recommendation r = rec.recommend(new int[] {99999, known, 77777}, 5);
            assertThat(r.skippedHistoryItems()).containsExactly(99999, 77777);
            assertThat(r.items()).isEqualTo(rec.recommend(new int[] {known}, 5).items());
            assertThatThrownBy(() -> rec.recommend(new int[] {99999}, 5))
                    .hasMessageContaining("empty after skipping 1 unknown items");
        }
    }

    @Test
    void kAboveBeamsWidensTheBeam() {
        RecommenderConfig cfg = RecommenderConfig.builder().beams(4).build();
        try (Recommender rec = recommender(cfg)) {
            assertThat(rec.recommend(histories(1, 8).get(0), 50).items()).hasSize(50);
        }
    }

    @Test
    void perPositionModeReportsInvalidPredictions() {
        SemanticIndex sparse = Fixtures.randomIndex(30, 3, 16);
        RecommenderConfig cfg =
                RecommenderConfig.builder().constraint(ConstraintMode.PER_POSITION).build();
        try (Recommender rec =
                new Recommender(new NonClosingDecoder(decoder), sparse, Fixtures.tokenMap(), cfg)) {
            int[] ids = sparse.itemIds();
            Recommendation r = rec.recommend(new int[] {ids[0], ids[5]}, 20);
            assertThat(r.items()).hasSize(20);
            long invalid = r.items().stream().filter(s -> !s.valid()).count();
            assertThat(r.invalidPredictions()).isEqualTo((int) invalid).isPositive();
            for (ScoredItem s : r.items()) {
                if (!s.valid()) {
                    assertThat(sparse.itemsFor(org.lcrec.core.SemanticId.parse(s.index())))
                            .isEmpty();
                }
            }
        }
    }

    @Test
    void eightThreadsTwoHundredRequestsEachMatchSequentialCalls() throws Exception {
        RecommenderConfig cfg = RecommenderConfig.builder().beams(10).build();
        try (Recommender rec = recommender(cfg)) {
            List<int[]> hs = histories(25, 77);
            List<Recommendation> expected = new ArrayList<>();
            for (int[] h : hs) {
                expected.add(rec.recommend(h, 10));
            }
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Integer>> fs = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int thread = t;
                    fs.add(
                            pool.submit(
                                    () -> {
                                        int mismatches = 0;
                                        for (int q = 0; q < 200; q++) {
                                            int i = (thread * 31 + q * 7) % hs.size();
                                            if (!rec.recommend(hs.get(i), 10)
                                                    .equals(expected.get(i))) {
                                                mismatches++;
                                            }
                                        }
                                        return mismatches;
                                    }));
                }
                for (Future<Integer> f : fs) {
                    assertThat(f.get()).isZero();
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void closedRecommenderRefusesCalls() {
        Recommender rec = recommender(RecommenderConfig.defaults());
        rec.close();
        rec.close();
        assertThatThrownBy(() -> rec.recommend(new int[] {index.itemIds()[0]}, 3))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }
}
