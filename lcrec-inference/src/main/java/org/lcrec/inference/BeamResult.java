package org.lcrec.inference;

import java.util.Arrays;

/**
 * One prompt's finished beams, best first.
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
        return 31 * Arrays.hashCode(leaves) + Arrays.hashCode(scores);
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
