package org.lcrec.model.sft;

import org.lcrec.onnx.runtime.SessionConfig;

/**
 * How {@link SftTrainer} fine-tunes. Defaults are LC-Rec's full fine-tuning of a pretrained model
 * (lr 5e-5, weight decay 0.01, cosine with 1% warmup) with gradient clipping at 1.0 (Hugging Face
 * Trainer's default). Precision: float32 on every provider (bf16 is out of scope).
 *
 * @param maxLength maximum tokens of prompt + response + EOS; longer prompts lose history tokens
 *     from the left (after a leading BOS), responses are never cut
 * @param batchSize examples per micro-batch (batches group examples of similar length and pad to
 *     the longest)
 * @param accumulationSteps micro-batches per optimiser step
 * @param epochs passes over the data
 * @param learningRate peak learning rate
 * @param weightDecay AdamW decoupled weight decay (matrices only; not norms or biases)
 * @param schedule learning-rate decay after warmup
 * @param warmupRatio fraction of the optimiser steps spent in linear warmup
 * @param clipNorm global gradient-norm clipping; 0 disables
 * @param dropout hidden dropout rate of the decoder in training (embeddings and the output of every
 *     attention and feed-forward block); 0 disables (LC-Rec tunes pretrained models without it)
 * @param seed batch order, LoRA initialisation and dropout masks
 * @param lora LoRA settings, or null for full fine-tuning
 * @param addedTokens rows at the end of the vocabulary that were added (index tokens); trained even
 *     under LoRA
 * @param checkpointEvery save a resumable checkpoint every N optimiser steps (and always at the
 *     end); 0 = only at the end
 * @param keepLastCheckpoints how many resumable checkpoints to keep (the best model is kept apart
 *     in {@code out/best})
 * @param evaluateEvery call the evaluator every N optimiser steps (and at the end); 0 = only at the
 *     end
 * @param patience early stopping: training ends once the evaluator has not improved on its best for
 *     this many evaluations in a row (the best model is kept in {@code out/best}); 0 disables
 * @param session ORT provider and threads
 * @param optimizerThreads Java threads of the optimiser update
 * @param padToMultiple pad every micro-batch's length, and its number of loss targets, up to a
 *     multiple of this (the length never beyond {@code maxLength}); 1 pads to the longest only.
 *     Padded positions are masked and padded targets ignored, so the loss and gradients are those
 *     of the unpadded batch. ONNX Runtime plans and keeps memory per input shape, so every new
 *     length costs fresh memory; at a 0.5B model's size a multiple of 16 ({@code lcrec train}'s
 *     default) kept the process's memory flat after the first few steps (see docs/architecture.md)
 */
