package org.lcrec.spark;

import java.io.Serializable;
import java.util.Objects;
import org.lcrec.core.UnknownItemPolicy;
import org.lcrec.inference.ModelBundle;
import org.lcrec.inference.RecommenderConfig;

/**
 * How {@link BatchRecommender} and {@link DistributedEvaluator} decode: the bundle's own decoding
 * ({@link ModelBundle#recommenderConfig()}) with the changes given here. Build with {@link
 * #builder()}.
 *
 * @param k items per user (for evaluation, the protocol's largest cut-off is used instead)
 * @param template which of the bundle's prompt templates (evaluation runs the protocol's templates)
 * @param beams beams per prompt; 0 keeps the bundle's
 * @param batchSize prompts decoded together; a task decodes its partition {@code batchSize} users
 *     at a time
 * @param unknownItems history items the index lacks: {@link UnknownItemPolicy#FAIL} (the
 *     Recommender's default) fails the task, and so the job, naming the user; {@link
 *     UnknownItemPolicy#SKIP} leaves them out and reports them in the output
 * @param excludeHistory never recommend a history item; the bundle's rule applies when this is
 *     {@code false} (as in {@code lcrec recommend})
 * @param maxHistory most recent known items a prompt keeps; -1 keeps the bundle's cap, 0 means all
 * @param intraOpThreads ONNX Runtime threads per decoding call; a node running {@code c} tasks at
 *     once uses about {@code c × intraOpThreads} cores
 * @param userColumn the input column of user ids (any type, read as a string)
 * @param historyColumn the input column of histories: an array of item ids, oldest first
 */
