package org.lcrec.model;

import java.util.List;
import java.util.Objects;
import org.lcrec.inference.DecoderOptions;
import org.lcrec.model.llm.LlamaPreset;
import org.lcrec.onnx.runtime.SessionConfig;
import org.lcrec.tasks.TaskType;

/**
 * How {@link RecommenderTrainer} trains a generative recommender from scratch. The defaults are the
 * recipe measured in docs/quality.md for the synthetic dataset: the seqrec task in the sequence
 * form (one user window per example), the compact vocabulary, cosine decay after a short warmup,
 * dropout 0.2, the best checkpoint by validation NDCG@10 on a seeded sample of users.
 *
 * @param tasks the instruction tasks (LC-Rec's names: seqrec, item2index, index2item, ...)
 * @param sequenceForm seqrec as one example per user window (loss on every target) instead of one
 *     prompt/response sample per target
 * @param model the model preset ({@code cpu-tiny}, {@code cpu-small}, ...)
 * @param epochs training epochs
 * @param learningRate peak learning rate
 * @param batchSize examples per optimiser step
 * @param maxLength longest example in tokens (longer ones are cut or left out by the trainer)
 * @param maxSamples at most this many task samples (0: all)
 * @param maxHistory most recent history items per prompt and window
 * @param beams beams at validation and in the bundle's decoding
 * @param templates seqrec template ids for the samples form's prompts (the sequence form has its
 *     own template)
 * @param validUsers users in the seeded validation sample (0: all)
 * @param evaluateEvery validation every this many steps (0: once per epoch)
 * @param patience stop after this many validations without improvement (0: never)
 * @param keepLast bundle the last checkpoint instead of the one with the best validation NDCG@10
 *     (validation still runs and is reported); for a schedule that decays to zero, where a small
 *     validation sample picks among nearly equal checkpoints by noise. Needs {@code patience} 0
 * @param dropout hidden dropout
 * @param weightDecay AdamW weight decay
 * @param warmupRatio share of the steps spent warming up the learning rate
 * @param excludeHistory whether history items are barred from recommendations (validation and the
 *     bundle's default)
 * @param compactVocabulary keep only the tokens the training texts use (a from-scratch model needs
 *     no embedding rows for the rest)
 * @param seed seed of the model, the data order, dropout and the validation sample
 * @param session ONNX Runtime session for training (one intra-op thread by default: with two, the
 *     same seed trained different models)
 * @param decoder decoder options for validation
 * @param optimizerThreads threads of the optimiser update
 */
