package org.lcrec.sinkhorn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CapacitatedAssignmentTest {

    @Test
    void matchesBruteForceOnSeededSixBySixMatrices() {
        SplittableRandom rnd = new SplittableRandom(42);
        for (int trial = 0; trial < 400; trial++) {
            double[] cost = new double[36];
            for (int k = 0; k < 36; k++) {
                // half the instances use small integers so that ties are common
                cost[k] = trial % 2 == 0 ? rnd.nextInt(4) : rnd.nextDouble() * 2 - 1;
            }
            Assignment a = CapacitatedAssignment.solve(cost, 6, 6, 1);
            assertConflictFree(a, 6, 1);
            assertThat(a.cost()).isCloseTo(costOf(cost, 6, a.codes()), within(1e-12));
            assertThat(a.cost())
                    .as("trial " + trial)
                    .isCloseTo(brute(cost, 6, 6, 1), within(1e-12));
        }
    }

    @Test
    void matchesBruteForceOnRectangularAndCapacitatedInstances() {
        SplittableRandom rnd = new SplittableRandom(43);
        int[][] shapes = {{4, 6, 1}, {5, 3, 2}, {7, 3, 3}, {6, 2, 3}, {3, 5, 1}, {6, 4, 2}};
        for (int[] s : shapes) {
            int n = s[0];
            int m = s[1];
            int cap = s[2];
            for (int trial = 0; trial < 60; trial++) {
                double[] cost = new double[n * m];
                for (int k = 0; k < cost.length; k++) {
                    cost[k] = trial % 3 == 0 ? rnd.nextInt(3) : rnd.nextDouble();
                }
                Assignment a = CapacitatedAssignment.solve(cost, n, m, cap);
                assertConflictFree(a, m, cap);
                assertThat(a.cost())
                        .as(n + "x" + m + " cap " + cap + " trial " + trial)
                        .isCloseTo(brute(cost, n, m, cap), within(1e-12));
            }
        }
    }

    @Test
    void perCodeCapacitiesIncludingForbiddenCodes() {
        // item 0 prefers code 1, but code 1 is closed (capacity 0)
        double[] cost = {5, 0, 1, 4, 9, 0};
        Assignment a = CapacitatedAssignment.solve(cost, 2, 3, new int[] {1, 0, 1});
        assertThat(a.codes()).containsExactly(2, 0);
        assertThat(a.cost()).isEqualTo(5.0);
    }

    @Test
    void identicalItemsAreSeparatedDeterministically() {
        double[] row = {0.4, 0.1, 0.3, 0.2};
        double[] cost = new double[4 * 4];
        for (int i = 0; i < 4; i++) {
            System.arraycopy(row, 0, cost, i * 4, 4);
        }
        Assignment a = CapacitatedAssignment.solve(cost, 4, 4, 1);
        assertConflictFree(a, 4, 1);
        assertThat(a).isEqualTo(CapacitatedAssignment.solve(cost.clone(), 4, 4, 1));
        assertThat(a.cost()).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void badInputIsRejected() {
        assertThatThrownBy(() -> CapacitatedAssignment.solve(new double[6], 3, 2, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot place 3 items into codes with total capacity 2");
        assertThatThrownBy(() -> CapacitatedAssignment.solve(new double[4], 2, 2, 0))
                .hasMessageContaining("capacity must be >= 1, found 0");
        assertThatThrownBy(
                        () ->
                                CapacitatedAssignment.solve(
                                        new double[] {0, Double.POSITIVE_INFINITY}, 1, 2, 1))
                .hasMessageContaining("item 0, code 1: expected a finite number, found Infinity");
        assertThatThrownBy(() -> CapacitatedAssignment.solve(new double[3], 2, 2, 1))
                .hasMessageContaining("expected 2x2 entries, found 3");
        assertThat(CapacitatedAssignment.solve(new double[0], 0, 3, 1).items()).isZero();
    }

    private static void assertConflictFree(Assignment a, int codes, int cap) {
        for (int load : a.loads(codes)) {
            assertThat(load).isLessThanOrEqualTo(cap);
        }
    }

    private static double costOf(double[] cost, int m, int[] codes) {
        double s = 0;
        for (int i = 0; i < codes.length; i++) {
            s += cost[i * m + codes[i]];
        }
        return s;
    }

    /** Exhaustive search over every map items → codes that respects the capacity. */
    private static double brute(double[] cost, int n, int m, int cap) {
        return brute(cost, n, m, cap, 0, new int[m]);
    }

    private static double brute(double[] cost, int n, int m, int cap, int i, int[] load) {
        if (i == n) {
            return 0;
        }
        double best = Double.POSITIVE_INFINITY;
        for (int j = 0; j < m; j++) {
            if (load[j] < cap) {
                load[j]++;
                best = Math.min(best, cost[i * m + j] + brute(cost, n, m, cap, i + 1, load));
                load[j]--;
            }
        }
        return best;
    }
}
