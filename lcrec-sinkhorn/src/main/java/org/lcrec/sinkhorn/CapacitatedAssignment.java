package org.lcrec.sinkhorn;

import java.util.Arrays;

/**
 * Exact minimum-cost assignment of items to codes where code {@code j} takes at most {@code
 * capacity[j]} items: the discrete problem that Sinkhorn only approximates. With capacity 1 it
 * makes the codes of a group of items pairwise distinct at the least total cost, which is how
 * conflict-free semantic IDs are guaranteed.
 *
 * <p>Algorithm: each code is expanded into {@code capacity[j]} identical slots and the rectangular
 * assignment problem items × slots is solved by the Hungarian algorithm with dual potentials (Kuhn
 * 1955, Munkres 1957; the shortest-augmenting-path form of Jonker and Volgenant 1987). Ties are
 * broken towards lower slot indices, so the same input always gives the same assignment; identical
 * items therefore still land on distinct codes when capacities are 1.
 *
 * @implNote {@code O(n² · S)} time for {@code n} items and {@code S = Σ capacity} slots, {@code O(n
 *     + S)} extra memory beyond the costs. Meant for groups of up to a few thousand items.
 *     Stateless and thread-safe.
 */
public final class CapacitatedAssignment {
    private CapacitatedAssignment() {}

    /**
     * @param cost row-major {@code items × codes} costs (finite)
     * @param items items (rows), {@code >= 0}
     * @param codes codes (columns), {@code >= 1}
     * @param capacity how many items every code may take, {@code >= 1}
     * @return the minimum-cost assignment
     * @throws IllegalArgumentException if the input is malformed or {@code codes × capacity <
     *     items}
     */
    public static Assignment solve(double[] cost, int items, int codes, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException(
                    "assignment capacity must be >= 1, found " + capacity);
        }
        if (codes < 1) {
            throw new IllegalArgumentException("assignment needs >= 1 code, found " + codes);
        }
        int[] cap = new int[codes];
        Arrays.fill(cap, capacity);
        return solve(cost, items, codes, cap);
    }

    /**
     * @param cost row-major {@code items × codes} costs (finite)
     * @param items items (rows), {@code >= 0}
     * @param codes codes (columns), {@code >= 1}
     * @param capacity per code, {@code >= 0} ({@code 0} forbids the code)
     * @return the minimum-cost assignment
     * @throws IllegalArgumentException if the input is malformed or the capacities sum to fewer
     *     than {@code items}
     */
    public static Assignment solve(double[] cost, int items, int codes, int[] capacity) {
        check(cost, items, codes, capacity);
        if (items == 0) {
            return new Assignment(new int[0], 0);
        }
        // A code never needs more slots than there are items.
        int slots = 0;
        for (int c : capacity) {
            slots += Math.min(c, items);
        }
        int[] slotCode = new int[slots];
        for (int j = 0, s = 0; j < codes; j++) {
            for (int k = 0, e = Math.min(capacity[j], items); k < e; k++) {
                slotCode[s++] = j;
            }
        }
        int n = items;
        int m = slots;
        // 1-based arrays: index 0 of the columns is the virtual start column.
        double[] pu = new double[n + 1];
        double[] pv = new double[m + 1];
        int[] owner = new int[m + 1];
        int[] way = new int[m + 1];
        double[] minv = new double[m + 1];
        boolean[] used = new boolean[m + 1];
        for (int i = 1; i <= n; i++) {
            owner[0] = i;
            int j0 = 0;
            Arrays.fill(minv, Double.POSITIVE_INFINITY);
            Arrays.fill(used, false);
            do {
                used[j0] = true;
                int i0 = owner[j0];
                int row = (i0 - 1) * codes;
                double delta = Double.POSITIVE_INFINITY;
                int j1 = -1;
                for (int j = 1; j <= m; j++) {
                    if (!used[j]) {
                        double cur = cost[row + slotCode[j - 1]] - pu[i0] - pv[j];
                        if (cur < minv[j]) {
                            minv[j] = cur;
                            way[j] = j0;
                        }
                        if (minv[j] < delta) {
                            delta = minv[j];
                            j1 = j;
                        }
                    }
                }
                for (int j = 0; j <= m; j++) {
                    if (used[j]) {
                        pu[owner[j]] += delta;
                        pv[j] -= delta;
                    } else {
                        minv[j] -= delta;
                    }
                }
                j0 = j1;
            } while (owner[j0] != 0);
            do {
                int j1 = way[j0];
                owner[j0] = owner[j1];
                j0 = j1;
            } while (j0 != 0);
        }
        int[] result = new int[n];
        for (int j = 1; j <= m; j++) {
            if (owner[j] != 0) {
                result[owner[j] - 1] = slotCode[j - 1];
            }
        }
        double total = 0;
        for (int i = 0; i < n; i++) {
            total += cost[i * codes + result[i]];
        }
        return new Assignment(result, total);
    }

    private static void check(double[] cost, int items, int codes, int[] capacity) {
        if (items < 0) {
            throw new IllegalArgumentException("assignment items must be >= 0, found " + items);
        }
        if (codes < 1) {
            throw new IllegalArgumentException("assignment needs >= 1 code, found " + codes);
        }
        if (capacity == null || capacity.length != codes) {
            throw new IllegalArgumentException(
                    "assignment capacities: expected "
                            + codes
                            + " entries, found "
                            + (capacity == null ? "null" : capacity.length));
        }
        long total = 0;
        for (int j = 0; j < codes; j++) {
            if (capacity[j] < 0) {
                throw new IllegalArgumentException(
                        "assignment capacity of code " + j + " must be >= 0, found " + capacity[j]);
            }
            total += capacity[j];
        }
        if (total < items) {
            throw new IllegalArgumentException(
                    "assignment: cannot place "
                            + items
                            + " items into codes with total capacity "
                            + total);
        }
        if (total > Integer.MAX_VALUE - 1) {
            throw new IllegalArgumentException(
                    "assignment: total capacity " + total + " is too large");
        }
        if (cost == null || cost.length != (long) items * codes) {
            throw new IllegalArgumentException(
                    "assignment cost matrix: expected "
                            + items
                            + "x"
                            + codes
                            + " entries, found "
                            + (cost == null ? "null" : cost.length));
        }
        for (int k = 0; k < cost.length; k++) {
            if (!Double.isFinite(cost[k])) {
                throw new IllegalArgumentException(
                        "assignment cost at item "
                                + k / codes
                                + ", code "
                                + k % codes
                                + ": expected a finite number, found "
                                + cost[k]);
            }
        }
    }
}
