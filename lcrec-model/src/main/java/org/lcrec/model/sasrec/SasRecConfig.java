package org.lcrec.model.sasrec;

import java.util.Locale;
import java.util.Objects;

/**
 * How {@link SasRecTrainer} builds and trains SASRec (Kang &amp; McAuley, "Self-Attentive
 * Sequential Recommendation", ICDM 2018). Defaults follow the paper except where a field says
 * otherwise; the loss is the full softmax (see {@link TrainingLoss}).
 *
 * @param maxLength the longest history the model reads (the paper's n, also the number of learned
 *     positions); training windows hold up to {@code maxLength + 1} items. Default 20, LC-Rec's
 *     history cap, so both models see the same histories; the paper uses 50 on its sparse datasets
 * @param hiddenSize the embedding and hidden width d (paper: 50; default 64)
 * @param numBlocks self-attention blocks (paper: 2)
 * @param numHeads attention heads; must divide {@code hiddenSize} (paper: 1, more did not help)
 * @param dropout dropout rate on the embeddings and on both residual branches of every block
 *     (paper: 0.2 on MovieLens-1M, 0.5 on its sparse datasets; default 0.2)
 * @param learningRate Adam learning rate, constant after warmup (paper: 0.001)
 * @param weightDecay AdamW decoupled weight decay on embeddings and weight matrices, not on norms
 *     or biases (default 0: the paper regularises with dropout)
 * @param batchSize training windows per step (paper: 128)
 * @param maxEpochs the most passes over the training windows; early stopping may end sooner
 * @param warmupSteps optimiser steps of linear learning-rate warmup (default 0)
 * @param clipNorm clip gradients to this global norm; 0 disables (default)
 * @param loss what is minimised (default {@link TrainingLoss#FULL_SOFTMAX})
 * @param windows which windows long sequences give (default {@link WindowPolicy#MOST_RECENT})
 * @param validationUsers users in the seeded validation sample scored with NDCG@10 after every
 *     epoch (all users when fewer); 0 disables validation and early stopping, and the model of the
 *     last epoch is returned
 * @param excludeHistory whether validation ranks leave out the history's items, as {@code
 *     recommend(..., true)} does (default true: LC-Rec's 5-core datasets never repeat an item
 *     within a sequence; set false for data where items recur)
 * @param patience stop after this many epochs without a better validation NDCG@10 (the best epoch's
 *     model is returned)
 * @param seed parameter initialisation, batch order, dropout masks, negatives, validation sample
 * @param numThreads ONNX Runtime intra-op threads and optimiser threads (default: cores, at most
 *     4). Results do not depend on it (checked bit for bit with 1 and 2). On a 2-core machine
 *     shared with other builds, 1 thread trained faster than 2 (10 s against 15 s per epoch at
 *     25,000 users and 10,000 items): ORT's waiting threads spin
 */
