package org.lcrec.quantization.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.Test;

class KMeansTest {
    /** {@code clusters} centres N(0, spread²) in d dimensions, rows around them with N(0, 1). */
    private static float[] blobs(int n, int d, int clusters, double spread, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] centres = new float[clusters * d];
        for (int q = 0; q < centres.length; q++) {
            centres[q] = (float) ((rnd.nextDouble() * 2 - 1) * spread);
        }
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            int c = i % clusters;
            for (int j = 0; j < d; j++) {
                x[i * d + j] = (float) (centres[c * d + j] + rnd.nextDouble() * 2 - 1);
            }
        }
        return x;
    }

    private static KMeans.Result fit(
            float[] x, int n, int d, int k, boolean matMul, int threads, long seed) {
        ExecutorService pool = Parallel.pool(threads, "kmeans-test");
        try {
            return KMeans.fit(x, n, d, k, 30, false, 0.01, matMul, seed, pool);
        } finally {
            Parallel.close(pool);
        }
    }

    @Test
    void bothKernelsGiveTheSameCentresOnSeparatedClusters() {
        // 8 far-apart blobs: no two centres are ever within float rounding of a point's distance
        float[] x = blobs(2000, 16, 8, 50, 3);
        KMeans.Result scalar = fit(x, 2000, 16, 8, false, 1, 11);
        KMeans.Result matMul = fit(x, 2000, 16, 8, true, 1, 11);
        assertThat(matMul).isEqualTo(scalar);
        assertThat(matMul.iterations()).isLessThan(30);
    }

    @Test
    void threadCountDoesNotChangeTheResultBeyondOnePlusPlusChunk() {
        // 10,000 points: k-means++ sums its weights over 3 chunks of 4096, split over 2 threads
        int n = 10_000;
        float[] x = blobs(n, 8, 40, 5, 4);
        assertThat(n).isGreaterThan(2 * KMeans.PLUS_PLUS_CHUNK);
        for (boolean matMul : new boolean[] {false, true}) {
            KMeans.Result one = fit(x, n, 8, 32, matMul, 1, 5);
            KMeans.Result two = fit(x, n, 8, 32, matMul, 2, 5);
            assertThat(two).as("matMul=" + matMul).isEqualTo(one);
            assertThat(fit(x, n, 8, 32, matMul, 1, 6).centroids())
                    .as("another seed")
                    .isNotEqualTo(one.centroids());
        }
    }

    @Test
    void inertiaIsTheSumOfSquaredDistancesToTheAssignedCentres() {
        float[] x = blobs(999, 5, 7, 4, 9);
        KMeans.Result r = fit(x, 999, 5, 7, true, 2, 1);
        double sum = 0;
        for (int i = 0; i < 999; i++) {
            sum += Vectors.squaredDistance(x, i * 5, r.centroids(), r.assignment()[i] * 5, 5);
        }
        assertThat(r.inertia()).isEqualTo(sum);
    }

    @Test
    void nanAndOversizedValuesAreRejectedByName() {
        float[] x = blobs(50, 4, 2, 3, 1);
        x[3 * 4 + 1] = Float.NaN;
        for (boolean matMul : new boolean[] {false, true}) {
            assertThatThrownBy(() -> fit(x, 50, 4, 2, matMul, 1, 1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(
                            "k-means: point 3, dimension 1: expected a finite number, found NaN");
        }
        x[3 * 4 + 1] = Float.NEGATIVE_INFINITY;
        assertThatThrownBy(() -> fit(x, 50, 4, 2, true, 1, 1))
                .hasMessage(
                        "k-means: point 3, dimension 1: expected a finite number, found -Infinity");
        // finite but too large to square in float32: only the matrix kernel refuses
        x[3 * 4 + 1] = 3e20f;
        assertThatThrownBy(() -> fit(x, 50, 4, 2, true, 1, 1))
                .hasMessage(
                        "k-means: point 3, dimension 1: expected a magnitude <= 1.0E15 (float32"
                                + " matrix-product distances; DistanceKernel.SCALAR takes any"
                                + " finite value), found 3.0E20");
        assertThat(fit(x, 50, 4, 2, false, 1, 1).assignment()).hasSize(50);
    }

    @Test
    void fewerPointsThanCentresIsRejected() {
        float[] x = blobs(5, 3, 1, 1, 1);
        assertThatThrownBy(() -> fit(x, 5, 3, 8, true, 1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("k-means: fewer points (5) than centres (8)");
        // k = n: every point its own centre
        KMeans.Result r = fit(x, 5, 3, 5, true, 1, 1);
        assertThat(r.inertia()).isZero();
        assertThat(r.assignment()).doesNotHaveDuplicates();
    }
}
