package org.lcrec.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.lcrec.core.SemanticId;
import org.lcrec.core.SemanticIndex;
import org.lcrec.core.UnknownItemPolicy;

/**
 * History exclusion inside the trie-constrained search, against two references: exhaustive scoring
 * of every allowed item (when the beams cover the catalogue, the search is exact), and the plain
 * search over the trie of the catalogue without the excluded items (equal for any beam count).
 */
class HistoryExclusionTest {
    /** Added to the logits of every token on a history item's path: the fake model's favourites. */
    private static final float HISTORY_BIAS = 6f;

    /**
     * A random 3-level index over few codes, with collisions: ids are drawn with repeats, so some
     * leaves hold several items.
     */
    static SemanticIndex collidingIndex(int items, long seed, int codes) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<Integer, SemanticId> m = new LinkedHashMap<>();
        int id = 3;
        for (int i = 0; i < items; i++) {
            m.put(id, SemanticId.of(r.nextInt(codes), r.nextInt(codes), r.nextInt(codes)));
            id += 1 + r.nextInt(2);
        }
        SemanticIndex index = SemanticIndex.of(m);
        if (index.collisions().groups().isEmpty()) {
            throw new IllegalStateException("seed " + seed + " drew no collision");
        }
        return index;
    }

    /**
     * A model that follows the history's paths: after BOS or a last-level token it favours the
     * history items' first tokens, after a token of level l those of level l + 1 that follow it in
     * some history item.
     */
    private static HashLogitsDecoder favouring(
            SemanticIndex index, IndexVocabulary v, int[] history, long seed) {
        float[][] biasAfter = new float[Fixtures.VOCAB][];
        int levels = index.levels();
        for (int item : history) {
            int[] t = v.tokenIds(index.get(item));
            for (int any : index.itemIds()) {
                favour(biasAfter, v.tokenIds(index.get(any))[levels - 1], t[0]);
            }
            favour(biasAfter, Fixtures.BOS, t[0]);
            for (int l = 1; l < levels; l++) {
                favour(biasAfter, t[l - 1], t[l]);
            }
        }
        return new HashLogitsDecoder(Fixtures.VOCAB, seed, 1.5f, biasAfter);
    }

    private static void favour(float[][] biasAfter, int after, int token) {
        if (biasAfter[after] == null) {
            biasAfter[after] = new float[Fixtures.VOCAB];
        }
        biasAfter[after][token] = HISTORY_BIAS;
    }

    private static int[] sample(int[] ids, int n, SplittableRandom r) {
        int[] pool = ids.clone();
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int j = i + r.nextInt(pool.length - i);
            int tmp = pool[i];
            pool[i] = pool[j];
            pool[j] = tmp;
            out[i] = pool[i];
        }
        return out;
    }

    private static boolean contains(int[] a, int x) {
        for (int v : a) {
            if (v == x) {
                return true;
            }
        }
        return false;
    }

    /** Items below a node by walking the whole subtree (no use of the trie's range arithmetic). */
    private static List<Integer> itemsBelowByWalk(ItemTrie trie, int node, int level) {
        List<Integer> out = new ArrayList<>();
        if (level == trie.depth()) {
            for (int item : trie.leafItems(node)) {
                out.add(item);
            }
            return out;
        }
        for (int e = trie.firstEdge(node); e < trie.endEdge(node); e++) {
            out.addAll(itemsBelowByWalk(trie, trie.edgeTarget(e), level + 1));
        }
        return out;
    }

    @Test
    void aLeafWithCollidingItemsDiesOnlyWhenAllItsItemsAreExcluded() {
        Map<Integer, SemanticId> m = new LinkedHashMap<>();
        m.put(0, SemanticId.of(0, 0, 0));
        m.put(1, SemanticId.of(0, 0, 0)); // collides with 0
        m.put(2, SemanticId.of(0, 0, 1));
        m.put(3, SemanticId.of(0, 1, 0));
        m.put(4, SemanticId.of(1, 0, 0));
        SemanticIndex index = SemanticIndex.of(m);
        IndexVocabulary v = Fixtures.vocabulary(index);
        for (int eos : new int[] {-1, Fixtures.EOS}) {
            ItemTrie trie = ItemTrie.build(index, v, eos);
            int a0 = v.tokenId(0, 0);
            int a1 = v.tokenId(0, 1);
            int b0 = v.tokenId(1, 0);
            int c0 = v.tokenId(2, 0);
            int c1 = v.tokenId(2, 1);
            int n0 = trie.walk(a0);
            int n00 = trie.walk(a0, b0);
            int n1 = trie.walk(a1);
            int leaf000 = trie.leafOf(0);
            int leaf001 = trie.leafOf(2);
            assertThat(trie.leafOf(1)).isEqualTo(leaf000);
            assertThat(trie.leafOf(99)).isEqualTo(-1);
            assertThat(eos < 0 ? trie.walk(a0, b0, c0) : trie.walk(a0, b0, c0, eos))
                    .isEqualTo(leaf000);
            assertThat(trie.itemsBelow(0)).isEqualTo(5);
            assertThat(trie.itemsBelow(n0)).isEqualTo(4);
            assertThat(trie.itemsBelow(n00)).isEqualTo(3);
            assertThat(trie.itemsBelow(leaf000)).isEqualTo(2);

            ItemTrie.Exclusion x =
                    trie.exclude(
                            List.of(
                                    new int[] {0},
                                    new int[] {1, 0},
                                    new int[] {2, 0, 1},
                                    new int[] {4, 99, 4},
                                    new int[] {}));
            assertThat(x.prompts()).isEqualTo(5);
            // one of two colliding items excluded: the leaf lives and names the other
            assertThat(x.deadNodes(0)).isEmpty();
            assertThat(x.items(0, leaf000)).containsExactly(1);
            assertThat(x.items(0, leaf001)).containsExactly(2);
            // both excluded: the leaf dies (and, with EOS, the level-3 node above it too)
            int c000 = trie.walk(a0, b0, c0);
            assertThat(x.deadNodes(1))
                    .containsExactly(eos < 0 ? new int[] {leaf000} : new int[] {c000, leaf000});
            assertThat(x.items(1, leaf000)).isEmpty();
            assertThat(x.isDead(1, n00)).isFalse();
            // everything below <a_0><b_0> excluded: that node dies, <a_0> (item 3) lives
            assertThat(x.isDead(2, n00)).isTrue();
            assertThat(x.isDead(2, leaf001)).isTrue();
            assertThat(x.isDead(2, trie.walk(a0, b0, c1))).isTrue();
            assertThat(x.isDead(2, n0)).isFalse();
            // repeats and unknown items are ignored
            assertThat(x.excludedItems(3)).containsExactly(4);
            assertThat(x.isDead(3, n1)).isTrue();
            assertThat(x.deadNodes(3)).hasSize(eos < 0 ? 3 : 4);
            assertThat(x.deadNodes(4)).isEmpty();
            assertThatThrownBy(() -> x.deadNodes(5))
                    .hasMessageContaining("expected a prompt in [0, 5), found 5");
        }
    }

    @Test
    void deadNodesAreExactlyTheNodesWhoseItemsAreAllExcludedOnRandomCollidingIndices() {
        for (long seed = 1; seed <= 15; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            SemanticIndex index = collidingIndex(20 + r.nextInt(40), seed, 2 + r.nextInt(3));
            IndexVocabulary v = Fixtures.vocabulary(index);
            ItemTrie trie = ItemTrie.build(index, v, r.nextBoolean() ? Fixtures.EOS : -1);
            List<int[]> excluded = new ArrayList<>();
            for (int p = 0; p < 4; p++) {
                excluded.add(sample(index.itemIds(), r.nextInt(index.size()), r));
            }
            ItemTrie.Exclusion x = trie.exclude(excluded);
            int[] levelOf = new int[trie.nodeCount()];
            for (int n = 0; n < trie.nodeCount(); n++) {
                for (int e = trie.firstEdge(n); e < trie.endEdge(n); e++) {
                    levelOf[trie.edgeTarget(e)] = levelOf[n] + 1;
                }
            }
            for (int n = 0; n < trie.nodeCount(); n++) {
                List<Integer> below = itemsBelowByWalk(trie, n, levelOf[n]);
                assertThat(trie.itemsBelow(n)).as("node %d", n).isEqualTo(below.size());
                if (n > 0) {
                    for (int p = 0; p < excluded.size(); p++) {
                        int[] h = excluded.get(p);
                        boolean all = below.stream().allMatch(i -> contains(h, i));
                        assertThat(x.isDead(p, n)).as("seed %d node %d", seed, n).isEqualTo(all);
                    }
                }
            }
        }
    }

    /**
     * The model strongly prefers history items; with exclusion the recommender returns exactly k
     * distinct real items outside the history, equal to the top k of the exhaustive reference over
     * the allowed items; without, it returns the unrestricted reference (today's behaviour).
     */
    @Test
    void excludedRecommendationsEqualTheExhaustiveTopKOfTheRemainingItems() {
        int k = 10;
        for (long seed = 1; seed <= 6; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            SemanticIndex index = collidingIndex(36, seed, 3);
            IndexVocabulary v = Fixtures.vocabulary(index);
            int[] history = sample(index.itemIds(), 8, r);
            HashLogitsDecoder d = favouring(index, v, history, seed);
            for (boolean eosStep : new boolean[] {true, false}) {
                RecommenderConfig base =
                        RecommenderConfig.builder().beams(index.size()).eosStep(eosStep).build();
                int eos = eosStep ? Fixtures.EOS : -1;
                for (boolean exclude : new boolean[] {true, false}) {
                    Recommender rec =
                            new Recommender(
                                    d,
                                    index,
                                    Fixtures.tokenMap(),
                                    base.withExcludeHistory(exclude));
                    List<BeamSearchTest.Scored> ref =
                            BeamSearchTest.exhaustive(d, index, v, rec.prompt(history, 0), eos)
                                    .stream()
                                    .filter(s -> !exclude || !contains(history, s.item()))
                                    .limit(k)
                                    .toList();
                    Recommendation got = rec.recommend(history, k);
                    assertThat(got.itemIds())
                            .as("seed %d, eos %s, exclude %s", seed, eosStep, exclude)
                            .containsExactly(
                                    ref.stream().mapToInt(BeamSearchTest.Scored::item).toArray());
                    for (int i = 0; i < k; i++) {
                        assertThat(got.items().get(i).score())
                                .isCloseTo(ref.get(i).score(), within(1e-4));
                    }
                    long fromHistory =
                            Arrays.stream(got.itemIds()).filter(i -> contains(history, i)).count();
                    if (exclude) {
                        assertThat(fromHistory).isZero();
                        assertThat(Arrays.stream(got.itemIds()).distinct().count()).isEqualTo(k);
                    } else {
                        // the fake model does favour the history: most picks lie on a history
                        // item's path (as the item itself or an item colliding with it)
                        Set<SemanticId> paths = new HashSet<>();
                        for (int h : history) {
                            paths.add(index.get(h));
                        }
                        long onPaths =
                                Arrays.stream(got.itemIds())
                                        .filter(i -> paths.contains(index.get(i)))
                                        .count();
                        assertThat(onPaths).as("seed %d", seed).isGreaterThan(k / 2);
                        assertThat(fromHistory).isPositive();
                    }
                }
            }
        }
    }

    /**
     * For any beam count, the search with excluded items is the plain search over the trie of the
     * remaining items: same tokens, bit-equal scores, same items, per prompt of a batch.
     */
    @Test
    void excludedSearchEqualsThePlainSearchOverTheTrieOfTheRemainingItems() {
        for (long seed = 20; seed < 40; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            SemanticIndex index = collidingIndex(30 + r.nextInt(60), seed, 3 + r.nextInt(3));
            IndexVocabulary v = Fixtures.vocabulary(index);
            int eos = r.nextBoolean() ? Fixtures.EOS : -1;
            ItemTrie trie = ItemTrie.build(index, v, eos);
            int prompts = 1 + r.nextInt(3);
            List<int[]> histories = new ArrayList<>();
            List<int[]> promptIds = new ArrayList<>();
            for (int p = 0; p < prompts; p++) {
                histories.add(sample(index.itemIds(), 1 + r.nextInt(index.size() / 2), r));
                int[] prompt = new int[1 + r.nextInt(6)];
                for (int i = 0; i < prompt.length; i++) {
                    prompt[i] = 3 + r.nextInt(90);
                }
                promptIds.add(prompt);
            }
            // the model favours the first prompt's history, so pruning matters early
            HashLogitsDecoder d = favouring(index, v, histories.get(0), seed);
            int beams = 1 + r.nextInt(12);
            List<BeamResult> got =
                    BeamSearch.search(d, trie, promptIds, beams, trie.exclude(histories));
            ItemTrie.Exclusion x = trie.exclude(histories);
            for (int p = 0; p < prompts; p++) {
                int[] h = histories.get(p);
                Map<Integer, SemanticId> rest = new HashMap<>(index.asMap());
                for (int item : h) {
                    rest.remove(item);
                }
                SemanticIndex sub = SemanticIndex.of(rest);
                ItemTrie subTrie = ItemTrie.build(sub, Fixtures.vocabulary(sub), eos);
                BeamResult want =
                        BeamSearch.search(d, subTrie, List.of(promptIds.get(p)), beams).get(0);
                BeamResult b = got.get(p);
                assertThat(b.size()).as("seed %d prompt %d", seed, p).isEqualTo(want.size());
                for (int i = 0; i < b.size(); i++) {
                    assertThat(b.tokens()[i]).isEqualTo(want.tokens()[i]);
                    assertThat(b.scores()[i]).isEqualTo(want.scores()[i]);
                    assertThat(x.items(p, b.leaves()[i]))
                            .isEqualTo(subTrie.leafItems(want.leaves()[i]));
                }
            }
        }
    }

    /** Fewer beams than items: still k distinct items outside the history, whenever there are k. */
    @Test
    void kBeamsStillGiveKItemsOutsideTheHistory() {
        for (long seed = 50; seed < 70; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            SemanticIndex index = collidingIndex(25 + r.nextInt(40), seed, 3);
            IndexVocabulary v = Fixtures.vocabulary(index);
            int k = 1 + r.nextInt(10);
            int[] history = sample(index.itemIds(), 1 + r.nextInt(index.size() - 2), r);
            RecommenderConfig cfg =
                    RecommenderConfig.builder()
                            .beams(1)
                            .eosStep(r.nextBoolean())
                            .excludeHistory(true)
                            .build();
            Recommender rec =
                    new Recommender(
                            favouring(index, v, history, seed), index, Fixtures.tokenMap(), cfg);
            int allowed = index.size() - history.length;
            int[] got = rec.recommend(history, Math.min(k, index.size())).itemIds();
            assertThat(got).hasSize(Math.min(k, allowed));
            Set<Integer> seen = new HashSet<>();
            for (int item : got) {
                assertThat(index.contains(item)).isTrue();
                assertThat(contains(history, item)).as("seed %d item %d", seed, item).isFalse();
                assertThat(seen.add(item)).isTrue();
            }
        }
    }

    @Test
    void unknownHistoryItemsAreStillReportedAsSkipped() {
        SemanticIndex index = collidingIndex(30, 3, 3);
        IndexVocabulary v = Fixtures.vocabulary(index);
        int[] known = sample(index.itemIds(), 5, new SplittableRandom(1));
        int[] history = Arrays.copyOf(known, 7);
        history[5] = 9_999;
        history[6] = 10_001;
        RecommenderConfig cfg =
                RecommenderConfig.builder()
                        .unknownItems(UnknownItemPolicy.SKIP)
                        .excludeHistory(true)
                        .build();
        Recommender rec =
                new Recommender(favouring(index, v, known, 3), index, Fixtures.tokenMap(), cfg);
        Recommendation got = rec.recommend(history, 10);
        assertThat(got.skippedHistoryItems()).containsExactly(9_999, 10_001);
        assertThat(got.items()).hasSize(10);
        assertThat(got.itemIds()).doesNotContain(known);
    }

    @Test
    void misuseIsRejectedWithWhatWasExpected() {
        assertThatThrownBy(
                        () ->
                                RecommenderConfig.builder()
                                        .constraint(ConstraintMode.PER_POSITION)
                                        .excludeHistory(true)
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("excludeHistory needs constraint TRIE, found PER_POSITION");
        assertThatThrownBy(
                        () ->
                                RecommenderConfig.builder()
                                        .excludeHistory(true)
                                        .build()
                                        .withConstraint(ConstraintMode.PER_POSITION))
                .hasMessageContaining("TRIE");
        assertThat(
                        RecommenderConfig.builder()
                                .excludeHistory(true)
                                .build()
                                .withExcludeHistory(false)
                                .withConstraint(ConstraintMode.PER_POSITION)
                                .excludeHistory())
                .isFalse();

        SemanticIndex index = collidingIndex(20, 4, 3);
        IndexVocabulary v = Fixtures.vocabulary(index);
        ItemTrie trie = ItemTrie.build(index, v, -1);
        ItemTrie other = ItemTrie.build(index, v, Fixtures.EOS);
        HashLogitsDecoder d = new HashLogitsDecoder(Fixtures.VOCAB, 1, 1);
        List<int[]> prompts = List.of(new int[] {1, 5});
        assertThatThrownBy(
                        () ->
                                BeamSearch.search(
                                        d, trie, prompts, 4, other.exclude(List.of(new int[0]))))
                .hasMessageContaining("the exclusion was made for");
        assertThatThrownBy(
                        () ->
                                BeamSearch.search(
                                        d,
                                        trie,
                                        prompts,
                                        4,
                                        trie.exclude(List.of(new int[0], new int[0]))))
                .hasMessageContaining("expected an exclusion for 1 prompts, found one for 2");
    }
}