public record SasRecConfig(
        int maxLength,
        int hiddenSize,
        int numBlocks,
        int numHeads,
        double dropout,
        double learningRate,
        double weightDecay,
        int batchSize,
        int maxEpochs,
        int warmupSteps,
        double clipNorm,
        TrainingLoss loss,
        WindowPolicy windows,
        int validationUsers,
        boolean excludeHistory,
        int patience,
        long seed,
        int numThreads) {

    /** Validates every field; messages name the field, the expectation and the value found. */
    public SasRecConfig {
        check(maxLength >= 1, "maxLength", ">= 1", maxLength);
        check(hiddenSize >= 1, "hiddenSize", ">= 1", hiddenSize);
        check(numBlocks >= 1, "numBlocks", ">= 1", numBlocks);
        check(numHeads >= 1, "numHeads", ">= 1", numHeads);
        if (hiddenSize % numHeads != 0) {
            throw new IllegalArgumentException(
                    "SasRecConfig: numHeads must divide hiddenSize, found numHeads="
                            + numHeads
                            + ", hiddenSize="
                            + hiddenSize);
        }
        check(dropout >= 0 && dropout < 1, "dropout", "in [0, 1)", dropout);
        check(learningRate > 0, "learningRate", "> 0", learningRate);
        check(weightDecay >= 0, "weightDecay", ">= 0", weightDecay);
        check(batchSize >= 1, "batchSize", ">= 1", batchSize);
        check(maxEpochs >= 1, "maxEpochs", ">= 1", maxEpochs);
        check(warmupSteps >= 0, "warmupSteps", ">= 0", warmupSteps);
        check(clipNorm >= 0, "clipNorm", ">= 0", clipNorm);
        Objects.requireNonNull(loss, "SasRecConfig: loss must not be null");
        Objects.requireNonNull(windows, "SasRecConfig: windows must not be null");
        check(validationUsers >= 0, "validationUsers", ">= 0", validationUsers);
        check(patience >= 1, "patience", ">= 1", patience);
        check(numThreads >= 1, "numThreads", ">= 1", numThreads);
    }

    private static void check(boolean ok, String field, String expected, Object found) {
        if (!ok) {
            throw new IllegalArgumentException(
                    "SasRecConfig: " + field + " must be " + expected + ", found " + found);
        }
    }

    /**
     * @return a builder with the defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @return the defaults
     */
    public static SasRecConfig defaults() {
        return builder().build();
    }

    /**
     * @return a builder holding this configuration
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxLength = maxLength;
        b.hiddenSize = hiddenSize;
        b.numBlocks = numBlocks;
        b.numHeads = numHeads;
        b.dropout = dropout;
        b.learningRate = learningRate;
        b.weightDecay = weightDecay;
        b.batchSize = batchSize;
        b.maxEpochs = maxEpochs;
        b.warmupSteps = warmupSteps;
        b.clipNorm = clipNorm;
        b.loss = loss;
        b.windows = windows;
        b.validationUsers = validationUsers;
        b.excludeHistory = excludeHistory;
        b.patience = patience;
        b.seed = seed;
        b.numThreads = numThreads;
        return b;
    }

    /**
     * @param value the seed
     * @return a copy with another seed
     */
    public SasRecConfig withSeed(long value) {
        return toBuilder().seed(value).build();
    }

    /**
     * @param value the most epochs
     * @return a copy with another epoch limit
     */
    public SasRecConfig withMaxEpochs(int value) {
        return toBuilder().maxEpochs(value).build();
    }

    /**
     * @param value the thread count
     * @return a copy with another thread count
     */
    public SasRecConfig withNumThreads(int value) {
        return toBuilder().numThreads(value).build();
    }

    /**
     * What decides the sequence of parameter values epoch by epoch; compared when a run resumes.
     * Left out: {@code maxEpochs} and {@code patience} (they only decide when to stop, so a
     * finished run can be resumed for more epochs) and {@code numThreads}.
     */
    String trainingSignature() {
        return String.format(
                Locale.ROOT,
                "maxLength=%d, hiddenSize=%d, numBlocks=%d, numHeads=%d, dropout=%s, lr=%s,"
                        + " weightDecay=%s, batchSize=%d, warmupSteps=%d, clipNorm=%s, loss=%s,"
                        + " windows=%s, validationUsers=%d, excludeHistory=%s, seed=%d",
                maxLength,
                hiddenSize,
                numBlocks,
                numHeads,
                dropout,
                learningRate,
                weightDecay,
                batchSize,
                warmupSteps,
                clipNorm,
                loss,
                windows,
                validationUsers,
                excludeHistory,
                seed);
    }

    @Override
    public String toString() {
        return "SasRecConfig("
                + trainingSignature()
                + ", maxEpochs="
                + maxEpochs
                + ", patience="
                + patience
                + ", numThreads="
                + numThreads
                + ")";
    }

    /** Builder with the defaults of {@link SasRecConfig}. */
    public static final class Builder {
        private int maxLength = 20;
        private int hiddenSize = 64;
        private int numBlocks = 2;
        private int numHeads = 1;
        private double dropout = 0.2;
        private double learningRate = 1e-3;
        private double weightDecay = 0.0;
        private int batchSize = 128;
        private int maxEpochs = 100;
        private int warmupSteps = 0;
        private double clipNorm = 0.0;
        private TrainingLoss loss = TrainingLoss.FULL_SOFTMAX;
        private WindowPolicy windows = WindowPolicy.MOST_RECENT;
        private int validationUsers = 10_000;
        private boolean excludeHistory = true;
        private int patience = 5;
        private long seed = 42;
        private int numThreads =
                Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));

        private Builder() {}

        public Builder maxLength(int v) {
            maxLength = v;
            return this;
        }

        public Builder hiddenSize(int v) {
            hiddenSize = v;
            return this;
        }

        public Builder numBlocks(int v) {
            numBlocks = v;
            return this;
        }

        public Builder numHeads(int v) {
            numHeads = v;
            return this;
        }

        public Builder dropout(double v) {
            dropout = v;
            return this;
        }

        public Builder learningRate(double v) {
            learningRate = v;
            return this;
        }

        public Builder weightDecay(double v) {
            weightDecay = v;
            return this;
        }

        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        public Builder maxEpochs(int v) {
            maxEpochs = v;
            return this;
        }

        public Builder warmupSteps(int v) {
            warmupSteps = v;
            return this;
        }

        public Builder clipNorm(double v) {
            clipNorm = v;
            return this;
        }

        public Builder loss(TrainingLoss v) {
            loss = v;
            return this;
        }

        public Builder windows(WindowPolicy v) {
            windows = v;
            return this;
        }

        public Builder validationUsers(int v) {
            validationUsers = v;
            return this;
        }

        public Builder excludeHistory(boolean v) {
            excludeHistory = v;
            return this;
        }

        public Builder patience(int v) {
            patience = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder numThreads(int v) {
            numThreads = v;
            return this;
        }

        /**
         * @return the validated configuration
         * @throws IllegalArgumentException naming the first invalid field
         */
        public SasRecConfig build() {
            return new SasRecConfig(
                    maxLength,
                    hiddenSize,
                    numBlocks,
                    numHeads,
                    dropout,
                    learningRate,
                    weightDecay,
                    batchSize,
                    maxEpochs,
                    warmupSteps,
                    clipNorm,
                    loss,
                    windows,
                    validationUsers,
                    excludeHistory,
                    patience,
                    seed,
                    numThreads);
        }
    }
}
