package org.lcrec.inference;

import java.util.Arrays;
import java.util.List;
import org.lcrec.core.LeaveOneOut;
import org.lcrec.core.Split;

/**
 * What to evaluate. Build with {@link #builder()}.
 *
 * @param split {@link Split#TEST} (LC-Rec's headline) or {@link Split#VALID}
 * @param ks metric cut-offs, ascending (default 1, 3, 5, 10, 20)
 * @param maxHistory history cap (LC-Rec: 20; 0 = unlimited)
 * @param maxUsers evaluate only the first this many samples (0 = all; LC-Rec's --sample_num)
 * @param templates template indices to run; empty = all of the recommender's templates
 * @param bootstrapResamples resamples for the confidence intervals
 * @param confidenceLevel e.g. 0.95
 * @param seed bootstrap seed
 */
public record EvaluationConfig(
        Split split,
        int[] ks,
        int maxHistory,
        int maxUsers,
        List<Integer> templates,
        int bootstrapResamples,
        double confidenceLevel,
        long seed) {
    /** Default bootstrap resamples: the percentile interval's Monte-Carlo error is then ~0.1%. */
    public static final int DEFAULT_RESAMPLES = 1000;

    /** Validates and copies. */
    public EvaluationConfig {
        if (split == null || split == Split.TRAIN) {
            throw new IllegalArgumentException("split must be TEST or VALID, found " + split);
        }
        ks = ks.clone();
        if (ks.length == 0) {
            throw new IllegalArgumentException("at least one cut-off K is needed");
        }
        for (int i = 0; i < ks.length; i++) {
            if (ks[i] < 1 || (i > 0 && ks[i] <= ks[i - 1])) {
                throw new IllegalArgumentException(
                        "cut-offs must be >= 1 and ascending, found " + Arrays.toString(ks));
            }
        }
        if (maxHistory < 0 || maxUsers < 0) {
            throw new IllegalArgumentException(
                    "maxHistory and maxUsers must be >= 0, found " + maxHistory + ", " + maxUsers);
        }
        templates = List.copyOf(templates);
        if (bootstrapResamples < 100) {
            throw new IllegalArgumentException(
                    "bootstrapResamples must be >= 100, found " + bootstrapResamples);
        }
        if (!(confidenceLevel > 0 && confidenceLevel < 1)) {
            throw new IllegalArgumentException(
                    "confidenceLevel must be in (0, 1), found " + confidenceLevel);
        }
    }

    /**
     * @return a builder with LC-Rec's protocol (test split, history 20, all users, all templates)
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @return a copy of the cut-offs, ascending
     */
    @Override
    public int[] ks() {
        return ks.clone();
    }

    /**
     * @return the largest cut-off
     */
    public int maxK() {
        return ks[ks.length - 1];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EvaluationConfig c
                && split == c.split
                && Arrays.equals(ks, c.ks)
                && maxHistory == c.maxHistory
                && maxUsers == c.maxUsers
                && templates.equals(c.templates)
                && bootstrapResamples == c.bootstrapResamples
                && confidenceLevel == c.confidenceLevel
                && seed == c.seed;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ks) * 31 + templates.hashCode();
    }

    @Override
    public String toString() {
        return "EvaluationConfig(split="
                + split
                + ", ks="
                + Arrays.toString(ks)
                + ", maxHistory="
                + maxHistory
                + ", maxUsers="
                + maxUsers
                + ", templates="
                + (templates.isEmpty() ? "all" : templates)
                + ", bootstrap="
                + bootstrapResamples
                + ", level="
                + confidenceLevel
                + ", seed="
                + seed
                + ")";
    }

    /** Builder of {@link EvaluationConfig}. */
    public static final class Builder {
        private Split split = Split.TEST;
        private int[] ks = RankingMetrics.DEFAULT_KS;
        private int maxHistory = LeaveOneOut.DEFAULT_MAX_HISTORY;
        private int maxUsers;
        private List<Integer> templates = List.of();
        private int resamples = DEFAULT_RESAMPLES;
        private double level = 0.95;
        private long seed = 2024;

        private Builder() {}

        /**
         * @param v the split
         * @return this
         */
        public Builder split(Split v) {
            split = v;
            return this;
        }

        /**
         * @param v cut-offs
         * @return this
         */
        public Builder ks(int... v) {
            ks = v;
            return this;
        }

        /**
         * @param v history cap
         * @return this
         */
        public Builder maxHistory(int v) {
            maxHistory = v;
            return this;
        }

        /**
         * @param v sample cap (0 = all)
         * @return this
         */
        public Builder maxUsers(int v) {
            maxUsers = v;
            return this;
        }

        /**
         * @param v template indices (empty = all)
         * @return this
         */
        public Builder templates(List<Integer> v) {
            templates = v;
            return this;
        }

        /**
         * @param v bootstrap resamples
         * @return this
         */
        public Builder bootstrapResamples(int v) {
            resamples = v;
            return this;
        }

        /**
         * @param v confidence level
         * @return this
         */
        public Builder confidenceLevel(double v) {
            level = v;
            return this;
        }

        /**
         * @param v bootstrap seed
         * @return this
         */
        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /**
         * @return the config
         */
        public EvaluationConfig build() {
            return new EvaluationConfig(
                    split, ks, maxHistory, maxUsers, templates, resamples, level, seed);
        }
    }
}
