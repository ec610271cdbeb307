package org.lcrec.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lcrec.core.SemanticIndex;

/**
 * The beam search against exhaustive search (score every item's full index, no cache, no trie), on
 * the tiny ORT decoders and on seeded random "models".
 */
class BeamSearchTest {
    /** float32 ORT graphs vs a double log-softmax over the same logits. */
    private static final double TOL = 1e-4;

    /** An item and its exhaustive score. */
    record Scored(int item, double score) {}

    private static double logSoftmaxAt(float[] logits, int offset, int vocab, int token) {
        double m = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < vocab; v++) {
            m = Math.max(m, logits[offset + v]);
        }
        double s = 0;
        for (int v = 0; v < vocab; v++) {
            s += Math.exp(logits[offset + v] - m);
        }
        return logits[offset + token] - m - Math.log(s);
    }

    /** Scores every item by one full no-cache pass over prompt + index tokens, EOS included. */
    static List<Scored> exhaustive(
            CausalDecoder d, SemanticIndex index, IndexVocabulary v, int[] prompt, int eos) {
        int vocab = d.config().vocabularySize();
        List<Scored> out = new ArrayList<>();
        for (int item : index.itemIds()) {
            int[] tokens = v.tokenIds(index.get(item));
            int[] target = eos >= 0 ? Arrays.copyOf(tokens, tokens.length + 1) : tokens;
            if (eos >= 0) {
                target[tokens.length] = eos;
            }
            long[] seq = new long[prompt.length + tokens.length];
            for (int i = 0; i < prompt.length; i++) {
                seq[i] = prompt[i];
            }
            for (int i = 0; i < tokens.length; i++) {
                seq[prompt.length + i] = tokens[i];
            }
            double score = 0;
            if (d instanceof HashLogitsDecoder h) {
                for (int j = 0; j < target.length; j++) {
                    int[] ctx = new int[prompt.length + j];
                    for (int i = 0; i < ctx.length; i++) {
                        ctx[i] = (int) seq[i];
                    }
                    score += logSoftmaxAt(h.logitsAfter(ctx), 0, vocab, target[j]);
                }
            } else {
                try (DecoderRun run = d.newRun()) {
                    float[] all = run.forwardAllPositions(seq, 1, seq.length, null);
                    for (int j = 0; j < target.length; j++) {
                        score +=
                                logSoftmaxAt(
                                        all, (prompt.length - 1 + j) * vocab, vocab, target[j]);
                    }
                }
            }
            out.add(new Scored(item, score));
        }
        out.sort(
                Comparator.comparingDouble((Scored s) -> -s.score())
                        .thenComparingInt(Scored::item));
        return out;
    }

    static void assertSameRanking(
            BeamResult beams, DecodingConstraint c, List<Scored> reference, int k) {
        assertThat(beams.size()).isGreaterThanOrEqualTo(k);
        for (int i = 0; i < k; i++) {
            int[] items = c.items(beams.leaves()[i], beams.tokens()[i]);
            assertThat(items).hasSize(1);
            assertThat((double) beams.scores()[i])
                    .as("score at rank %d", i)
                    .isCloseTo(reference.get(i).score(), within(TOL));
            boolean separated =
                    (i == 0 || reference.get(i - 1).score() - reference.get(i).score() > 2 * TOL)
                            && (i + 1 >= reference.size()
                                    || reference.get(i).score() - reference.get(i + 1).score()
                                            > 2 * TOL);
            if (separated) {
                assertThat(items[0]).as("item at rank %d", i).isEqualTo(reference.get(i).item());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pos", "nopos", "beam"})
    void beamSearchEqualsExhaustiveSearchWhenBeamsCoverTheCatalogue(String variant) {
        SemanticIndex index = Fixtures.randomIndex(30, 11, 4);
        IndexVocabulary v = Fixtures.vocabulary(index);
        try (OrtCausalDecoder d = Fixtures.open(variant)) {
            for (boolean eos : new boolean[] {true, false}) {
                int eosId = eos ? Fixtures.EOS : -1;
                ItemTrie trie = ItemTrie.build(index, v, eosId);
                int[] prompt = {Fixtures.BOS, 17, 105, 203, 307, 9, 101, 211, 300};
                List<Scored> ref = exhaustive(d, index, v, prompt, eosId);
                BeamResult got = BeamSearch.search(d, trie, List.of(prompt), 30).get(0);
                assertThat(got.size()).isEqualTo(30);
                assertSameRanking(got, trie, ref, 30);
            }
        }
    }

    @Test
    void batchedLeftPaddedSearchEqualsOnePromptAtATime() {
        SemanticIndex index = Fixtures.randomIndex(60, 5, 5);
        IndexVocabulary v = Fixtures.vocabulary(index);
        ItemTrie trie = ItemTrie.build(index, v, Fixtures.EOS);
        SplittableRandom r = new SplittableRandom(9);
        List<int[]> prompts = new ArrayList<>();
        for (int p = 0; p < 5; p++) {
            int[] prompt = new int[2 + r.nextInt(12)];
            prompt[0] = Fixtures.BOS;
            for (int i = 1; i < prompt.length; i++) {
                prompt[i] = 3 + r.nextInt(400);
            }
            prompts.add(prompt);
        }
        for (String variant : new String[] {"pos", "beam"}) {
            try (OrtCausalDecoder d = Fixtures.open(variant)) {
                List<BeamResult> batched = BeamSearch.search(d, trie, prompts, 8);
                for (int p = 0; p < prompts.size(); p++) {
                    BeamResult single =
                            BeamSearch.search(d, trie, List.of(prompts.get(p)), 8).get(0);
                    BeamResult b = batched.get(p);
                    assertThat(b.size()).isEqualTo(single.size());
                    for (int i = 0; i < b.size(); i++) {
                        assertThat((double) b.scores()[i])
                                .isCloseTo(single.scores()[i], within(TOL));
                    }
                    assertThat(b.tokens()[0]).isEqualTo(single.tokens()[0]);
                }
            }
        }
    }

    /** Random models (seeded hash logits), random indices and prompts: exact agreement. */
    @Test
    void exhaustiveEquivalenceOnManyRandomModels() {
        for (long seed = 1; seed <= 40; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            int codes = 2 + r.nextInt(6);
            int items = 1 + r.nextInt(Math.min(40, codes * codes * codes));
            SemanticIndex index = Fixtures.randomIndex(items, seed, codes);
            IndexVocabulary v = Fixtures.vocabulary(index);
            HashLogitsDecoder d = new HashLogitsDecoder(512, seed, 1 + r.nextInt(4));
            int eos = r.nextBoolean() ? Fixtures.EOS : -1;
            ItemTrie trie = ItemTrie.build(index, v, eos);
            int[] prompt = {Fixtures.BOS, 3 + r.nextInt(90), 3 + r.nextInt(90)};
            List<Scored> ref = exhaustive(d, index, v, prompt, eos);
            BeamResult got = BeamSearch.search(d, trie, List.of(prompt), items).get(0);
            assertThat(got.size()).isEqualTo(items);
            assertSameRanking(got, trie, ref, items);
        }
    }

    /** Property: with fewer beams than items, every returned beam is still a real item. */
    @Test
    void everyBeamIsARealItemOverManySeeds() {
        for (long seed = 100; seed < 160; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            int codes = 2 + r.nextInt(15);
            int items = 1 + r.nextInt(Math.min(500, codes * codes * codes));
            SemanticIndex index = Fixtures.randomIndex(items, seed, codes);
            IndexVocabulary v = Fixtures.vocabulary(index);
            ItemTrie trie = ItemTrie.build(index, v, r.nextBoolean() ? Fixtures.EOS : -1);
            HashLogitsDecoder d = new HashLogitsDecoder(512, seed, 0.5f + 4 * r.nextFloat());
            List<int[]> prompts = new ArrayList<>();
            for (int p = 0; p < 1 + r.nextInt(4); p++) {
                int[] prompt = new int[1 + r.nextInt(8)];
                for (int i = 0; i < prompt.length; i++) {
                    prompt[i] = 1 + r.nextInt(511);
                }
                prompts.add(prompt);
            }
            int beams = 1 + r.nextInt(20);
            for (BeamResult b : BeamSearch.search(d, trie, prompts, beams)) {
                assertThat(b.size()).isEqualTo(Math.min(beams, trie.nodesAtDepth(trie.depth())));
                Set<Integer> seen = new HashSet<>();
                for (int i = 0; i < b.size(); i++) {
                    int[] found = trie.items(b.leaves()[i], b.tokens()[i]);
                    assertThat(found).isNotEmpty();
                    for (int item : found) {
                        assertThat(index.contains(item)).isTrue();
                        assertThat(v.tokenIds(index.get(item)))
                                .isEqualTo(Arrays.copyOf(b.tokens()[i], index.levels()));
                        assertThat(seen.add(item)).isTrue();
                    }
                    if (i > 0) {
                        assertThat(b.scores()[i]).isLessThanOrEqualTo(b.scores()[i - 1]);
                    }
                }
            }
        }
    }

    @Test
    void perPositionConstraintProducesInvalidCombinationsThatTheTrieNeverDoes() {
        int invalidTotal = 0;
        for (long seed = 1; seed <= 10; seed++) {
            SemanticIndex index = Fixtures.randomIndex(40, seed, 16);
            IndexVocabulary v = Fixtures.vocabulary(index);
            HashLogitsDecoder d = new HashLogitsDecoder(512, seed, 3);
            PerPositionConstraint pp = PerPositionConstraint.build(index, v, Fixtures.EOS);
            BeamResult b = BeamSearch.search(d, pp, List.of(new int[] {1, 7}), 20).get(0);
            assertThat(b.size()).isEqualTo(20);
            for (int i = 0; i < b.size(); i++) {
                int[] items = pp.items(b.leaves()[i], b.tokens()[i]);
                if (items.length == 0) {
                    invalidTotal++;
                    // independently: the code combination is not any item's
                    for (int item : index.itemIds()) {
                        assertThat(v.tokenIds(index.get(item)))
                                .isNotEqualTo(Arrays.copyOf(b.tokens()[i], 3));
                    }
                }
            }
        }
        // 40 items among 16^3 combinations: most per-position beams name no item
        assertThat(invalidTotal).isGreaterThan(100);
    }
}
