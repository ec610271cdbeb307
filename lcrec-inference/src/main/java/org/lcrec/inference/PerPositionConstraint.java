package org.lcrec.inference;

import java.util.Arrays;
import java.util.BitSet;
import org.lcrec.core.SemanticId;
import org.lcrec.core.SemanticIndex;

/**
 * LC-Rec's decoding constraint, for comparison: at step {@code i} any token that appears at level
 * {@code i} in some item is allowed, whatever came before; then, optionally, EOS. Beams may spell
 * code combinations that name no item; {@link #items(int, int[])} returns an empty array for them
 * and the {@link Recommender} reports them as invalid predictions.
 *
 * <p>States are the positions {@code 0..depth}; the edges of state {@code i} are the level-{@code
 * i} tokens, ascending, all leading to state {@code i + 1}.
 *
 * @implNote immutable and thread-safe.
 */
public final class PerPositionConstraint implements DecodingConstraint {
    private final int[] edgeStart;
    private final int[] tokens;
    private final int depth;
    private final int levels;
    private final int maxFanOut;
    private final SemanticIndex index;
    private final IndexVocabulary vocabulary;

    private PerPositionConstraint(
            int[] edgeStart,
            int[] tokens,
            int levels,
            int depth,
            SemanticIndex index,
            IndexVocabulary vocabulary) {
        this.edgeStart = edgeStart;
        this.tokens = tokens;
        this.levels = levels;
        this.depth = depth;
        this.index = index;
        this.vocabulary = vocabulary;
        int fan = 0;
        for (int s = 0; s < depth; s++) {
            fan = Math.max(fan, edgeStart[s + 1] - edgeStart[s]);
        }
        this.maxFanOut = fan;
    }

    /**
     * @param index the index whose per-level token sets are allowed
     * @param vocabulary the token ids
     * @param eosId the EOS id of a terminal step, or -1 for none
     * @return the constraint
     */
    public static PerPositionConstraint build(
            SemanticIndex index, IndexVocabulary vocabulary, int eosId) {
        if (index.size() == 0) {
            throw new IllegalArgumentException("cannot build a constraint of an empty index");
        }
        int levels = index.levels();
        int depth = levels + (eosId >= 0 ? 1 : 0);
        BitSet[] seen = new BitSet[levels];
        for (int l = 0; l < levels; l++) {
            seen[l] = new BitSet();
        }
        for (int item : index.itemIds()) {
            SemanticId id = index.get(item);
            for (int l = 0; l < levels; l++) {
                seen[l].set(vocabulary.tokenId(l, id.code(l)));
            }
        }
        int[] edgeStart = new int[depth + 1];
        int total = 0;
        for (int l = 0; l < levels; l++) {
            edgeStart[l] = total;
            total += seen[l].cardinality();
        }
        if (eosId >= 0) {
            edgeStart[levels] = total;
            total++;
        }
        edgeStart[depth] = total;
        int[] tokens = new int[total];
        int e = 0;
        for (int l = 0; l < levels; l++) {
            for (int t = seen[l].nextSetBit(0); t >= 0; t = seen[l].nextSetBit(t + 1)) {
                tokens[e++] = t;
            }
        }
        if (eosId >= 0) {
            tokens[e] = eosId;
        }
        return new PerPositionConstraint(edgeStart, tokens, levels, depth, index, vocabulary);
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
        return node >= depth ? edgeStart[depth] : edgeStart[node];
    }

    @Override
    public int endEdge(int node) {
        return node >= depth ? edgeStart[depth] : edgeStart[node + 1];
    }

    @Override
    public int edgeToken(int edge) {
        return tokens[edge];
    }

    @Override
    public int edgeTarget(int edge) {
        int s = Arrays.binarySearch(edgeStart, edge);
        // ranges are non-empty, so the range holding the edge is the last start <= edge
        int state = s >= 0 ? s : -s - 2;
        return state + 1;
    }

    @Override
    public int maxFanOut() {
        return maxFanOut;
    }

    @Override
    public int[] items(int leaf, int[] path) {
        int[] codes = new int[levels];
        for (int l = 0; l < levels; l++) {
            int[] lc = vocabulary.levelAndCode(path[l]);
            if (lc == null || lc[0] != l) {
                return new int[0];
            }
            codes[l] = lc[1];
        }
        return index.itemsFor(SemanticId.of(codes));
    }

    @Override
    public ConstraintMode mode() {
        return ConstraintMode.PER_POSITION;
    }

    /**
     * @return the number of allowed token combinations (the product of the per-level set sizes)
     */
    public double combinations() {
        double c = 1;
        for (int l = 0; l < levels; l++) {
            c *= edgeStart[l + 1] - edgeStart[l];
        }
        return c;
    }

    @Override
    public String toString() {
        int[] sizes = new int[depth];
        for (int s = 0; s < depth; s++) {
            sizes[s] = edgeStart[s + 1] - edgeStart[s];
        }
        return "PerPositionConstraint(depth="
                + depth
                + ", tokensPerStep="
                + Arrays.toString(sizes)
                + ", combinations="
                + String.format(java.util.Locale.ROOT, "%.3g", combinations())
                + ")";
    }
}