public record SftConfig(
        int maxLength,
        int batchSize,
        int accumulationSteps,
        int epochs,
        double learningRate,
        double weightDecay,
        Schedule schedule,
        double warmupRatio,
        double clipNorm,
        double dropout,
        long seed,
        LoraConfig lora,
        int addedTokens,
        int checkpointEvery,
        int keepLastCheckpoints,
        int evaluateEvery,
        int patience,
        SessionConfig session,
        int optimizerThreads,
        int padToMultiple) {

    /** Learning-rate decay after warmup. */
    public enum Schedule {
        /** Cosine to 0 (LC-Rec). */
        COSINE,
        /** Linear to 0. */
        LINEAR,
        /** Constant. */
        CONSTANT
    }

    /** Validates. */
    public SftConfig {
        if (maxLength < 2 || batchSize < 1 || accumulationSteps < 1 || epochs < 1) {
            throw new IllegalArgumentException(
                    "need maxLength >= 2, batchSize >= 1, accumulationSteps >= 1, epochs >= 1; found "
                            + maxLength
                            + ", "
                            + batchSize
                            + ", "
                            + accumulationSteps
                            + ", "
                            + epochs);
        }
        if (!(learningRate > 0)
                || weightDecay < 0
                || warmupRatio < 0
                || warmupRatio >= 1
                || clipNorm < 0) {
            throw new IllegalArgumentException(
                    "need learningRate > 0, weightDecay >= 0, 0 <= warmupRatio < 1, clipNorm >= 0; found "
                            + learningRate
                            + ", "
                            + weightDecay
                            + ", "
                            + warmupRatio
                            + ", "
                            + clipNorm);
        }
        if (dropout < 0 || dropout >= 1 || patience < 0) {
            throw new IllegalArgumentException(
                    "need 0 <= dropout < 1 and patience >= 0; found " + dropout + ", " + patience);
        }
        if (schedule == null || session == null) {
            throw new IllegalArgumentException("schedule and session must not be null");
        }
        if (addedTokens < 0
                || checkpointEvery < 0
                || keepLastCheckpoints < 1
                || evaluateEvery < 0
                || optimizerThreads < 1
                || padToMultiple < 1) {
            throw new IllegalArgumentException(
                    "need addedTokens >= 0, checkpointEvery >= 0, keepLastCheckpoints >= 1, evaluateEvery >= 0,"
                            + " optimizerThreads >= 1, padToMultiple >= 1; found "
                            + addedTokens
                            + ", "
                            + checkpointEvery
                            + ", "
                            + keepLastCheckpoints
                            + ", "
                            + evaluateEvery
                            + ", "
                            + optimizerThreads
                            + ", "
                            + padToMultiple);
        }
    }

    /** A builder with LC-Rec's full fine-tuning defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder initialised from this config. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxLength = maxLength;
        b.batchSize = batchSize;
        b.accumulationSteps = accumulationSteps;
        b.epochs = epochs;
        b.learningRate = learningRate;
        b.weightDecay = weightDecay;
        b.schedule = schedule;
        b.warmupRatio = warmupRatio;
        b.clipNorm = clipNorm;
        b.dropout = dropout;
        b.seed = seed;
        b.lora = lora;
        b.addedTokens = addedTokens;
        b.checkpointEvery = checkpointEvery;
        b.keepLastCheckpoints = keepLastCheckpoints;
        b.evaluateEvery = evaluateEvery;
        b.patience = patience;
        b.session = session;
        b.optimizerThreads = optimizerThreads;
        b.padToMultiple = padToMultiple;
        return b;
    }

    /** Builder for {@link SftConfig}. */
    public static final class Builder {
        private int maxLength = 512;
        private int batchSize = 8;
        private int accumulationSteps = 1;
        private int epochs = 1;
        private double learningRate = 5e-5;
        private double weightDecay = 0.01;
        private Schedule schedule = Schedule.COSINE;
        private double warmupRatio = 0.01;
        private double clipNorm = 1.0;
        private double dropout;
        private long seed = 42;
        private LoraConfig lora;
        private int addedTokens;
        private int checkpointEvery;
        private int keepLastCheckpoints = 2;
        private int evaluateEvery;
        private int patience;
        private SessionConfig session = SessionConfig.cpu();
        private int optimizerThreads =
                Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        private int padToMultiple = 1;

        private Builder() {}

        public Builder maxLength(int v) {
            maxLength = v;
            return this;
        }

        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        public Builder accumulationSteps(int v) {
            accumulationSteps = v;
            return this;
        }

        public Builder epochs(int v) {
            epochs = v;
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

        public Builder schedule(Schedule v) {
            schedule = v;
            return this;
        }

        public Builder warmupRatio(double v) {
            warmupRatio = v;
            return this;
        }

        public Builder clipNorm(double v) {
            clipNorm = v;
            return this;
        }

        /**
         * @param v hidden dropout rate in training
         * @return this
         */
        public Builder dropout(double v) {
            dropout = v;
            return this;
        }

        /**
         * @param v evaluations without improvement before training stops; 0 disables
         * @return this
         */
        public Builder patience(int v) {
            patience = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /** LoRA settings; null for full fine-tuning. */
        public Builder lora(LoraConfig v) {
            lora = v;
            return this;
        }

        public Builder addedTokens(int v) {
            addedTokens = v;
            return this;
        }

        public Builder checkpointEvery(int v) {
            checkpointEvery = v;
            return this;
        }

        public Builder keepLastCheckpoints(int v) {
            keepLastCheckpoints = v;
            return this;
        }

        public Builder evaluateEvery(int v) {
            evaluateEvery = v;
            return this;
        }

        public Builder session(SessionConfig v) {
            session = v;
            return this;
        }

        public Builder optimizerThreads(int v) {
            optimizerThreads = v;
            return this;
        }

        public Builder padToMultiple(int v) {
            padToMultiple = v;
            return this;
        }

        public SftConfig build() {
            return new SftConfig(
                    maxLength,
                    batchSize,
                    accumulationSteps,
                    epochs,
                    learningRate,
                    weightDecay,
                    schedule,
                    warmupRatio,
                    clipNorm,
                    dropout,
                    seed,
                    lora,
                    addedTokens,
                    checkpointEvery,
                    keepLastCheckpoints,
                    evaluateEvery,
                    patience,
                    session,
                    optimizerThreads,
                    padToMultiple);
        }
    }

    /** A stable description of what determines the loss curve (compared on resume). */
    String trainingSignature() {
        return "maxLength="
                + maxLength
                + ", batchSize="
                + batchSize
                + ", accumulation="
                + accumulationSteps
                + ", epochs="
                + epochs
                + ", lr="
                + learningRate
                + ", wd="
                + weightDecay
                + ", schedule="
                + schedule
                + ", warmup="
                + warmupRatio
                + ", clip="
                + clipNorm
                + (dropout > 0 ? ", dropout=" + dropout : "")
                + ", seed="
                + seed
                + ", lora="
                + lora
                + ", addedTokens="
                + addedTokens
                + (padToMultiple > 1 ? ", padToMultiple=" + padToMultiple : "");
    }

    @Override
    public String toString() {
        return "SftConfig("
                + trainingSignature()
                + ", checkpointEvery="
                + checkpointEvery
                + ", keepLast="
                + keepLastCheckpoints
                + ", evaluateEvery="
                + evaluateEvery
                + (patience > 0 ? ", patience=" + patience : "")
                + ", "
                + session
                + ")";
    }
}
