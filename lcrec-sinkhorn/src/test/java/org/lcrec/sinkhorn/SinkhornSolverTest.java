package org.lcrec.sinkhorn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SinkhornSolverTest {

    /** Per-entry marginal accuracy demanded of converged runs (the acceptance bar). */
    private static final double MARGINAL_TOL = 1e-9;

    @Test
    void handCheckedTwoByTwo() {
        // C = [[0,1],[1,0]], epsilon 1, uniform marginals 1/2: by symmetry P = [[p,q],[q,p]] with
        // p/q = K00/K01 = e and p + q = 1/2, so p = e / (2 (1 + e)), q = 1 / (2 (1 + e)).
        double e = Math.E;
        double p = e / (2 * (1 + e)); // 0.36552928931500245
        double q = 1 / (2 * (1 + e)); // 0.13447071068499755
        for (SinkhornForm form : SinkhornForm.values()) {
            TransportPlan plan =
                    new SinkhornSolver(SinkhornConfig.of(form, 1.0))
                            .solveUniform(new double[] {0, 1, 1, 0}, 2, 2);
            assertThat(plan.get(0, 0)).isCloseTo(0.36552928931500245, within(1e-12));
            assertThat(plan.get(0, 1)).isCloseTo(0.13447071068499755, within(1e-12));
            assertThat(plan.get(1, 0)).isCloseTo(q, within(1e-12));
            assertThat(plan.get(1, 1)).isCloseTo(p, within(1e-12));
            assertThat(plan.converged()).isTrue();
            assertThat(plan.argmaxPerRow()).containsExactly(0, 1);
        }
    }

    @Test
    void handCheckedNonSquareWithGivenMarginals() {
        // One row: the plan is the column marginal itself, whatever the costs.
        double[] b = {0.2, 0.5, 0.3};
        TransportPlan plan =
                new SinkhornSolver(SinkhornConfig.of(SinkhornForm.LOG_DOMAIN, 0.05))
                        .solve(new double[] {0.3, -0.9, 0.1}, 1, 3, new double[] {1}, b);
        for (int j = 0; j < 3; j++) {
            assertThat(plan.get(0, j)).isCloseTo(b[j], within(1e-12));
        }
    }

    @Test
    void convergedPlansHaveExactMarginalsAndTheGibbsForm() {
        SplittableRandom rnd = new SplittableRandom(20261127);
        for (Map.Entry<String, double[]> c : costCases(rnd).entrySet()) {
            int rows = (int) c.getValue()[0];
            int cols = (int) c.getValue()[1];
            double[] cost = java.util.Arrays.copyOfRange(c.getValue(), 2, c.getValue().length);
            double[] a = randomMarginals(rnd, rows, 1.0);
            double[] b = randomMarginals(rnd, cols, 1.0);
            for (double eps : new double[] {1.0, 0.1, 0.01}) {
                TransportPlan plain =
                        new SinkhornSolver(SinkhornConfig.of(SinkhornForm.PLAIN, eps))
                                .solve(cost, rows, cols, a, b);
                TransportPlan log =
                        new SinkhornSolver(SinkhornConfig.of(SinkhornForm.LOG_DOMAIN, eps))
                                .solve(cost, rows, cols, a, b);
                for (TransportPlan p : List.of(plain, log)) {
                    String what = c.getKey() + " eps=" + eps + " " + p;
                    assertThat(p.converged()).as(what).isTrue();
                    assertMarginals(p, a, b, what);
                    assertGibbsForm(p, cost, eps, what);
                }
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < cols; j++) {
                        assertThat(log.get(i, j))
                                .as(c.getKey() + " eps=" + eps)
                                .isCloseTo(plain.get(i, j), within(1e-9));
                    }
                }
            }
        }
    }

    @Test
    void logFormIsStableAtTinyEpsilonAndItsErrorFalls() {
        SplittableRandom rnd = new SplittableRandom(7);
        int rows = 60;
        int cols = 16;
        double[] cost = uniform(rnd, rows * cols);
        SinkhornConfig cfg =
                SinkhornConfig.of(SinkhornForm.LOG_DOMAIN, 1e-4).withMaxIterations(3000);
        TransportPlan p = new SinkhornSolver(cfg).solveUniform(cost, rows, cols);
        double[] h = p.errorHistory();
        assertThat(h).hasSize(p.iterations());
        for (double e : h) {
            assertThat(e).isFinite().isGreaterThanOrEqualTo(0);
        }
        for (double x : p.toArray()) {
            assertThat(x).isFinite().isGreaterThanOrEqualTo(0);
        }
        // the reported error falls: the last is far below the first, and every tenth of the run
        // ends no higher than it began (Sinkhorn's L1 error is non-increasing up to rounding)
        assertThat(h[h.length - 1]).isLessThan(h[0] * 0.1);
        int step = Math.max(1, h.length / 10);
        for (int k = step; k < h.length; k += step) {
            assertThat(h[k]).isLessThanOrEqualTo(h[k - step] + 1e-12);
        }
        // columns are exact after every iteration
        assertThat(p.columnError()).isLessThan(1e-9);
        // the plain form cannot represent exp(-2 / 1e-4) and says so instead of returning NaN
        assertThatThrownBy(
                        () ->
                                new SinkhornSolver(cfg.withForm(SinkhornForm.PLAIN))
                                        .solveUniform(cost, rows, cols))
                .isInstanceOf(ArithmeticException.class)
                .hasMessageContaining("LOG_DOMAIN");
    }

    @Test
    void threadsGiveTheSamePlan() {
        SplittableRandom rnd = new SplittableRandom(11);
        // 4003 x 40 = 160,120 entries: enough for two threads (one per 65,536 entries)
        int rows = 4003;
        int cols = 40;
        double[] cost = uniform(rnd, rows * cols);
        for (SinkhornForm form : SinkhornForm.values()) {
            SinkhornConfig cfg = SinkhornConfig.of(form, 0.05);
            TransportPlan one = new SinkhornSolver(cfg).solveUniform(cost, rows, cols);
            TransportPlan three =
                    new SinkhornSolver(cfg.withNumThreads(3)).solveUniform(cost, rows, cols);
            double[] x = one.toArray();
            double[] y = three.toArray();
            for (int k = 0; k < x.length; k++) {
                assertThat(y[k]).isCloseTo(x[k], within(1e-12));
            }
        }
    }

    @Test
    void lcRecVariantMatchesAStraightTranscriptionOfItsAlgorithm() {
        SplittableRandom rnd = new SplittableRandom(2024);
        int b = 64;
        int k = 32;
        double[] dist = new double[b * k];
        for (int i = 0; i < dist.length; i++) {
            dist[i] = 3 + 5 * rnd.nextDouble(); // squared distances, not centred
        }
        double eps = 0.003 * 10; // 0.003 overflows exp(-d/eps) in LC-Rec's own plain loop
        TransportPlan p =
                new SinkhornSolver(SinkhornConfig.lcRec(eps, 50)).solveUniform(dist, b, k);
        double[] q = lcRecReference(dist, b, k, eps, 50);
        assertThat(p.iterations()).isEqualTo(50);
        assertThat(p.converged()).isFalse();
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < k; j++) {
                // LC-Rec's Q is scaled by B at the end; ours carries mass 1/B per row
                assertThat(p.get(i, j) * b)
                        .isCloseTo(q[i * k + j], within(1e-9 * Math.max(1, q[i * k + j])));
            }
        }
        int[] ours = p.argmaxPerRow();
        for (int i = 0; i < b; i++) {
            int best = 0;
            for (int j = 1; j < k; j++) {
                if (q[i * k + j] > q[i * k + best]) {
                    best = j;
                }
            }
            assertThat(ours[i]).isEqualTo(best);
        }
    }

    @Test
    void badInputIsRejectedWithClearMessages() {
        assertThatThrownBy(() -> SinkhornConfig.of(SinkhornForm.PLAIN, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("epsilon must be finite and > 0, found 0.0");
        assertThatThrownBy(() -> SinkhornConfig.of(SinkhornForm.PLAIN, -1))
                .hasMessageContaining("found -1.0");
        assertThatThrownBy(() -> SinkhornConfig.of(SinkhornForm.PLAIN, 1).withMaxIterations(0))
                .hasMessageContaining("maxIterations must be >= 1, found 0");
        SinkhornSolver s = new SinkhornSolver(SinkhornConfig.of(SinkhornForm.PLAIN, 0.1));
        assertThatThrownBy(() -> s.solveUniform(new double[] {0, Double.NaN, 1, 2}, 2, 2))
                .hasMessageContaining("row 0, column 1: expected a finite number, found NaN");
        assertThatThrownBy(() -> s.solveUniform(new double[3], 2, 2))
                .hasMessageContaining("expected 2x2 = 4 entries, found 3");
        assertThatThrownBy(
                        () ->
                                s.solve(
                                        new double[4],
                                        2,
                                        2,
                                        new double[] {0.5, 0.5},
                                        new double[] {0.5, 0.6}))
                .hasMessageContaining("must be equal");
        assertThatThrownBy(
                        () ->
                                s.solve(
                                        new double[4],
                                        2,
                                        2,
                                        new double[] {1, 0},
                                        new double[] {0.5, 0.5}))
                .hasMessageContaining("row marginal 1: expected a finite number > 0, found 0.0");
    }

    @Test
    void configsPrintReadably() {
        assertThat(SinkhornConfig.lcRec(0.003, 50).toString())
                .isEqualTo(
                        "SinkhornConfig(form=PLAIN, epsilon=0.003, maxIterations=50,"
                                + " tolerance=0.0, numThreads=1, centreCosts=true)");
    }

    // ------------------------------------------------------------------ helpers

    /** LC-Rec's sinkhorn_algorithm transcribed from its description (lcrec-facts 6.4). */
    private static double[] lcRecReference(double[] d, int b, int k, double eps, int iters) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double x : d) {
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        double mid = (max + min) / 2;
        double amp = max - mid + 1e-5;
        double[] q = new double[d.length];
        double total = 0;
        for (int i = 0; i < d.length; i++) {
            q[i] = Math.exp(-((d[i] - mid) / amp) / eps);
            total += q[i];
        }
        for (int i = 0; i < d.length; i++) {
            q[i] /= total;
        }
        for (int it = 0; it < iters; it++) {
            for (int i = 0; i < b; i++) {
                double s = 0;
                for (int j = 0; j < k; j++) {
                    s += q[i * k + j];
                }
                for (int j = 0; j < k; j++) {
                    q[i * k + j] = q[i * k + j] / s / b;
                }
            }
            for (int j = 0; j < k; j++) {
                double s = 0;
                for (int i = 0; i < b; i++) {
                    s += q[i * k + j];
                }
                for (int i = 0; i < b; i++) {
                    q[i * k + j] = q[i * k + j] / s / k;
                }
            }
        }
        for (int i = 0; i < d.length; i++) {
            q[i] *= b;
        }
        return q;
    }

    private static void assertMarginals(TransportPlan p, double[] a, double[] b, String what) {
        double[] r = p.rowSums();
        double[] c = p.columnSums();
        for (int i = 0; i < a.length; i++) {
            assertThat(r[i]).as(what + " row " + i).isCloseTo(a[i], within(MARGINAL_TOL));
        }
        for (int j = 0; j < b.length; j++) {
            assertThat(c[j]).as(what + " col " + j).isCloseTo(b[j], within(MARGINAL_TOL));
        }
    }

    /**
     * The entropic optimum is the unique plan with the right marginals of the form u_i K_ij v_j;
     * that form holds iff every cross ratio P_ij P_kl / (P_il P_kj) equals exp(-(C_ij + C_kl - C_il
     * - C_kj) / eps). Checked in log space on row/column pairs (i, 0) and (0, j).
     */
    private static void assertGibbsForm(TransportPlan p, double[] cost, double eps, String what) {
        int cols = p.columns();
        for (int i = 1; i < p.rows(); i++) {
            for (int j = 1; j < cols; j++) {
                double lhs =
                        Math.log(p.get(i, j))
                                + Math.log(p.get(0, 0))
                                - Math.log(p.get(i, 0))
                                - Math.log(p.get(0, j));
                double rhs = -(cost[i * cols + j] + cost[0] - cost[i * cols] - cost[j]) / eps;
                assertThat(lhs).as(what).isCloseTo(rhs, within(1e-6 * Math.max(1, Math.abs(rhs))));
            }
        }
    }

    /** Random and adversarial cost matrices: entries {rows, cols, costs...}. */
    private static Map<String, double[]> costCases(SplittableRandom rnd) {
        Map<String, double[]> m = new LinkedHashMap<>();
        m.put("random 12x7", withShape(12, 7, uniform(rnd, 84)));
        m.put("random 5x30", withShape(5, 30, uniform(rnd, 150)));
        m.put("constant 6x6", withShape(6, 6, new double[36]));
        double[] diag = new double[8 * 5];
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < 5; j++) {
                diag[i * 5 + j] = i % 5 == j ? -1 : 1;
            }
        }
        m.put("diagonal +-1 8x5", withShape(8, 5, diag));
        double[] oneRow = new double[9 * 4];
        java.util.Arrays.fill(oneRow, 1);
        for (int j = 0; j < 4; j++) {
            oneRow[j] = -1; // every column wants row 0, which has little mass to give
        }
        m.put("one cheap row 9x4", withShape(9, 4, oneRow));
        double[] checker = new double[10 * 10];
        for (int k = 0; k < checker.length; k++) {
            checker[k] = ((k / 10 + k % 10) % 2 == 0) ? 1 : -1;
        }
        m.put("checkerboard 10x10", withShape(10, 10, checker));
        double[] dup = uniform(rnd, 6);
        double[] dups = new double[7 * 6];
        for (int i = 0; i < 7; i++) {
            System.arraycopy(dup, 0, dups, i * 6, 6);
        }
        m.put("identical rows 7x6", withShape(7, 6, dups));
        double[] spiky = new double[15 * 9];
        for (int k = 0; k < spiky.length; k++) {
            double u = rnd.nextDouble() * 2 - 1;
            spiky[k] = u * u * u; // most costs near 0, a few near +-1
        }
        m.put("cubed 15x9", withShape(15, 9, spiky));
        return m;
    }

    private static double[] withShape(int rows, int cols, double[] cost) {
        double[] x = new double[cost.length + 2];
        x[0] = rows;
        x[1] = cols;
        System.arraycopy(cost, 0, x, 2, cost.length);
        return x;
    }

    private static double[] uniform(SplittableRandom rnd, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = rnd.nextDouble() * 2 - 1;
        }
        return x;
    }

    private static double[] randomMarginals(SplittableRandom rnd, int n, double total) {
        double[] x = new double[n];
        double s = 0;
        for (int i = 0; i < n; i++) {
            x[i] = 0.2 + rnd.nextDouble();
            s += x[i];
        }
        for (int i = 0; i < n; i++) {
            x[i] *= total / s;
        }
        return x;
    }
}
