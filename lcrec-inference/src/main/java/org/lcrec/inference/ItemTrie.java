package org.lcrec.inference;

import java.util.Arrays;
import org.lcrec.core.SemanticIndex;

/**
 * The exact prefix trie of an index over token ids: a beam search that follows its edges can only
 * finish on a real item. Optionally one terminal EOS step after the last level (LC-Rec's model
 * emits EOS after the index, and its score counts).
 *
 * <p>Layout (compact, CSR): nodes are numbered breadth-first, the root is 0, and every node but the
 * root has exactly one incoming edge, so edge {@code e} <em>is</em> node {@code e}: {@code
 * token[e]} is the token that leads to node {@code e}, and the children of node {@code p} are the
 * contiguous range {@code [firstChild[p], firstChild[p + 1])}, sorted by token. Leaves (the nodes
 * at {@link #depth()}) hold their items in a second CSR array (several items per leaf when the
 * index has collisions). Memory: {@code 2·nodes + items + leaves} ints, with {@code nodes <= 1 +
 * items·depth}.
 *
 * @implNote built in linear time, {@code O(items·levels + Σ_level tokenRange(level))}: each level
 *     is a two-pass LSD radix sort of the items by (parent node, token) with counting sorts, then
 *     one scan that opens a node wherever the pair changes. Immutable and thread-safe.
 */
public final class ItemTrie implements DecodingConstraint {
    private final int[] token;
    private final int[] firstChild;
    private final int[] levelStart;
    private final int[] leafItemStart;
    private final int[] leafItems;
    private final int depth;
    private final int maxFanOut;
    private final int eosId;

    private ItemTrie(
            int[] token,
            int[] firstChild,
            int[] levelStart,
            int[] leafItemStart,
            int[] leafItems,
            int eosId) {
        this.token = token;
        this.firstChild = firstChild;
        this.levelStart = levelStart;
        this.leafItemStart = leafItemStart;
        this.leafItems = leafItems;
        this.depth = levelStart.length - 2;
        this.eosId = eosId;
        int fan = 0;
        for (int p = 0; p < levelStart[depth]; p++) {
            fan = Math.max(fan, firstChild[p + 1] - firstChild[p]);
        }
        this.maxFanOut = fan;
    }

