package org.lcrec.quantization.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.Test;

/**
 * The matrix-product kernel against the scalar reference. They may disagree only on near-ties: each
 * float32 score {@code |c|² - 2 x·c} of dimension {@code d} is off by at most about {@code d · 2⁻²⁴
 * · (|x|² + 2|c|²)} (first-order bound of a length-{@code d} float dot product, {@code 2|x||c| <=
 * |x|² + |c|²}), so two centres {@code a, b} can swap order only if their exact squared distances
 * differ by at most {@code TIE = 2 · d · 2⁻²⁴ · (|x|² + |c_a|² + |c_b|²)}. Every disagreement must
 * fall within that, and on data without constructed ties there must be none beyond a handful.
 */
class NearestCentresTest {
    private static final double U = Math.ulp(1.0f) / 2; // 2^-24, float32 unit round-off

    /** Clustered rows: centres N(0, spread²), rows scattered around them with N(0, 1). */
    private static float[] clustered(int n, int d, int clusters, double spread, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] centres = new float[clusters * d];
        for (int q = 0; q < centres.length; q++) {
            centres[q] = (float) (gaussian(rnd) * spread);
        }
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            int c = rnd.nextInt(clusters);
            for (int j = 0; j < d; j++) {
                x[i * d + j] = (float) (centres[c * d + j] + gaussian(rnd));
            }
        }
        return x;
    }

    private static double gaussian(SplittableRandom rnd) {
        double u = 1 - rnd.nextDouble();
        double v = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    private static int[] run(boolean matMul, float[] x, int n, int d, float[] c, int k, int t) {
        ExecutorService pool = Parallel.pool(t, "test");
        try (NearestCentres s = NearestCentres.open(matMul, d, k, n, pool)) {
            s.setCentres(c);
            int[] a = new int[n];
            Arrays.fill(a, -1);
            assertThat(s.assign(x, n, a)).as("first assignment changes everything").isTrue();
            assertThat(s.assign(x, n, a)).as("second assignment changes nothing").isFalse();
            return a;
        } finally {
            Parallel.close(pool);
        }
    }

    /** Asserts agreement up to near-ties; returns the number of (tolerated) disagreements. */
    private static int agreeUpToTies(float[] x, int n, int d, float[] c, int[] fast, int[] ref) {
        int ties = 0;
        for (int i = 0; i < n; i++) {
            if (fast[i] == ref[i]) {
                continue;
            }
            double df = Vectors.squaredDistance(x, i * d, c, fast[i] * d, d);
            double dr = Vectors.squaredDistance(x, i * d, c, ref[i] * d, d);
            double scale =
                    Vectors.dot(x, i * d, x, i * d, d)
                            + Vectors.dot(c, fast[i] * d, c, fast[i] * d, d)
                            + Vectors.dot(c, ref[i] * d, c, ref[i] * d, d);
            assertThat(Math.abs(df - dr))
                    .as("row %d: matmul chose %d, scalar %d", i, fast[i], ref[i])
                    .isLessThanOrEqualTo(2 * d * U * scale);
            ties++;
        }
        return ties;
    }

    @Test
    void matMulAgreesWithTheScalarLoopUpToFloatNearTies() {
        int d = 64;
        int k = 256;
        // n is no multiple of the 1024-row block: 3 full blocks and a tail of 517
        int n = 3 * 1024 + 517;
        float[] x = clustered(n, d, 300, 2.0, 1);
        float[] c = Arrays.copyOf(clustered(k, d, 300, 2.0, 2), k * d);
        int[] ref = run(false, x, n, d, c, k, 1);
        int[] fast = run(true, x, n, d, c, k, 1);
        assertThat(agreeUpToTies(x, n, d, c, fast, ref)).isLessThanOrEqualTo(n / 1000);
        // the thread count changes neither kernel
        assertThat(run(true, x, n, d, c, k, 2)).containsExactly(fast);
        assertThat(run(false, x, n, d, c, k, 2)).containsExactly(ref);
    }

    @Test
    void constructedNearTiesStayWithinTheStatedTolerance() {
        // every row lies (in exact arithmetic) halfway between two centres, offset by +-1e-7, far
        // from the origin: the hardest case for |c|² - 2 x·c
        int d = 32;
        int k = 16;
        int n = 500;
        SplittableRandom rnd = new SplittableRandom(7);
        float[] c = new float[k * d];
        for (int q = 0; q < c.length; q++) {
            c[q] = (float) (50 + gaussian(rnd));
        }
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            int a = rnd.nextInt(k);
            int b = (a + 1 + rnd.nextInt(k - 1)) % k;
            for (int j = 0; j < d; j++) {
                double mid = 0.5 * ((double) c[a * d + j] + c[b * d + j]);
                x[i * d + j] = (float) (mid + (rnd.nextBoolean() ? 1e-7 : -1e-7));
            }
        }
        int[] ref = run(false, x, n, d, c, k, 1);
        int[] fast = run(true, x, n, d, c, k, 1);
        // rounding decides these ties, so the kernels do disagree (232 of 500 rows here): the
        // tolerance is exercised, not just stated
        assertThat(agreeUpToTies(x, n, d, c, fast, ref)).isPositive();
    }

    @Test
    void exactTiesGoToTheLowestIndexInBothKernels() {
        int d = 3;
        // centres 1 and 3 are the same point; centre 0 is far away
        float[] c = {9, 9, 9, 1, 0, 0, 5, 5, 5, 1, 0, 0};
        float[] x = {1, 0, 0, 1, 0.25f, 0, 8, 8, 8};
        for (boolean matMul : new boolean[] {false, true}) {
            assertThat(run(matMul, x, 3, d, c, 4, 1))
                    .as("matMul=" + matMul)
                    .containsExactly(1, 1, 0);
        }
    }

    @Test
    void moreCentresThanRowsAndBlocksSmallerThanK() {
        int d = 8;
        int k = 5000; // k > n, and 2^18 / k < 64: the block has the minimum 64 rows
        int n = 150; // two full blocks of 64 and a tail of 22
        float[] x = clustered(n, d, 10, 3.0, 4);
        float[] c = clustered(k, d, 10, 3.0, 5);
        assertThat(MatMulNearestCentres.blockRows(k, n)).isEqualTo(64);
        int[] ref = run(false, x, n, d, c, k, 1);
        int[] fast = run(true, x, n, d, c, k, 2);
        agreeUpToTies(x, n, d, c, fast, ref);
        // a single row against many centres: the block shrinks to one row
        assertThat(MatMulNearestCentres.blockRows(k, 1)).isEqualTo(1);
        assertThat(run(true, x, 1, d, c, k, 1)[0]).isEqualTo(ref[0]);
    }

    @Test
    void blockRowsFollowK() {
        assertThat(MatMulNearestCentres.blockRows(256, 1_000_000)).isEqualTo(1024);
        assertThat(MatMulNearestCentres.blockRows(8, 1_000_000)).isEqualTo(8192);
        assertThat(MatMulNearestCentres.blockRows(256, 100)).isEqualTo(100);
    }

    @Test
    void reuseWithNewCentresAndMisuseIsReported() {
        int d = 4;
        float[] x = clustered(300, d, 3, 5.0, 8);
        float[] c1 = Arrays.copyOf(x, 3 * d);
        float[] c2 = Arrays.copyOfRange(x, 30 * d, 33 * d);
        NearestCentres s = NearestCentres.open(true, d, 3, 300, null);
        assertThatThrownBy(() -> s.assign(x, 300, new int[300]))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("nearest centre: no centres set");
        assertThatThrownBy(() -> s.setCentres(new float[5]))
                .hasMessage("nearest centre: expected 3x4 centres, found 5");
        int[] a = new int[300];
        s.setCentres(c1);
        s.assign(x, 300, a);
        assertThat(a).containsExactly(run(false, x, 300, d, c1, 3, 1));
        s.setCentres(c2);
        s.assign(x, 300, a);
        assertThat(a).containsExactly(run(false, x, 300, d, c2, 3, 1));
        s.close();
        s.close(); // idempotent
        assertThatThrownBy(() -> s.assign(x, 300, a))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("nearest centre search is closed");
    }
}
