package org.lcrec.inference;

import java.util.Arrays;

/**
 * One prompt's finished beams, best first. The arrays are copied in and out; {@link #leaf}, {@link
 * #score} and {@link #tokens(int)} read one beam without copying the others.
 *
 * @param leaves the constraint state each beam ended in
 * @param scores each beam's score: the sum of the log-probabilities of its tokens
 * @param tokens each beam's emitted tokens
 */
public record BeamResult(int[] leaves, float[] scores, int[][] tokens) {
    /** Checks the lengths agree. */
    public BeamResult {
        if (leaves.length != scores.length || leaves.length != tokens.length) {
            throw new IllegalArgumentException(
                    "expected equal lengths, found leaves="
                            + leaves.length
                            + ", scores="
                            + scores.length
                            + ", tokens="
                            + tokens.length);
        }
        leaves = leaves.clone();
        scores = scores.clone();
        tokens = deepCopy(tokens);
    }

    private static int[][] deepCopy(int[][] a) {
        int[][] out = new int[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i].clone();
        }
        return out;
    }

    /**
     * @return a copy of each beam's final constraint state
     */
    @Override
    public int[] leaves() {
        return leaves.clone();
    }

    /**
     * @return a copy of each beam's score
     */
    @Override
    public float[] scores() {
        return scores.clone();
    }

    /**
     * @return a copy of each beam's emitted tokens
     */
    @Override
    public int[][] tokens() {
        return deepCopy(tokens);
    }

    /**
     * @param beam a beam, 0 for the best
     * @return the constraint state it ended in
     */
    public int leaf(int beam) {
        return leaves[beam];
    }

    /**
     * @param beam a beam, 0 for the best
     * @return its score
     */
    public float score(int beam) {
        return scores[beam];
    }

    /**
     * @param beam a beam, 0 for the best
     * @return a copy of its emitted tokens
     */
    public int[] tokens(int beam) {
        return tokens[beam].clone();
    }

    /**
     * @return the number of finished beams
     */
    public int size() {
        return leaves.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BeamResult b
                && Arrays.equals(leaves, b.leaves)
                && Arrays.equals(scores, b.scores)
                && Arrays.deepEquals(tokens, b.tokens);
    }

    @Override
    public int hashCode() {
        return (31 * Arrays.hashCode(leaves) + Arrays.hashCode(scores)) * 31
                + Arrays.deepHashCode(tokens);
    }

    @Override
    public String toString() {
        return "BeamResult(beams="
                + leaves.length
                + ", best="
                + (leaves.length == 0 ? "none" : Arrays.toString(tokens[0]) + "@" + scores[0])
                + ")";
    }
}
