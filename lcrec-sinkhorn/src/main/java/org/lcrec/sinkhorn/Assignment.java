package org.lcrec.sinkhorn;

import java.util.Arrays;

/**
 * An assignment of items to codes, the result of {@link CapacitatedAssignment}. Immutable.
 *
 * @param codes the code of each item
 * @param cost the total cost {@code Σ_i C[i][codes[i]]}
 */
public record Assignment(int[] codes, double cost) {
    /** Copies the array so the record stays immutable. */
    public Assignment {
        codes = codes.clone();
    }

    @Override
    public int[] codes() {
        return codes.clone();
    }

    /**
     * @param item an item
     * @return its code
     */
    public int code(int item) {
        return codes[item];
    }

    /**
     * @return the number of items assigned
     */
    public int items() {
        return codes.length;
    }

    /**
     * @param numCodes the number of codes
     * @return how many items each code received
     */
    public int[] loads(int numCodes) {
        int[] l = new int[numCodes];
        for (int c : codes) {
            l[c]++;
        }
        return l;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Assignment a
                && Arrays.equals(a.codes, codes)
                && Double.compare(a.cost, cost) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(codes) + Double.hashCode(cost);
    }

    @Override
    public String toString() {
        return "Assignment(items="
                + codes.length
                + ", cost="
                + cost
                + ", codes="
                + (codes.length <= 16 ? Arrays.toString(codes) : "[...]")
                + ")";
    }
}
