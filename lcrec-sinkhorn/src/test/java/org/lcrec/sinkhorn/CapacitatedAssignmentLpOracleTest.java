package org.lcrec.sinkhorn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.ojalgo.optimisation.Expression;
import org.ojalgo.optimisation.ExpressionsBasedModel;
import org.ojalgo.optimisation.Optimisation;
import org.ojalgo.optimisation.Variable;

/**
 * Checks {@link CapacitatedAssignment} against an independent exact oracle: the same problem as a
 * linear program solved by ojAlgo's simplex. Brute force ({@link CapacitatedAssignmentTest}) stops
 * at about seven items; the LP reaches the sizes the index generator meets.
 *
 * <p>The LP has a variable {@code x[i][c]} in {@code [0, 1]} per item and code, every item's row
 * sums to 1, every code's column sums to at most its capacity, and the objective is {@code Σ
 * C[i][c] x[i][c]}. Its constraint matrix is the incidence matrix of a bipartite graph (a
 * transportation problem), hence totally unimodular: with integer capacities every vertex of the
 * polytope is integral, so the LP optimum equals the minimum cost over integral assignments, which
 * is what our solver claims to find.
 */
class CapacitatedAssignmentLpOracleTest {

    /**
     * Relative tolerance between our total and the LP optimum. Both are sums of at most 60 of the
     * same costs, so they differ only by rounding (4e-16 relative at most on these instances) as
     * long as the simplex stops at an exact vertex; ojAlgo's default options accept a vertex that
     * is feasible to 1e-8 ({@code Optimisation.Options.feasibility}), so 1e-6 leaves room for that
     * without hiding a real difference. With integer costs (two of the three cost kinds) a
     * suboptimal assignment costs at least 1 more, so there the comparison is exact; with
     * continuous costs one within 1e-6 of the optimum would pass, which the brute-force test rules
     * out on small sizes.
     */
    private static final double RELATIVE_TOLERANCE = 1e-6;

    /** How far an LP variable may sit from 0 or 1 and still count as integral. */
    private static final double INTEGRALITY_TOLERANCE = 1e-6;

    /** {@code {items, codes}}: 5 to 60 items, 2 to 16 codes, square-ish to very tall. */
    private static final int[][] SHAPES = {
        {5, 2}, {5, 8}, {12, 4}, {12, 16}, {30, 3}, {30, 7}, {45, 16}, {60, 5}, {60, 16}
    };

    private static final int TRIALS = 2;

    private enum Capacities {
        /** {@code ceil(items / codes)} for every code, through the uniform overload. */
        UNIFORM_TIGHT,
        /** Random per-code capacities summing to exactly {@code items}; some are often 0. */
        EXACT,
        /** Random per-code capacities between the uniform tight one and {@code items}. */
        LOOSE,
        /** 1 for every code (conflict-free IDs); only where {@code codes >= items}. */
        ONE
    }

    private enum Costs {
        /** Uniform in {@code [-1, 1)}: ties have probability zero. */
        CONTINUOUS,
        /** Integers 0..3: many ties and many optimal assignments. */
        SMALL_INTEGERS,
        /** Four distinct integer rows 0..9, each repeated: identical items, a degenerate LP. */
        DUPLICATE_ROWS
    }

    @Test
    void totalCostEqualsTheLpOptimumOnSeededInstances() {
        SplittableRandom rnd = new SplittableRandom(20241127);
        int solved = 0;
        for (int[] shape : SHAPES) {
            int items = shape[0];
            int codes = shape[1];
            for (Capacities capacities : Capacities.values()) {
                if (capacities == Capacities.ONE && codes < items) {
                    continue;
                }
                for (Costs costs : Costs.values()) {
                    for (int trial = 0; trial < TRIALS; trial++) {
                        String name =
                                "%d items x %d codes, %s capacities, %s costs, trial %d"
                                        .formatted(items, codes, capacities, costs, trial);
                        int[] capacity = capacities(capacities, items, codes, rnd);
                        double[] cost = costs(costs, items, codes, rnd);
                        Assignment ours =
                                capacities == Capacities.UNIFORM_TIGHT
                                        ? CapacitatedAssignment.solve(
                                                cost, items, codes, capacity[0])
                                        : CapacitatedAssignment.solve(cost, items, codes, capacity);

                        assertFeasible(name, ours, items, codes, capacity);
                        assertThat(ours.cost())
                                .as(name + ": reported cost is the sum of the chosen costs")
                                .isCloseTo(costOf(cost, codes, ours.codes()), within(1e-12));

                        double optimum = lpOptimum(name, cost, items, codes, capacity);
                        assertThat(ours.cost())
                                .as(name + ": total cost against the LP optimum")
                                .isCloseTo(
                                        optimum,
                                        within(
                                                RELATIVE_TOLERANCE
                                                        * Math.max(1, Math.abs(optimum))));
                        solved++;
                    }
                }
            }
        }
        // 9 shapes x 3 capacity regimes + 2 shapes with capacity 1, x 3 cost kinds x 2 trials
        assertThat(solved).isEqualTo((9 * 3 + 2) * 3 * TRIALS);
    }