    /**
     * Builds the trie of an index.
     *
     * @param index the items and their semantic IDs (non-empty)
     * @param vocabulary the token ids of the index tokens
     * @param eosId the EOS token id for a terminal step, or -1 for none
     * @return the trie
     */
    public static ItemTrie build(SemanticIndex index, IndexVocabulary vocabulary, int eosId) {
        int n = index.size();
        if (n == 0) {
            throw new IllegalArgumentException("cannot build an item trie of an empty index");
        }
        if (eosId >= vocabulary.vocabularySize()) {
            throw new IllegalArgumentException(
                    "EOS id must be < vocabulary size "
                            + vocabulary.vocabularySize()
                            + ", found "
                            + eosId);
        }
        int levels = index.levels();
        int depth = levels + (eosId >= 0 ? 1 : 0);
        int[] itemIds = index.itemIds();
        int[] tok = new int[n * levels];
        for (int i = 0; i < n; i++) {
            int[] t = vocabulary.tokenIds(index.get(itemIds[i]));
            System.arraycopy(t, 0, tok, i * levels, levels);
        }
        int maxNodes = 1 + n * depth;
        int[] token = new int[maxNodes];
        int[] firstChild = new int[maxNodes + 1];
        int[] levelStart = new int[depth + 2];
        token[0] = -1;
        levelStart[0] = 0;
        levelStart[1] = 1;
        int nodes = 1;
        int[] cur = new int[n]; // each item's node at the current level
        int[] order = new int[n];
        int[] tmp = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int l = 0; l < levels; l++) {
            // LSD radix: stable counting sort by token, then by parent node
            int minTok = Integer.MAX_VALUE;
            int maxTok = Integer.MIN_VALUE;
            for (int i = 0; i < n; i++) {
                int t = tok[i * levels + l];
                minTok = Math.min(minTok, t);
                maxTok = Math.max(maxTok, t);
            }
            countingSort(order, tmp, tok, levels, l, minTok, maxTok - minTok + 1, null);
            int base = levelStart[l];
            int width = levelStart[l + 1] - base;
            countingSort(tmp, order, null, 0, 0, base, width, cur);
            // open a node wherever (parent, token) changes
            int prevParent = -1;
            int prevTok = -1;
            for (int j = 0; j < n; j++) {
                int i = order[j];
                int parent = cur[i];
                int t = tok[i * levels + l];
                if (parent != prevParent) {
                    firstChild[parent] = nodes;
                }
                if (parent != prevParent || t != prevTok) {
                    token[nodes++] = t;
                    prevParent = parent;
                    prevTok = t;
                }
                cur[i] = nodes - 1;
            }
            levelStart[l + 2] = nodes;
        }
        if (eosId >= 0) {
            int from = levelStart[levels];
            int to = levelStart[levels + 1];
            for (int p = from; p < to; p++) {
                firstChild[p] = nodes;
                token[nodes++] = eosId;
            }
            for (int i = 0; i < n; i++) {
                cur[i] = cur[i] - from + to;
            }
            levelStart[levels + 2] = nodes;
        }
        int leafFrom = levelStart[depth];
        int leaves = nodes - leafFrom;
        for (int p = leafFrom; p <= nodes; p++) {
            firstChild[p] = nodes;
        }
        // items per leaf, ascending item id (itemIds is ascending and the count sort is stable)
        int[] leafItemStart = new int[leaves + 1];
        for (int i = 0; i < n; i++) {
            leafItemStart[cur[i] - leafFrom + 1]++;
        }
        for (int q = 0; q < leaves; q++) {
            leafItemStart[q + 1] += leafItemStart[q];
        }
        int[] fill = Arrays.copyOf(leafItemStart, leaves);
        int[] leafItems = new int[n];
        for (int i = 0; i < n; i++) {
            leafItems[fill[cur[i] - leafFrom]++] = itemIds[i];
        }
        return new ItemTrie(
                Arrays.copyOf(token, nodes),
                Arrays.copyOf(firstChild, nodes + 1),
                levelStart,
                leafItemStart,
                leafItems,
                eosId);
    }

    /**
     * Stable counting sort of {@code in} into {@code out} by a small-range key: {@code tok[i *
     * stride + col] - min} when {@code tok != null}, else {@code node[i] - min}.
     */
    private static void countingSort(
            int[] in, int[] out, int[] tok, int stride, int col, int min, int range, int[] node) {
        int[] count = new int[range + 1];
        for (int i : in) {
            int key = tok != null ? tok[i * stride + col] - min : node[i] - min;
            count[key + 1]++;
        }
        for (int r = 0; r < range; r++) {
            count[r + 1] += count[r];
        }
        for (int i : in) {
            int key = tok != null ? tok[i * stride + col] - min : node[i] - min;
            out[count[key]++] = i;
        }
    }

    @Override
    public int root() {
        return 0;
    }

    @Override
    public int depth() {
        return depth;
    }

    @Override
    public int firstEdge(int node) {
        return firstChild[node];
    }

    @Override
    public int endEdge(int node) {
        return firstChild[node + 1];
    }

    @Override
    public int edgeToken(int edge) {
        return token[edge];
    }

    @Override
    public int edgeTarget(int edge) {
        return edge;
    }

    @Override
    public int maxFanOut() {
        return maxFanOut;
    }

    @Override
    public int[] items(int leaf, int[] tokens) {
        return leafItems(leaf);
    }

    @Override
    public ConstraintMode mode() {
        return ConstraintMode.TRIE;
    }

    /**
     * @param leaf a node at {@link #depth()}
     * @return its items, ascending
     * @throws IllegalArgumentException if the node is no leaf
     */
    public int[] leafItems(int leaf) {
        int q = leaf - levelStart[depth];
        if (q < 0 || leaf >= token.length) {
            throw new IllegalArgumentException(
                    "node "
                            + leaf
                            + " is not a leaf (leaves are "
                            + levelStart[depth]
                            + ".."
                            + (token.length - 1)
                            + ")");
        }
        return Arrays.copyOfRange(leafItems, leafItemStart[q], leafItemStart[q + 1]);
    }

    /**
     * Follows a token path from the root.
     *
     * @param tokens the path
     * @return the node reached, or -1 if the path leaves the trie
     */
    public int walk(int... tokens) {
        int node = 0;
        for (int t : tokens) {
            int lo = firstChild[node];
            int hi = firstChild[node + 1] - 1;
            int found = -1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (token[mid] < t) {
                    lo = mid + 1;
                } else if (token[mid] > t) {
                    hi = mid - 1;
                } else {
                    found = mid;
                    break;
                }
            }
            if (found < 0) {
                return -1;
            }
            node = found;
        }
        return node;
    }

    /**
     * @return the number of nodes, root included
     */
    public int nodeCount() {
        return token.length;
    }

    /**
     * @param level a depth, 0 (the root) to {@link #depth()}
     * @return the number of nodes at that depth
     */
    public int nodesAtDepth(int level) {
        return levelStart[level + 1] - levelStart[level];
    }

    /**
     * @return the EOS id of the terminal step, or -1 if there is none
     */
    public int eosId() {
        return eosId;
    }

    @Override
    public String toString() {
        int[] perDepth = new int[depth + 1];
        for (int d = 0; d <= depth; d++) {
            perDepth[d] = nodesAtDepth(d);
        }
        return "ItemTrie(depth="
                + depth
                + ", nodes="
                + token.length
                + ", perDepth="
                + Arrays.toString(perDepth)
                + ", items="
                + leafItems.length
                + ", eos="
                + eosId
                + ")";
    }
}
