package org.lcrec.inference;

import java.util.List;
import org.lcrec.core.UnknownItemPolicy;

/**
 * How a {@link Recommender} decodes. Build with {@link #builder()}.
 *
 * @param beams beams per prompt (LC-Rec: 20); raised to {@code k} for a call asking for more
 * @param batchSize prompts decoded together by {@link Recommender#recommendAll}
 * @param constraint trie (exact) or LC-Rec's per-position sets
 * @param eosStep whether a terminal EOS step follows the last level (its log-probability counts)
 * @param eosId the EOS id for that step; -1 takes the model's {@code eos_token_id}
 * @param unknownItems what to do with history items the index lacks
 * @param excludeHistory never recommend an item of the history (default {@code false}: LC-Rec
 *     recommends from the whole catalogue). Exact inside the search: trie nodes all of whose items
 *     are in the history are never entered ({@link ItemTrie#exclude}), so the k items returned are
 *     k real, distinct items outside the history whenever the catalogue has that many (fewer when
 *     it has not). Needs {@link ConstraintMode#TRIE}; it applies to the history-based calls, not to
 *     {@link Recommender#recommendPrompts}, which knows no items
 * @param maxHistory most recent known history items a prompt keeps (0: all); a bundle sets the cap
 *     its model was trained with. Items older than the cap are still excluded under {@code
 *     excludeHistory}
 * @param templates prompt templates; empty means {@link PromptTemplate#indexOnly(int)} with the
 *     model's BOS when a decoder is wrapped directly; opening a model directory without templates
 *     takes the bundle's and fails for a directory that has none
 */
