package org.lcrec.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.lcrec.core.SemanticId;
import org.lcrec.core.SemanticIndex;

class ItemTrieTest {
    private static final Map<String, Integer> MAP = Fixtures.tokenMap();

    private static SemanticIndex small() {
        Map<Integer, SemanticId> m = new HashMap<>();
        m.put(10, SemanticId.of(1, 2, 3));
        m.put(11, SemanticId.of(1, 2, 4));
        m.put(12, SemanticId.of(1, 5, 0));
        m.put(13, SemanticId.of(0, 2, 3));
        m.put(14, SemanticId.of(1, 2, 3)); // collides with 10
        return SemanticIndex.of(m);
    }

    @Test
    void handBuiltTrieHasTheExpectedShape() {
        SemanticIndex index = small();
        IndexVocabulary v = IndexVocabulary.of(MAP, index, 512);
        ItemTrie t = ItemTrie.build(index, v, -1);
        // depth 1: a_0, a_1; depth 2: (a_0,b_2), (a_1,b_2), (a_1,b_5); depth 3: 4 leaves
        assertThat(t.depth()).isEqualTo(3);
        assertThat(t.nodesAtDepth(0)).isEqualTo(1);
        assertThat(t.nodesAtDepth(1)).isEqualTo(2);
        assertThat(t.nodesAtDepth(2)).isEqualTo(3);
        assertThat(t.nodesAtDepth(3)).isEqualTo(4);
        assertThat(t.nodeCount()).isEqualTo(10);
        assertThat(t.maxFanOut()).isEqualTo(2);
        // root children sorted by token: <a_0>=100, <a_1>=101
        assertThat(t.edgeToken(t.firstEdge(0))).isEqualTo(100);
        assertThat(t.edgeToken(t.firstEdge(0) + 1)).isEqualTo(101);
        assertThat(t.endEdge(0) - t.firstEdge(0)).isEqualTo(2);
        assertThat(t.leafItems(t.walk(101, 202, 303))).containsExactly(10, 14);
        assertThat(t.leafItems(t.walk(101, 202, 304))).containsExactly(11);
        assertThat(t.leafItems(t.walk(100, 202, 303))).containsExactly(13);
        assertThat(t.walk(100, 205)).isEqualTo(-1);
        int leaf = t.walk(101, 205, 300);
        assertThat(t.firstEdge(leaf)).isEqualTo(t.endEdge(leaf));
    }

    @Test
    void eosStepAddsOneTerminalChildPerLeaf() {
        SemanticIndex index = small();
        ItemTrie t = ItemTrie.build(index, IndexVocabulary.of(MAP, index, 512), Fixtures.EOS);
        assertThat(t.depth()).isEqualTo(4);
        assertThat(t.nodesAtDepth(4)).isEqualTo(4);
        int pre = t.walk(101, 202, 304);
        assertThat(t.endEdge(pre) - t.firstEdge(pre)).isEqualTo(1);
        assertThat(t.edgeToken(t.firstEdge(pre))).isEqualTo(Fixtures.EOS);
        assertThat(t.leafItems(t.walk(101, 202, 304, Fixtures.EOS))).containsExactly(11);
        assertThat(t.walk(101, 202, Fixtures.EOS)).isEqualTo(-1);
    }

    /** Brute force: the set of token paths in the trie equals the set of the items' paths. */
    @Test
    void randomTriesMatchBruteForcePathsAndChildrenAreSorted() {
        for (long seed = 1; seed <= 20; seed++) {
            int codes = 2 + (int) (seed % 15);
            SemanticIndex index =
                    Fixtures.randomIndex(
                            (int) Math.min(5 + seed * 37 % 300, codes * codes * codes),
                            seed,
                            codes);
            IndexVocabulary v = IndexVocabulary.of(MAP, index, 512);
            ItemTrie t = ItemTrie.build(index, v, seed % 2 == 0 ? Fixtures.EOS : -1);
            Set<List<Integer>> expected = new HashSet<>();
            for (int item : index.itemIds()) {
                List<Integer> p = new ArrayList<>();
                for (int id : v.tokenIds(index.get(item))) {
                    p.add(id);
                }
                if (t.eosId() >= 0) {
                    p.add(Fixtures.EOS);
                }
                expected.add(p);
                int[] arr = p.stream().mapToInt(Integer::intValue).toArray();
                assertThat(t.leafItems(t.walk(arr))).contains(item);
            }
            Set<List<Integer>> found = new HashSet<>();
            enumerate(t, 0, new ArrayList<>(), found);
            assertThat(found).isEqualTo(expected);
        }
    }

    private static void enumerate(
            ItemTrie t, int node, List<Integer> path, Set<List<Integer>> out) {
        if (path.size() == t.depth()) {
            assertThat(t.leafItems(node)).isNotEmpty();
            out.add(new ArrayList<>(path));
            return;
        }
        int prev = -1;
        assertThat(t.endEdge(node)).isGreaterThan(t.firstEdge(node));
        for (int e = t.firstEdge(node); e < t.endEdge(node); e++) {
            assertThat(t.edgeToken(e)).isGreaterThan(prev);
            prev = t.edgeToken(e);
            path.add(t.edgeToken(e));
            enumerate(t, t.edgeTarget(e), path, out);
            path.remove(path.size() - 1);
        }
    }

    @Test
    void perPositionAllowsEveryCombinationOfSeenTokens() {
        SemanticIndex index = small();
        IndexVocabulary v = IndexVocabulary.of(MAP, index, 512);
        PerPositionConstraint c = PerPositionConstraint.build(index, v, Fixtures.EOS);
        // level sets: a {0,1}, b {2,5}, c {0,3,4}
        assertThat(c.combinations()).isEqualTo(12.0);
        assertThat(c.depth()).isEqualTo(4);
        assertThat(c.edgeTarget(c.firstEdge(1))).isEqualTo(2);
        assertThat(c.edgeTarget(c.endEdge(0) - 1)).isEqualTo(1);
        assertThat(c.items(4, new int[] {100, 205, 300, 2})).isEmpty(); // <a_0><b_5><c_0>: no item
        assertThat(c.items(4, new int[] {101, 205, 300, 2})).containsExactly(12);
    }

    @Test
    void vocabularyLackingIndexTokensIsRejectedByName() {
        Map<String, Integer> partial = new HashMap<>(MAP);
        partial.remove("<b_5>");
        assertThatThrownBy(() -> IndexVocabulary.of(partial, small(), 512))
                .hasMessageContaining("lacks 1 of")
                .hasMessageContaining("<b_5>");
        assertThatThrownBy(() -> IndexVocabulary.of(MAP, small(), 300))
                .hasMessageContaining("expected an id in [0, 300)");
    }
}
