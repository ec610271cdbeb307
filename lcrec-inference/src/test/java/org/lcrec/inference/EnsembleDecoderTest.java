package org.lcrec.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.lcrec.core.SemanticIndex;

/**
 * The ensemble's distributions against the mixture computed in double from the members' own logits,
 * and its recommendations against exhaustive scoring of every item under that mixture.
 */
class EnsembleDecoderTest {
    private static final int VOCAB = Fixtures.VOCAB;

    /** log((1/n) Σ_i softmax(member_i logits after ctx)), in double. */
    private static double[] mixture(List<HashLogitsDecoder> members, int[] ctx) {
        double[] p = new double[VOCAB];
        for (HashLogitsDecoder d : members) {
            float[] z = d.logitsAfter(ctx);
            double max = Double.NEGATIVE_INFINITY;
            for (float v : z) {
                max = Math.max(max, v);
            }
            double sum = 0;
            for (float v : z) {
                sum += Math.exp(v - max);
            }
            for (int v = 0; v < VOCAB; v++) {
                p[v] += Math.exp(z[v] - max) / sum / members.size();
            }
        }
        double[] out = new double[VOCAB];
        for (int v = 0; v < VOCAB; v++) {
            out[v] = Math.log(p[v]);
        }
        return out;
    }

    private static List<HashLogitsDecoder> members(int n, float spread) {
        List<HashLogitsDecoder> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new HashLogitsDecoder(VOCAB, 100 + i, spread));
        }
        return out;
    }

    private static void assertRow(float[] got, int row, double[] expected, String what) {
        for (int v = 0; v < VOCAB; v++) {
            assertThat((double) got[row * VOCAB + v])
                    .as("%s, token %d", what, v)
                    .isCloseTo(expected[v], within(2e-5));
        }
    }

    private static float[] array(FloatBuffer b, int length) {
        float[] a = new float[length];
        b.get(0, a, 0, length);
        return a;
    }

    /**
     * Prefill with left padding, a reorder that duplicates and swaps rows, and two steps: every row
     * equals the mixture after that row's own tokens.
     */
    @Test
    void everyStepIsTheLogOfTheMeanOfTheMembersDistributions() {
        List<HashLogitsDecoder> ms = members(3, 3f);
        try (EnsembleDecoder e = EnsembleDecoder.of(ms);
                DecoderRun run = e.newRun()) {
            long[] ids = {0, 5, 6, 7, 8, 9};
            long[] mask = {0, 1, 1, 1, 1, 1};
            float[] first = array(run.prefillLogProbs(ids, 2, 3, mask), 2 * VOCAB);
            assertRow(first, 0, mixture(ms, new int[] {5, 6}), "prefill row 0");
            assertRow(first, 1, mixture(ms, new int[] {7, 8, 9}), "prefill row 1");
            run.reorder(new int[] {1, 0, 1});
            float[] second = array(run.stepLogProbs(new long[] {11, 12, 13}, 3), 3 * VOCAB);
            assertRow(second, 0, mixture(ms, new int[] {7, 8, 9, 11}), "step row 0");
            assertRow(second, 1, mixture(ms, new int[] {5, 6, 12}), "step row 1");
            assertRow(second, 2, mixture(ms, new int[] {7, 8, 9, 13}), "step row 2");
            float[] logits = run.forward(new long[] {20, 21, 22}, 3, 1, null);
            assertRow(logits, 2, mixture(ms, new int[] {7, 8, 9, 13, 22}), "forward row 2");
            assertThat(run.rows()).isEqualTo(3);
            assertThat(run.pastLength()).isEqualTo(5);
        }
    }

    /**
     * The constrained search over an ensemble of two models, with as many beams as items, returns
     * the exact top 10 of the mixture's item probabilities; and that ranking is neither member's.
     */
    @Test
    void recommendationsAreTheExhaustiveTopTenOfTheMixture() {
        SemanticIndex index = Fixtures.randomIndex(60, 7, 5);
        IndexVocabulary v = Fixtures.vocabulary(index);
        List<HashLogitsDecoder> ms = members(2, 2.5f);
        RecommenderConfig cfg =
                RecommenderConfig.builder().beams(index.size()).eosStep(false).build();
        int[] history = {index.itemIds()[3], index.itemIds()[17], index.itemIds()[40]};
        try (Recommender rec =
                new Recommender(EnsembleDecoder.of(ms), index, Fixtures.tokenMap(), cfg)) {
            int[] prompt = rec.prompt(history, 0);
            List<BeamSearchTest.Scored> ref = new ArrayList<>();
            for (int item : index.itemIds()) {
                int[] tokens = v.tokenIds(index.get(item));
                int[] seq = Arrays.copyOf(prompt, prompt.length + tokens.length);
                System.arraycopy(tokens, 0, seq, prompt.length, tokens.length);
                double score = 0;
                for (int j = 0; j < tokens.length; j++) {
                    score += mixture(ms, Arrays.copyOf(seq, prompt.length + j))[tokens[j]];
                }
                ref.add(new BeamSearchTest.Scored(item, score));
            }
            ref.sort(Comparator.comparingDouble((BeamSearchTest.Scored s) -> -s.score()));
            Recommendation got = rec.recommend(history, 10);
            assertThat(got.itemIds())
                    .containsExactly(
                            ref.stream().limit(10).mapToInt(BeamSearchTest.Scored::item).toArray());
            for (int i = 0; i < 10; i++) {
                assertThat(got.items().get(i).score()).isCloseTo(ref.get(i).score(), within(1e-4));
            }
            for (HashLogitsDecoder d : ms) {
                try (Recommender alone = new Recommender(d, index, Fixtures.tokenMap(), cfg)) {
                    assertThat(alone.recommend(history, 10).itemIds()).isNotEqualTo(got.itemIds());
                }
            }
        }
    }

    /**
     * Two copies of a real ONNX model through the in-graph beam runs (pinned output buffers,
     * reorder by beam_idx): the mixture of a model with itself is that model, so the ensemble
     * recommends exactly what one copy does.
     */
    @Test
    void anEnsembleOfOneModelTwiceRecommendsAsTheModelOnItsBeamRuns() {
        SemanticIndex index = Fixtures.randomIndex(120, 3, 8);
        RecommenderConfig cfg = RecommenderConfig.builder().beams(12).build();
        List<int[]> histories = new ArrayList<>();
        for (int u = 0; u < 5; u++) {
            histories.add(new int[] {index.itemIds()[u], index.itemIds()[u * 7 + 3]});
        }
        try (Recommender one =
                        new Recommender(Fixtures.open("beam"), index, Fixtures.tokenMap(), cfg);
                Recommender two =
                        new Recommender(
                                EnsembleDecoder.of(
                                        List.of(Fixtures.open("beam"), Fixtures.open("beam"))),
                                index,
                                Fixtures.tokenMap(),
                                cfg)) {
            List<Recommendation> a = one.recommendAll(histories, 10, 0);
            List<Recommendation> b = two.recommendAll(histories, 10, 0);
            for (int u = 0; u < histories.size(); u++) {
                assertThat(b.get(u).itemIds()).as("user %d", u).isEqualTo(a.get(u).itemIds());
                for (int i = 0; i < 10; i++) {
                    assertThat(b.get(u).items().get(i).score())
                            .isCloseTo(a.get(u).items().get(i).score(), within(1e-4));
                }
            }
        }
    }

    @Test
    void membersMustShareTheVocabulary() {
        assertThatThrownBy(() -> EnsembleDecoder.of(List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one member");
        HashLogitsDecoder big = new HashLogitsDecoder(VOCAB, 1, 1f);
        HashLogitsDecoder small = new HashLogitsDecoder(VOCAB / 2, 2, 1f);
        assertThatThrownBy(() -> EnsembleDecoder.of(List.of(big, small)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ensemble member 1")
                .hasMessageContaining("size " + VOCAB)
                .hasMessageContaining("found size " + VOCAB / 2);
    }

    @Test
    void closingTheEnsembleClosesEveryMemberOnceAndRefusesNewRuns() {
        AtomicInteger closes = new AtomicInteger();
        List<CausalDecoder> ms = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            HashLogitsDecoder d = new HashLogitsDecoder(VOCAB, i, 1f);
            ms.add(
                    new CausalDecoder() {
                        @Override
                        public DecoderConfig config() {
                            return d.config();
                        }

                        @Override
                        public boolean reordersInGraph() {
                            return false;
                        }

                        @Override
                        public DecoderRun newRun() {
                            return d.newRun();
                        }

                        @Override
                        public void close() {
                            closes.incrementAndGet();
                        }
                    });
        }
        EnsembleDecoder e = EnsembleDecoder.of(ms);
        assertThat(e.members()).hasSize(3);
        assertThat(e.toString()).startsWith("EnsembleDecoder(members=3");
        e.close();
        e.close();
        assertThat(closes.get()).isEqualTo(3);
        assertThatThrownBy(e::newRun)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is closed");
    }
}
