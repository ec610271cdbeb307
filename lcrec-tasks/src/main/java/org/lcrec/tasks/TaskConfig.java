package org.lcrec.tasks;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.lcrec.core.LeaveOneOut;

/**
 * How samples are drawn, with LC-Rec's controls. Immutable; build with {@link #builder()}.
 *
 * @param seed the seed of every random choice (same seed → same samples in the same order)
 * @param maxHistory history cap, most recent items kept ({@code --max_his_len}; 0 = unlimited)
 * @param separator text between history items ({@code --his_sep})
 * @param numbered whether history items are numbered {@code "1. "}, {@code "2. "}, ... ({@code
 *     --add_prefix})
 * @param promptSampleNum task → training copies per example, each with a freshly drawn template
 *     ({@code --train_prompt_sample_num}); absent = 1
 * @param sampleNum task → number of training examples kept, drawn without replacement before the
 *     copies ({@code --train_data_sample_num}); absent or 0 = all
 * @param evalTemplates task → template ids used for validation and test (one sample per example per
 *     id); absent or empty = every template of the task
 */
public record TaskConfig(
        long seed,
        int maxHistory,
        String separator,
        boolean numbered,
        Map<TaskType, Integer> promptSampleNum,
        Map<TaskType, Integer> sampleNum,
        Map<TaskType, List<Integer>> evalTemplates) {

    /** LC-Rec's seed. */
    public static final long DEFAULT_SEED = 42;

    /** LC-Rec's history separator. */
    public static final String DEFAULT_SEPARATOR = ", ";

    /** Validates and copies the maps. */
    public TaskConfig {
        if (maxHistory < 0) {
            throw new IllegalArgumentException(
                    "maxHistory must be >= 0 (0 = unlimited), found " + maxHistory);
        }
        Objects.requireNonNull(separator, "separator");
        promptSampleNum = copy(promptSampleNum);
        sampleNum = copy(sampleNum);
        promptSampleNum.forEach(
                (t, n) -> {
                    if (n == null || n < 1) {
                        throw new IllegalArgumentException(
                                "promptSampleNum for " + t.id() + " must be >= 1, found " + n);
                    }
                });
        sampleNum.forEach(
                (t, n) -> {
                    if (n == null || n < 0) {
                        throw new IllegalArgumentException(
                                "sampleNum for " + t.id() + " must be >= 0 (0 = all), found " + n);
                    }
                });
        EnumMap<TaskType, List<Integer>> ev = new EnumMap<>(TaskType.class);
        evalTemplates.forEach(
                (t, ids) -> {
                    for (Integer id : ids) {
                        if (id == null || id < 0) {
                            throw new IllegalArgumentException(
                                    "evalTemplates for "
                                            + t.id()
                                            + ": ids must be >= 0, found "
                                            + ids);
                        }
                    }
                    ev.put(t, List.copyOf(ids));
                });
        evalTemplates = Collections.unmodifiableMap(ev);
    }

    private static Map<TaskType, Integer> copy(Map<TaskType, Integer> m) {
        EnumMap<TaskType, Integer> c = new EnumMap<>(TaskType.class);
        c.putAll(m);
        return Collections.unmodifiableMap(c);
    }

    /**
     * @return LC-Rec's defaults: seed 42, history cap 20, separator {@code ", "}, no numbering, one
     *     copy per example, no subsampling, all templates for evaluation
     */
    public static TaskConfig defaults() {
        return builder().build();
    }

    /**
     * @return a builder starting from the defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @return a builder starting from this configuration
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.seed = seed;
        b.maxHistory = maxHistory;
        b.separator = separator;
        b.numbered = numbered;
        b.promptSampleNum.putAll(promptSampleNum);
        b.sampleNum.putAll(sampleNum);
        b.evalTemplates.putAll(evalTemplates);
        return b;
    }

    /**
     * @param newSeed a seed
     * @return a copy with that seed
     */
    public TaskConfig withSeed(long newSeed) {
        return toBuilder().seed(newSeed).build();
    }

    /**
     * @param newMaxHistory a history cap (0 = unlimited)
     * @return a copy with that cap
     */
    public TaskConfig withMaxHistory(int newMaxHistory) {
        return toBuilder().maxHistory(newMaxHistory).build();
    }

    /**
     * @param task a task
     * @return training copies per example for it
     */
    public int promptSampleNum(TaskType task) {
        return promptSampleNum.getOrDefault(task, 1);
    }

    /**
     * @param task a task
     * @return training examples kept for it (0 = all)
     */
    public int sampleNum(TaskType task) {
        return sampleNum.getOrDefault(task, 0);
    }

    /**
     * @param task a task
     * @return template ids for validation and test (empty = all)
     */
    public List<Integer> evalTemplates(TaskType task) {
        return evalTemplates.getOrDefault(task, List.of());
    }

    /**
     * @return the leave-one-out split with this configuration's history cap
     */
    public LeaveOneOut split() {
        return new LeaveOneOut(maxHistory);
    }

    @Override
    public String toString() {
        return "TaskConfig(seed="
                + seed
                + ", maxHistory="
                + (maxHistory == 0 ? "unlimited" : maxHistory)
                + ", separator=\""
                + separator.replace("\n", "\\n")
                + "\", numbered="
                + numbered
                + ", promptSampleNum="
                + promptSampleNum
                + ", sampleNum="
                + sampleNum
                + ", evalTemplates="
                + evalTemplates
                + ")";
    }

    /** Builds a {@link TaskConfig}; every setter returns this builder. */
    public static final class Builder {
        private long seed = DEFAULT_SEED;
        private int maxHistory = LeaveOneOut.DEFAULT_MAX_HISTORY;
        private String separator = DEFAULT_SEPARATOR;
        private boolean numbered;
        private final Map<TaskType, Integer> promptSampleNum = new EnumMap<>(TaskType.class);
        private final Map<TaskType, Integer> sampleNum = new EnumMap<>(TaskType.class);
        private final Map<TaskType, List<Integer>> evalTemplates = new EnumMap<>(TaskType.class);

        private Builder() {}

        /**
         * @param value the seed
         * @return this builder
         */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /**
         * @param value the history cap (0 = unlimited)
         * @return this builder
         */
        public Builder maxHistory(int value) {
            this.maxHistory = value;
            return this;
        }

        /**
         * @param value the separator between history items
         * @return this builder
         */
        public Builder separator(String value) {
            this.separator = value;
            return this;
        }

        /**
         * @param value whether to number history items
         * @return this builder
         */
        public Builder numbered(boolean value) {
            this.numbered = value;
            return this;
        }

        /**
         * @param task a task
         * @param copies training copies per example (>= 1)
         * @return this builder
         */
        public Builder promptSampleNum(TaskType task, int copies) {
            promptSampleNum.put(task, copies);
            return this;
        }

        /**
         * @param task a task
         * @param examples training examples to keep (0 = all)
         * @return this builder
         */
        public Builder sampleNum(TaskType task, int examples) {
            sampleNum.put(task, examples);
            return this;
        }

        /**
         * @param task a task
         * @param ids template ids for validation and test (empty = all)
         * @return this builder
         */
        public Builder evalTemplates(TaskType task, List<Integer> ids) {
            evalTemplates.put(task, List.copyOf(ids));
            return this;
        }

        /**
         * @return the configuration
         */
        public TaskConfig build() {
            return new TaskConfig(
                    seed,
                    maxHistory,
                    separator,
                    numbered,
                    promptSampleNum,
                    sampleNum,
                    evalTemplates);
        }
    }
}
