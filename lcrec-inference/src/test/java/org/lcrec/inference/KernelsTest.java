package org.lcrec.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.lcrec.inference.internal.LogitKernels;
import org.lcrec.inference.internal.TopK;

class KernelsTest {
    @Test
    void fastExpWithin5e7RelativeOfMathExp() {
        for (double t = -80; t <= 0; t += 0.001) {
            double e = Math.exp(t);
            assertThat((double) LogitKernels.exp((float) t))
                    .isCloseTo(Math.exp((float) t), within(5e-7 * e));
        }
        assertThat(LogitKernels.exp(-1000f)).isLessThan(1e-37f);
    }

    @Test
    void logSumExpMatchesDoubleReference() {
        SplittableRandom r = new SplittableRandom(7);
        for (int n : new int[] {1, 3, 17, 1000, 32000}) {
            float[] x = new float[n + 5];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (r.nextGaussian() * 6 + 30);
            }
            double m = Double.NEGATIVE_INFINITY;
            for (int i = 5; i < n + 5; i++) {
                m = Math.max(m, x[i]);
            }
            double s = 0;
            for (int i = 5; i < n + 5; i++) {
                s += Math.exp(x[i] - m);
            }
            double expected = m + Math.log(s);
            assertThat((double) LogitKernels.logSumExp(x, 5, n)).isCloseTo(expected, within(1e-5));
            assertThat((double) LogitKernels.max(x, 5, n)).isEqualTo(m);
        }
    }

    @Test
    void topKKeepsTheBestWithTiesToTheSmallerKey() {
        SplittableRandom r = new SplittableRandom(3);
        TopK top = new TopK(20);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + r.nextInt(300);
            int k = 1 + r.nextInt(20);
            float[] s = new float[n];
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                s[i] = r.nextInt(10) - 5; // many ties
                order[i] = i;
            }
            top.reset(k);
            for (int i = 0; i < n; i++) {
                top.offer(s[i], i);
            }
            Arrays.sort(
                    order,
                    Comparator.<Integer>comparingDouble(i -> -s[i]).thenComparingInt(i -> i));
            float[] gotS = new float[k];
            long[] gotK = new long[k];
            int m = top.drainBestFirst(gotS, gotK);
            assertThat(m).isEqualTo(Math.min(k, n));
            for (int i = 0; i < m; i++) {
                assertThat(gotK[i]).isEqualTo(order[i].longValue());
                assertThat(gotS[i]).isEqualTo(s[order[i]]);
            }
        }
    }
}