public record BatchRecommendConfig(
        int k,
        int template,
        int beams,
        int batchSize,
        UnknownItemPolicy unknownItems,
        boolean excludeHistory,
        int maxHistory,
        int intraOpThreads,
        String userColumn,
        String historyColumn)
        implements Serializable {
    /** Validates. */
    public BatchRecommendConfig {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, found " + k);
        }
        if (template < 0) {
            throw new IllegalArgumentException("template must be >= 0, found " + template);
        }
        if (beams < 0) {
            throw new IllegalArgumentException(
                    "beams must be >= 0 (0: the bundle's), found " + beams);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, found " + batchSize);
        }
        Objects.requireNonNull(unknownItems, "unknownItems");
        if (maxHistory < -1) {
            throw new IllegalArgumentException(
                    "maxHistory must be >= -1 (-1: the bundle's, 0: all), found " + maxHistory);
        }
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException(
                    "intraOpThreads must be >= 1, found " + intraOpThreads);
        }
        Objects.requireNonNull(userColumn, "userColumn");
        Objects.requireNonNull(historyColumn, "historyColumn");
    }

    /**
     * @return a builder with the defaults: k 10, template 0, the bundle's beams and history cap,
     *     batch {@value RecommenderConfig#DEFAULT_BATCH}, fail on unknown items, one ORT thread,
     *     columns {@code user} and {@code history}
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @return the defaults
     */
    public static BatchRecommendConfig defaults() {
        return builder().build();
    }

    /**
     * The single-JVM {@link RecommenderConfig} these settings amount to for a bundle: what each
     * executor opens, and what a single-JVM run must use to compare with it.
     *
     * @param bundle the bundle
     * @return its decoding with these changes
     */
    public RecommenderConfig recommenderConfig(ModelBundle bundle) {
        RecommenderConfig base = bundle.recommenderConfig();
        RecommenderConfig.Builder b =
                base.toBuilder()
                        .batchSize(batchSize)
                        .unknownItems(unknownItems)
                        .excludeHistory(excludeHistory || base.excludeHistory());
        if (beams > 0) {
            b.beams(beams);
        }
        if (maxHistory >= 0) {
            b.maxHistory(maxHistory);
        }
        return b.build();
    }

    /**
     * @return the settings that change what a recommender decodes (all but k, template and the
     *     columns), as a cache key
     */
    String decodingKey() {
        return "beams="
                + beams
                + " batch="
                + batchSize
                + " unknown="
                + unknownItems
                + " exclude="
                + excludeHistory
                + " maxHistory="
                + maxHistory
                + " threads="
                + intraOpThreads;
    }

    /**
     * @param v items per user
     * @return a copy with that k
     */
    public BatchRecommendConfig withK(int v) {
        return toBuilder().k(v).build();
    }

    /**
     * @param v the unknown-item policy
     * @return a copy with that policy
     */
    public BatchRecommendConfig withUnknownItems(UnknownItemPolicy v) {
        return toBuilder().unknownItems(v).build();
    }

    /**
     * @param v ORT threads per decoding call
     * @return a copy with that thread count
     */
    public BatchRecommendConfig withIntraOpThreads(int v) {
        return toBuilder().intraOpThreads(v).build();
    }

    /**
     * @return a builder holding these values
     */
    public Builder toBuilder() {
        return builder()
                .k(k)
                .template(template)
                .beams(beams)
                .batchSize(batchSize)
                .unknownItems(unknownItems)
                .excludeHistory(excludeHistory)
                .maxHistory(maxHistory)
                .intraOpThreads(intraOpThreads)
                .userColumn(userColumn)
                .historyColumn(historyColumn);
    }

    @Override
    public String toString() {
        return "BatchRecommendConfig(k="
                + k
                + ", template="
                + template
                + ", beams="
                + (beams == 0 ? "bundle's" : Integer.toString(beams))
                + ", batchSize="
                + batchSize
                + ", unknownItems="
                + unknownItems
                + ", excludeHistory="
                + (excludeHistory ? "true" : "bundle's")
                + ", maxHistory="
                + (maxHistory < 0 ? "bundle's" : Integer.toString(maxHistory))
                + ", intraOpThreads="
                + intraOpThreads
                + ", columns="
                + userColumn
                + ","
                + historyColumn
                + ")";
    }

    /** Builder of {@link BatchRecommendConfig}. */
    public static final class Builder {
        private int k = 10;
        private int template;
        private int beams;
        private int batchSize = RecommenderConfig.DEFAULT_BATCH;
        private UnknownItemPolicy unknownItems = UnknownItemPolicy.FAIL;
        private boolean excludeHistory;
        private int maxHistory = -1;
        private int intraOpThreads = 1;
        private String userColumn = "user";
        private String historyColumn = "history";

        private Builder() {}

        /**
         * @param v items per user
         * @return this
         */
        public Builder k(int v) {
            k = v;
            return this;
        }

        /**
         * @param v template index
         * @return this
         */
        public Builder template(int v) {
            template = v;
            return this;
        }

        /**
         * @param v beams (0: the bundle's)
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
         * @param v the unknown-item policy
         * @return this
         */
        public Builder unknownItems(UnknownItemPolicy v) {
            unknownItems = v;
            return this;
        }

        /**
         * @param v whether history items are excluded (false: the bundle's rule)
         * @return this
         */
        public Builder excludeHistory(boolean v) {
            excludeHistory = v;
            return this;
        }

        /**
         * @param v history cap (-1: the bundle's; 0: all)
         * @return this
         */
        public Builder maxHistory(int v) {
            maxHistory = v;
            return this;
        }

        /**
         * @param v ORT threads per decoding call
         * @return this
         */
        public Builder intraOpThreads(int v) {
            intraOpThreads = v;
            return this;
        }

        /**
         * @param v the user column
         * @return this
         */
        public Builder userColumn(String v) {
            userColumn = v;
            return this;
        }

        /**
         * @param v the history column
         * @return this
         */
        public Builder historyColumn(String v) {
            historyColumn = v;
            return this;
        }

        /**
         * @return the config
         */
        public BatchRecommendConfig build() {
            return new BatchRecommendConfig(
                    k,
                    template,
                    beams,
                    batchSize,
                    unknownItems,
                    excludeHistory,
                    maxHistory,
                    intraOpThreads,
                    userColumn,
                    historyColumn);
        }
    }
}