public record RecommenderTrainerConfig(
        List<TaskType> tasks,
        boolean sequenceForm,
        String model,
        int epochs,
        double learningRate,
        int batchSize,
        int maxLength,
        int maxSamples,
        int maxHistory,
        int beams,
        List<Integer> templates,
        int validUsers,
        int evaluateEvery,
        int patience,
        boolean keepLast,
        double dropout,
        double weightDecay,
        double warmupRatio,
        boolean excludeHistory,
        boolean compactVocabulary,
        long seed,
        SessionConfig session,
        DecoderOptions decoder,
        int optimizerThreads) {

    /** Validates. */
    public RecommenderTrainerConfig {
        Objects.requireNonNull(tasks, "tasks");
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("tasks: expected at least one task, found none");
        }
        tasks = List.copyOf(tasks);
        Objects.requireNonNull(model, "model");
        LlamaPreset.byName(model);
        check(epochs >= 1, "epochs", ">= 1", epochs);
        check(
                learningRate > 0 && Double.isFinite(learningRate),
                "learningRate",
                "> 0",
                learningRate);
        check(batchSize >= 1, "batchSize", ">= 1", batchSize);
        check(maxLength >= 16, "maxLength", ">= 16", maxLength);
        check(maxSamples >= 0, "maxSamples", ">= 0", maxSamples);
        check(maxHistory >= 1, "maxHistory", ">= 1", maxHistory);
        check(beams >= 1, "beams", ">= 1", beams);
        Objects.requireNonNull(templates, "templates");
        check(!templates.isEmpty(), "templates", "at least one seqrec template id", templates);
        templates = List.copyOf(templates);
        check(validUsers >= 0, "validUsers", ">= 0", validUsers);
        check(evaluateEvery >= 0, "evaluateEvery", ">= 0", evaluateEvery);
        check(patience >= 0, "patience", ">= 0", patience);
        check(
                !keepLast || patience == 0,
                "patience",
                "0 when keepLast is set (early stopping keeps the best checkpoint)",
                patience);
        check(dropout >= 0 && dropout < 1, "dropout", "in [0, 1)", dropout);
        check(weightDecay >= 0 && Double.isFinite(weightDecay), "weightDecay", ">= 0", weightDecay);
        check(warmupRatio >= 0 && warmupRatio < 1, "warmupRatio", "in [0, 1)", warmupRatio);
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(decoder, "decoder");
        check(optimizerThreads >= 1, "optimizerThreads", ">= 1", optimizerThreads);
    }

    private static void check(boolean ok, String field, String expected, Object found) {
        if (!ok) {
            throw new IllegalArgumentException(
                    "RecommenderTrainerConfig."
                            + field
                            + ": expected "
                            + expected
                            + ", found "
                            + found);
        }
    }

    @Override
    public String toString() {
        return String.format(
                java.util.Locale.ROOT,
                "RecommenderTrainerConfig(tasks=%s, sequenceForm=%s, model=%s, epochs=%d, lr=%s,"
                        + " batchSize=%d, maxLength=%d, maxSamples=%d, maxHistory=%d, beams=%d,"
                        + " templates=%s, validUsers=%d, evaluateEvery=%d, patience=%d,"
                        + " keepLast=%s, dropout=%s,"
                        + " weightDecay=%s, warmupRatio=%s, excludeHistory=%s,"
                        + " compactVocabulary=%s, seed=%d, session=%s, decoder=%s,"
                        + " optimizerThreads=%d)",
                tasks,
                sequenceForm,
                model,
                epochs,
                learningRate,
                batchSize,
                maxLength,
                maxSamples,
                maxHistory,
                beams,
                templates,
                validUsers,
                evaluateEvery,
                patience,
                keepLast,
                dropout,
                weightDecay,
                warmupRatio,
                excludeHistory,
                compactVocabulary,
                seed,
                session,
                decoder,
                optimizerThreads);
    }

    /**
     * @return the defaults (see the class comment)
     */
    public static RecommenderTrainerConfig defaults() {
        return builder().build();
    }

    /**
     * @return a builder starting from the defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @return a builder starting from this config
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.tasks = tasks;
        b.sequenceForm = sequenceForm;
        b.model = model;
        b.epochs = epochs;
        b.learningRate = learningRate;
        b.batchSize = batchSize;
        b.maxLength = maxLength;
        b.maxSamples = maxSamples;
        b.maxHistory = maxHistory;
        b.beams = beams;
        b.templates = templates;
        b.validUsers = validUsers;
        b.evaluateEvery = evaluateEvery;
        b.patience = patience;
        b.keepLast = keepLast;
        b.dropout = dropout;
        b.weightDecay = weightDecay;
        b.warmupRatio = warmupRatio;
        b.excludeHistory = excludeHistory;
        b.compactVocabulary = compactVocabulary;
        b.seed = seed;
        b.session = session;
        b.decoder = decoder;
        b.optimizerThreads = optimizerThreads;
        return b;
    }

    /** Builder of {@link RecommenderTrainerConfig}; every field starts at its default. */
    public static final class Builder {
        private List<TaskType> tasks = List.of(TaskType.SEQREC);
        private boolean sequenceForm = true;
        private String model = LlamaPreset.CPU_TINY.cliName();
        private int epochs = 20;
        private double learningRate = 2e-3;
        private int batchSize = 64;
        private int maxLength = 512;
        private int maxSamples;
        private int maxHistory = 20;
        private int beams = 20;
        private List<Integer> templates = List.of(0);
        private int validUsers = 500;
        private int evaluateEvery;
        private int patience = 5;
        private boolean keepLast;
        private double dropout = 0.2;
        private double weightDecay = 0.01;
        private double warmupRatio = 0.01;
        private boolean excludeHistory;
        private boolean compactVocabulary = true;
        private long seed = 42;
        private SessionConfig session = SessionConfig.cpu().withIntraOpThreads(1);
        private DecoderOptions decoder = DecoderOptions.cpu();
        private int optimizerThreads = 2;

        private Builder() {}

        /**
         * @param v the tasks @return this
         */
        public Builder tasks(List<TaskType> v) {
            tasks = v;
            return this;
        }

        /**
         * @param v the tasks, by name @return this
         */
        public Builder tasks(TaskType... v) {
            tasks = List.of(v);
            return this;
        }

        /**
         * @param v whether seqrec trains in the sequence form @return this
         */
        public Builder sequenceForm(boolean v) {
            sequenceForm = v;
            return this;
        }

        /**
         * @param v the model preset ({@code cpu-tiny}, {@code cpu-small}, ...) @return this
         */
        public Builder model(String v) {
            model = v;
            return this;
        }

        /**
         * @param v epochs @return this
         */
        public Builder epochs(int v) {
            epochs = v;
            return this;
        }

        /**
         * @param v peak learning rate @return this
         */
        public Builder learningRate(double v) {
            learningRate = v;
            return this;
        }

        /**
         * @param v examples per step @return this
         */
        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        /**
         * @param v longest example in tokens @return this
         */
        public Builder maxLength(int v) {
            maxLength = v;
            return this;
        }

        /**
         * @param v at most this many task samples (0: all) @return this
         */
        public Builder maxSamples(int v) {
            maxSamples = v;
            return this;
        }

        /**
         * @param v most recent history items per prompt @return this
         */
        public Builder maxHistory(int v) {
            maxHistory = v;
            return this;
        }

        /**
         * @param v beams @return this
         */
        public Builder beams(int v) {
            beams = v;
            return this;
        }

        /**
         * @param v seqrec template ids (samples form) @return this
         */
        public Builder templates(List<Integer> v) {
            templates = v;
            return this;
        }

        /**
         * @param v validation users (0: all) @return this
         */
        public Builder validUsers(int v) {
            validUsers = v;
            return this;
        }

        /**
         * @param v validation every this many steps (0: per epoch) @return this
         */
        public Builder evaluateEvery(int v) {
            evaluateEvery = v;
            return this;
        }

        /**
         * @param v early-stopping patience in validations (0: none) @return this
         */
        public Builder patience(int v) {
            patience = v;
            return this;
        }

        /**
         * @param v bundle the last checkpoint rather than the best-validated one (needs patience 0)
         * @return this
         */
        public Builder keepLast(boolean v) {
            keepLast = v;
            return this;
        }

        /**
         * @param v hidden dropout @return this
         */
        public Builder dropout(double v) {
            dropout = v;
            return this;
        }

        /**
         * @param v weight decay @return this
         */
        public Builder weightDecay(double v) {
            weightDecay = v;
            return this;
        }

        /**
         * @param v warmup share @return this
         */
        public Builder warmupRatio(double v) {
            warmupRatio = v;
            return this;
        }

        /**
         * @param v whether history items are barred @return this
         */
        public Builder excludeHistory(boolean v) {
            excludeHistory = v;
            return this;
        }

        /**
         * @param v whether to keep only the tokens the texts use @return this
         */
        public Builder compactVocabulary(boolean v) {
            compactVocabulary = v;
            return this;
        }

        /**
         * @param v the seed @return this
         */
        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /**
         * @param v the training session @return this
         */
        public Builder session(SessionConfig v) {
            session = v;
            return this;
        }

        /**
         * @param v the validation decoder options @return this
         */
        public Builder decoder(DecoderOptions v) {
            decoder = v;
            return this;
        }

        /**
         * @param v optimiser threads @return this
         */
        public Builder optimizerThreads(int v) {
            optimizerThreads = v;
            return this;
        }

        /**
         * @return the config
         */
        public RecommenderTrainerConfig build() {
            return new RecommenderTrainerConfig(
                    tasks,
                    sequenceForm,
                    model,
                    epochs,
                    learningRate,
                    batchSize,
                    maxLength,
                    maxSamples,
                    maxHistory,
                    beams,
                    templates,
                    validUsers,
                    evaluateEvery,
                    patience,
                    keepLast,
                    dropout,
                    weightDecay,
                    warmupRatio,
                    excludeHistory,
                    compactVocabulary,
                    seed,
                    session,
                    decoder,
                    optimizerThreads);
        }
    }
}
