package org.lcrec.inference;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Percentile bootstrap confidence intervals of a mean over users (Efron and Tibshirani, "An
 * Introduction to the Bootstrap", 1993, ch. 13): resample the users with replacement, take the
 * mean, repeat, and read the {@code (1 ± level)/2} quantiles.
 */
public final class Bootstrap {
    private Bootstrap() {}

    /**
     * @param values one value per user (non-empty)
     * @param resamples number of resamples (>= 100)
     * @param level the confidence level, e.g. 0.95
     * @param seed the seed (the same seed gives the same interval)
     * @return {@code {low, high}}
     */
    public static double[] meanInterval(double[] values, int resamples, double level, long seed) {
        if (values.length == 0) {
            throw new IllegalArgumentException("bootstrap needs at least one value");
        }
        if (resamples < 100) {
            throw new IllegalArgumentException("resamples must be >= 100, found " + resamples);
        }
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("level must be in (0, 1), found " + level);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = values.length;
        double[] means = new double[resamples];
        for (int b = 0; b < resamples; b++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += values[rnd.nextInt(n)];
            }
            means[b] = s / n;
        }
        Arrays.sort(means);
        double alpha = (1 - level) / 2;
        return new double[] {quantile(means, alpha), quantile(means, 1 - alpha)};
    }

    /** Linear interpolation between order statistics (type 7, R's default). */
    static double quantile(double[] sorted, double p) {
        double h = (sorted.length - 1) * p;
        int lo = (int) Math.floor(h);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}