    /**
     * Solves the LP relaxation with ojAlgo and returns its optimal value, after checking that the
     * solver reports optimality and that the solution is an integral, feasible assignment (the
     * oracle's own sanity check: total unimodularity promises a vertex, the simplex returns one).
     */
    private static double lpOptimum(
            String name, double[] cost, int items, int codes, int[] capacity) {
        ExpressionsBasedModel model = new ExpressionsBasedModel();
        List<Variable> x = new ArrayList<>(items * codes);
        for (int i = 0; i < items; i++) {
            for (int c = 0; c < codes; c++) {
                x.add(
                        model.addVariable("x_" + i + "_" + c)
                                .lower(0)
                                .upper(1)
                                .weight(cost[i * codes + c]));
            }
        }
        for (int i = 0; i < items; i++) {
            Expression row = model.addExpression("item_" + i).level(1);
            for (int c = 0; c < codes; c++) {
                row.set(x.get(i * codes + c), 1);
            }
        }
        for (int c = 0; c < codes; c++) {
            Expression column = model.addExpression("code_" + c).upper(capacity[c]);
            for (int i = 0; i < items; i++) {
                column.set(x.get(i * codes + c), 1);
            }
        }
        Optimisation.Result result = model.minimise();
        assertThat(result.getState().isOptimal())
                .as(name + ": LP state " + result.getState())
                .isTrue();

        int[] load = new int[codes];
        double objective = 0;
        for (int i = 0; i < items; i++) {
            int chosen = -1;
            for (int c = 0; c < codes; c++) {
                double v = result.doubleValue(i * codes + c);
                boolean one = Math.abs(v - 1) <= INTEGRALITY_TOLERANCE;
                assertThat(one || Math.abs(v) <= INTEGRALITY_TOLERANCE)
                        .as(name + ": LP x[" + i + "][" + c + "] = " + v + " is not integral")
                        .isTrue();
                if (one) {
                    assertThat(chosen).as(name + ": LP item " + i + " chosen twice").isEqualTo(-1);
                    chosen = c;
                    load[c]++;
                    objective += cost[i * codes + c];
                }
            }
            assertThat(chosen).as(name + ": LP item " + i + " unassigned").isNotEqualTo(-1);
        }
        for (int c = 0; c < codes; c++) {
            assertThat(load[c])
                    .as(name + ": LP load of code " + c)
                    .isLessThanOrEqualTo(capacity[c]);
        }
        assertThat(result.getValue())
                .as(name + ": LP objective against its rounded solution")
                .isCloseTo(
                        objective, within(RELATIVE_TOLERANCE * Math.max(1, Math.abs(objective))));
        return result.getValue();
    }

    private static void assertFeasible(
            String name, Assignment a, int items, int codes, int[] capacity) {
        assertThat(a.items()).as(name + ": items assigned").isEqualTo(items);
        for (int i = 0; i < items; i++) {
            assertThat(a.code(i)).as(name + ": code of item " + i).isBetween(0, codes - 1);
        }
        int[] load = a.loads(codes);
        for (int c = 0; c < codes; c++) {
            assertThat(load[c]).as(name + ": load of code " + c).isLessThanOrEqualTo(capacity[c]);
        }
    }

    /** Per-code capacities; for {@link Capacities#UNIFORM_TIGHT} every entry is the same. */
    private static int[] capacities(Capacities kind, int items, int codes, SplittableRandom rnd) {
        int tight = (items + codes - 1) / codes;
        int[] capacity = new int[codes];
        switch (kind) {
            case UNIFORM_TIGHT -> Arrays.fill(capacity, tight);
            case EXACT -> {
                for (int i = 0; i < items; i++) {
                    capacity[rnd.nextInt(codes)]++;
                }
            }
            case LOOSE -> {
                for (int c = 0; c < codes; c++) {
                    capacity[c] = rnd.nextInt(tight, items + 1);
                }
            }
            case ONE -> Arrays.fill(capacity, 1);
        }
        return capacity;
    }

    private static double[] costs(Costs kind, int items, int codes, SplittableRandom rnd) {
        double[] cost = new double[items * codes];
        switch (kind) {
            case CONTINUOUS -> {
                for (int k = 0; k < cost.length; k++) {
                    cost[k] = rnd.nextDouble(-1, 1);
                }
            }
            case SMALL_INTEGERS -> {
                for (int k = 0; k < cost.length; k++) {
                    cost[k] = rnd.nextInt(4);
                }
            }
            case DUPLICATE_ROWS -> {
                double[][] rows = new double[4][codes];
                for (double[] row : rows) {
                    for (int c = 0; c < codes; c++) {
                        row[c] = rnd.nextInt(10);
                    }
                }
                for (int i = 0; i < items; i++) {
                    System.arraycopy(rows[rnd.nextInt(rows.length)], 0, cost, i * codes, codes);
                }
            }
        }
        return cost;
    }

    private static double costOf(double[] cost, int codes, int[] chosen) {
        double s = 0;
        for (int i = 0; i < chosen.length; i++) {
            s += cost[i * codes + chosen[i]];
        }
        return s;
    }
}
