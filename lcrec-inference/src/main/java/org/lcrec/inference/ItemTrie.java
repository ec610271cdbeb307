package org.lcrec.inference;

import java.util.Arrays;
import java.util.List;
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
 * index has collisions). Memory: {@code 2·nodes + 3·items + leaves} ints, with {@code nodes <= 1 +
 * items·depth} (the items' leaves are kept for {@link #exclude(List)}).
 *
 * <p>Because nodes are numbered breadth-first with sorted children, the leaves below any node form
 * one contiguous range, which is how {@link #itemsBelow(int)} counts without a stored array.
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
    private final int[] itemIds;
    private final int[] itemLeaf;
    private final int depth;
    private final int maxFanOut;
    private final int eosId;

    private ItemTrie(
            int[] token,
            int[] firstChild,
            int[] levelStart,
            int[] leafItemStart,
            int[] leafItems,
            int[] itemIds,
            int[] itemLeaf,
            int eosId) {
        this.token = token;
        this.firstChild = firstChild;
        this.levelStart = levelStart;
        this.leafItemStart = leafItemStart;
        this.leafItems = leafItems;
        this.itemIds = itemIds;
        this.itemLeaf = itemLeaf;
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
                itemIds,
                cur,
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
     * @param item an item id
     * @return the leaf that names it, or -1 if the trie does not hold the item
     * @implNote O(log items)
     */
    public int leafOf(int item) {
        int i = Arrays.binarySearch(itemIds, item);
        return i >= 0 ? itemLeaf[i] : -1;
    }

    /**
     * @param node a node, 0 (the root) to {@link #nodeCount()} − 1
     * @return how many items the leaves below it (or the leaf itself) hold
     * @implNote O(depth): the leaves below a node are one contiguous range, found by following the
     *     first child of its first node and the last child of its last node down to the leaves.
     */
    public int itemsBelow(int node) {
        checkNode(node);
        int lo = node;
        int hi = node;
        for (int l = levelOf(node); l < depth; l++) {
            lo = firstChild[lo];
            hi = firstChild[hi + 1] - 1;
        }
        int leafFrom = levelStart[depth];
        return leafItemStart[hi - leafFrom + 1] - leafItemStart[lo - leafFrom];
    }

    /**
     * @param node a node other than the root
     * @return its parent
     * @implNote O(log nodes): internal nodes have at least one child each and children are numbered
     *     in parent order, so {@code firstChild} is strictly increasing over internal nodes and the
     *     parent is the last internal node whose first child is {@code <= node}.
     */
    int parent(int node) {
        int lo = 0;
        int hi = levelStart[depth] - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (firstChild[mid] <= node) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    private int levelOf(int node) {
        int l = Arrays.binarySearch(levelStart, node);
        // levels are non-empty, so an exact hit is the first node of level l
        return l >= 0 ? l : -l - 2;
    }

    private void checkNode(int node) {
        if (node < 0 || node >= token.length) {
            throw new IllegalArgumentException(
                    "expected a node in [0, " + token.length + "), found " + node);
        }
    }

    /**
     * Prepares the exclusion of items per prompt for {@link BeamSearch#search(CausalDecoder,
     * DecodingConstraint, List, int, Exclusion)}: a node is <em>dead</em> for a prompt when every
     * item below it is excluded, and the search never enters a dead node, so its beams end only on
     * leaves that still name an allowed item.
     *
     * <p>Per prompt, each distinct excluded item the trie holds adds one to every node on its path
     * (leaf up to, not including, the root); a node whose count equals {@link #itemsBelow(int)} is
     * dead. A leaf shared by several items (a collision) stays alive while one of them is allowed,
     * and {@link Exclusion#items(int, int)} then leaves the excluded ones out.
     *
     * @param excludedPerPrompt per prompt, the item ids to exclude (any order; repeats and ids the
     *     trie does not hold are ignored)
     * @return the exclusion, for this trie and these prompts
     * @implNote O(h·depth·log(h·depth)) per prompt with {@code h} excluded items (a sort of the
     *     path nodes, then one count per distinct node at O(depth) each); the result holds at most
     *     {@code h·depth} dead nodes per prompt. Nothing here scales with the catalogue.
     */
    public Exclusion exclude(List<int[]> excludedPerPrompt) {
        int prompts = excludedPerPrompt.size();
        int[] itemStart = new int[prompts + 1];
        int[] deadStart = new int[prompts + 1];
        int capacity = 0;
        for (int[] h : excludedPerPrompt) {
            capacity += h.length;
        }
        int[] items = new int[capacity];
        int[] dead = new int[capacity * depth];
        int ni = 0;
        int nd = 0;
        int[] path = new int[0];
        for (int p = 0; p < prompts; p++) {
            int[] h = excludedPerPrompt.get(p).clone();
            Arrays.sort(h);
            int first = ni;
            for (int j = 0; j < h.length; j++) {
                if ((j == 0 || h[j] != h[j - 1]) && leafOf(h[j]) >= 0) {
                    items[ni++] = h[j];
                }
            }
            int count = ni - first;
            if (path.length < count * depth) {
                path = new int[count * depth];
            }
            int np = 0;
            for (int j = first; j < ni; j++) {
                for (int node = leafOf(items[j]); node != 0; node = parent(node)) {
                    path[np++] = node;
                }
            }
            Arrays.sort(path, 0, np);
            for (int j = 0; j < np; ) {
                int node = path[j];
                int end = j;
                while (end < np && path[end] == node) {
                    end++;
                }
                if (end - j == itemsBelow(node)) {
                    dead[nd++] = node;
                }
                j = end;
            }
            itemStart[p + 1] = ni;
            deadStart[p + 1] = nd;
        }
        return new Exclusion(
                this, itemStart, Arrays.copyOf(items, ni), deadStart, Arrays.copyOf(dead, nd));
    }

    /**
     * Items excluded per prompt, with the trie nodes they make dead; made by {@link
     * ItemTrie#exclude(List)} and used by {@link BeamSearch} for one batch of prompts.
     *
     * @implNote immutable and thread-safe. Memory: at most {@code h·(depth + 1)} ints per prompt
     *     with {@code h} excluded items.
     */
    public static final class Exclusion {
        private final ItemTrie trie;
        private final int[] itemStart;
        private final int[] items;
        private final int[] deadStart;
        private final int[] dead;

        private Exclusion(
                ItemTrie trie, int[] itemStart, int[] items, int[] deadStart, int[] dead) {
            this.trie = trie;
            this.itemStart = itemStart;
            this.items = items;
            this.deadStart = deadStart;
            this.dead = dead;
        }

        /**
         * @return the trie this exclusion was made for
         */
        public ItemTrie trie() {
            return trie;
        }

        /**
         * @return the number of prompts
         */
        public int prompts() {
            return itemStart.length - 1;
        }

        /**
         * @param prompt a prompt index
         * @return its excluded items that the trie holds, ascending and distinct
         */
        public int[] excludedItems(int prompt) {
            checkPrompt(prompt);
            return Arrays.copyOfRange(items, itemStart[prompt], itemStart[prompt + 1]);
        }

        /**
         * @param prompt a prompt index
         * @return the nodes the search must not enter for it, ascending
         */
        public int[] deadNodes(int prompt) {
            checkPrompt(prompt);
            return Arrays.copyOfRange(dead, deadStart[prompt], deadStart[prompt + 1]);
        }

        /**
         * @param prompt a prompt index
         * @param node a trie node
         * @return whether every item below the node is excluded for the prompt
         */
        public boolean isDead(int prompt, int node) {
            checkPrompt(prompt);
            return Arrays.binarySearch(dead, deadStart[prompt], deadStart[prompt + 1], node) >= 0;
        }

        /**
         * @param prompt a prompt index
         * @param leaf a leaf of the trie
         * @return the leaf's items that are not excluded for the prompt, ascending (empty for a
         *     dead leaf)
         */
        public int[] items(int prompt, int leaf) {
            checkPrompt(prompt);
            int[] all = trie.leafItems(leaf);
            int n = 0;
            for (int item : all) {
                if (Arrays.binarySearch(items, itemStart[prompt], itemStart[prompt + 1], item)
                        < 0) {
                    all[n++] = item;
                }
            }
            return n == all.length ? all : Arrays.copyOf(all, n);
        }

        /** The position in the dead-node array of the prompt's first dead node {@code >= node}. */
        int firstDeadAtOrAfter(int prompt, int node) {
            int i = Arrays.binarySearch(dead, deadStart[prompt], deadStart[prompt + 1], node);
            return i >= 0 ? i : -i - 1;
        }

        /** One past the prompt's last position in the dead-node array. */
        int deadLimit(int prompt) {
            return deadStart[prompt + 1];
        }

        /** The dead node at a position of the dead-node array. */
        int deadNode(int i) {
            return dead[i];
        }

        private void checkPrompt(int prompt) {
            if (prompt < 0 || prompt >= prompts()) {
                throw new IllegalArgumentException(
                        "expected a prompt in [0, " + prompts() + "), found " + prompt);
            }
        }

        @Override
        public String toString() {
            return "ItemTrie.Exclusion(prompts="
                    + prompts()
                    + ", excludedItems="
                    + items.length
                    + ", deadNodes="
                    + dead.length
                    + ")";
        }
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