public record RecommenderConfig(
        int beams,
        int batchSize,
        ConstraintMode constraint,
        boolean eosStep,
        int eosId,
        UnknownItemPolicy unknownItems,
        boolean excludeHistory,
        int maxHistory,
        List<PromptTemplate> templates) {
    /** LC-Rec's beam count. */
    public static final int DEFAULT_BEAMS = 20;

    /**
     * Default prompts per decoder batch: enough rows (32 × 20 beams) to keep ORT's kernels busy on
     * CPU without large prefill logits.
     */
    public static final int DEFAULT_BATCH = 32;

    /** Validates. */
    public RecommenderConfig {
        if (beams < 1) {
            throw new IllegalArgumentException("beams must be >= 1, found " + beams);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, found " + batchSize);
        }
        if (constraint == null || unknownItems == null || templates == null) {
            throw new IllegalArgumentException(
                    "constraint, unknownItems and templates must not be null");
        }
        if (maxHistory < 0) {
            throw new IllegalArgumentException(
                    "maxHistory must be >= 0 (0: no cap), found " + maxHistory);
        }
        if (eosId < -1) {
            throw new IllegalArgumentException("eosId must be >= -1, found " + eosId);
        }
        if (excludeHistory && constraint != ConstraintMode.TRIE) {
            // per-position beams may spell history items or no item at all; leaving the history
            // out could only drop beams after the search, returning fewer than k items, and would
            // mix a second change into the comparison with LC-Rec's constraint
            throw new IllegalArgumentException(
                    "excludeHistory needs constraint TRIE, found "
                            + constraint
                            + ": the per-position constraint cannot prune history items inside"
                            + " the search");
        }
        templates = List.copyOf(templates);
    }

    /**
     * @return a builder with the defaults (20 beams, batch 32, trie, EOS step, fail on unknown
     *     items, history items may be recommended, index-only template)
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @return the defaults
     */
    public static RecommenderConfig defaults() {
        return builder().build();
    }

    /**
     * @param mode the constraint
     * @return a copy with that constraint
     */
    public RecommenderConfig withConstraint(ConstraintMode mode) {
        return new RecommenderConfig(
                beams,
                batchSize,
                mode,
                eosStep,
                eosId,
                unknownItems,
                excludeHistory,
                maxHistory,
                templates);
    }

    /**
     * @param n beams
     * @return a copy with that beam count
     */
    public RecommenderConfig withBeams(int n) {
        return new RecommenderConfig(
                n,
                batchSize,
                constraint,
                eosStep,
                eosId,
                unknownItems,
                excludeHistory,
                maxHistory,
                templates);
    }

    /**
     * @param v whether history items are excluded
     * @return a copy with that rule
     */
    public RecommenderConfig withExcludeHistory(boolean v) {
        return new RecommenderConfig(
                beams,
                batchSize,
                constraint,
                eosStep,
                eosId,
                unknownItems,
                v,
                maxHistory,
                templates);
    }

    /**
     * @param v most recent history items kept in a prompt (0: all)
     * @return a copy with that cap
     */
    public RecommenderConfig withMaxHistory(int v) {
        return new RecommenderConfig(
                beams,
                batchSize,
                constraint,
                eosStep,
                eosId,
                unknownItems,
                excludeHistory,
                v,
                templates);
    }

    /**
     * @param v prompt templates
     * @return a copy with those templates
     */
    public RecommenderConfig withTemplates(List<PromptTemplate> v) {
        return new RecommenderConfig(
                beams,
                batchSize,
                constraint,
                eosStep,
                eosId,
                unknownItems,
                excludeHistory,
                maxHistory,
                v);
    }

    /**
     * @return a builder holding this config's values
     */
    public Builder toBuilder() {
        return builder()
                .beams(beams)
                .batchSize(batchSize)
                .constraint(constraint)
                .eosStep(eosStep)
                .eosId(eosId)
                .unknownItems(unknownItems)
                .excludeHistory(excludeHistory)
                .maxHistory(maxHistory)
                .templates(templates);
    }

    /** Builder of {@link RecommenderConfig}. */
    public static final class Builder {
        private int beams = DEFAULT_BEAMS;
        private int batchSize = DEFAULT_BATCH;
        private ConstraintMode constraint = ConstraintMode.TRIE;
        private boolean eosStep = true;
        private int eosId = -1;
        private UnknownItemPolicy unknownItems = UnknownItemPolicy.FAIL;
        private boolean excludeHistory;
        private int maxHistory;
        private List<PromptTemplate> templates = List.of();

        private Builder() {}

        /**
         * @param v beams per prompt
         * @return this
         */
        public Builder beams(int v) {
            beams = v;
            return this;
        }

        /**
         * @param v prompts per decoder batch
         * @return this
         */
        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        /**
         * @param v the constraint
         * @return this
         */
        public Builder constraint(ConstraintMode v) {
            constraint = v;
            return this;
        }

        /**
         * @param v whether to score a terminal EOS
         * @return this
         */
        public Builder eosStep(boolean v) {
            eosStep = v;
            return this;
        }

        /**
         * @param v the EOS id (-1: the model's)
         * @return this
         */
        public Builder eosId(int v) {
            eosId = v;
            return this;
        }

        /**
         * @param v the unknown-item policy
         * @return this
         */
        public Builder unknownItems(UnknownItemPolicy v) {
            unknownItems = v;
            return this;
        }

        /**
         * @param v whether to leave history items out of the recommendations (default false)
         * @return this
         */
        public Builder excludeHistory(boolean v) {
            excludeHistory = v;
            return this;
        }

        /**
         * @param v most recent history items kept in a prompt (0, the default: all); a model
         *     trained on capped histories is best served with the same cap
         * @return this
         */
        public Builder maxHistory(int v) {
            maxHistory = v;
            return this;
        }

        /**
         * @param v prompt templates
         * @return this
         */
        public Builder templates(List<PromptTemplate> v) {
            templates = v;
            return this;
        }

        /**
         * @return the config
         */
        public RecommenderConfig build() {
            return new RecommenderConfig(
                    beams,
                    batchSize,
                    constraint,
                    eosStep,
                    eosId,
                    unknownItems,
                    excludeHistory,
                    maxHistory,
                    templates);
        }
    }
}
