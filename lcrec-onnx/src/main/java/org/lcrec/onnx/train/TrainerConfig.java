package org.lcrec.onnx.train;

import org.lcrec.onnx.runtime.SessionConfig;

/**
 * How a {@link Trainer} trains.
 *
 * @param optimizer the update rule
 * @param schedule the learning rate per optimiser step
 * @param clipNorm clip gradients to this global L2 norm; 0 disables clipping
 * @param accumulationSteps micro-batches per optimiser step (gradients averaged)
 * @param seed seeds the trainer's {@link Rng} (dropout masks, user sampling)
 * @param session the ORT session settings (provider, threads)
 * @param optimizerThreads Java threads for the optimiser update (a pool owned by the trainer)
 * @param frozenInlineLimitBytes frozen parameters are baked into the model as initialisers (so ORT
 *     can pre-pack them) while their total size is at most this; above it they are fed as zero-copy
 *     inputs, which keeps the model under protobuf's 2 GB limit. Default 1 GiB.
 */
public record TrainerConfig(
        Optimizer optimizer,
        LrSchedule schedule,
        double clipNorm,
        int accumulationSteps,
        long seed,
        SessionConfig session,
        int optimizerThreads,
        long frozenInlineLimitBytes) {
    public TrainerConfig {
        if (optimizer == null || schedule == null || session == null) {
            throw new IllegalArgumentException("optimizer, schedule and session are required");
        }
        if (clipNorm < 0
                || accumulationSteps < 1
                || optimizerThreads < 1
                || frozenInlineLimitBytes < 0) {
            throw new IllegalArgumentException(
                    "need clipNorm >= 0, accumulationSteps >= 1, optimizerThreads >= 1, frozenInlineLimitBytes >= 0; found "
                            + clipNorm
                            + ", "
                            + accumulationSteps
                            + ", "
                            + optimizerThreads
                            + ", "
                            + frozenInlineLimitBytes);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder()
                .optimizer(optimizer)
                .schedule(schedule)
                .clipNorm(clipNorm)
                .accumulationSteps(accumulationSteps)
                .seed(seed)
                .session(session)
                .optimizerThreads(optimizerThreads)
                .frozenInlineLimitBytes(frozenInlineLimitBytes);
    }

    /**
     * Builder with defaults: AdamW, constant lr 1e-3, no clipping, no accumulation, seed 42, CPU,
     * up to 4 optimiser threads, 1 GiB of inline frozen weights.
     */
    public static final class Builder {
        private Optimizer optimizer = Optimizer.adamW();
        private LrSchedule schedule = LrSchedule.constant(1e-3, 0);
        private double clipNorm;
        private int accumulationSteps = 1;
        private long seed = 42;
        private SessionConfig session = SessionConfig.cpu();
        private int optimizerThreads =
                Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        private long frozenInlineLimitBytes = 1L << 30;

        public Builder optimizer(Optimizer o) {
            this.optimizer = o;
            return this;
        }

        public Builder schedule(LrSchedule s) {
            this.schedule = s;
            return this;
        }

        public Builder clipNorm(double c) {
            this.clipNorm = c;
            return this;
        }

        public Builder accumulationSteps(int n) {
            this.accumulationSteps = n;
            return this;
        }

        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        public Builder session(SessionConfig s) {
            this.session = s;
            return this;
        }

        public Builder optimizerThreads(int n) {
            this.optimizerThreads = n;
            return this;
        }

        public Builder frozenInlineLimitBytes(long n) {
            this.frozenInlineLimitBytes = n;
            return this;
        }

        public TrainerConfig build() {
            return new TrainerConfig(
                    optimizer,
                    schedule,
                    clipNorm,
                    accumulationSteps,
                    seed,
                    session,
                    optimizerThreads,
                    frozenInlineLimitBytes);
        }
    }

    @Override
    public String toString() {
        return "TrainerConfig(optimizer="
                + optimizer.describe()
                + ", schedule="
                + schedule.describe()
                + ", clipNorm="
                + clipNorm
                + ", accumulationSteps="
                + accumulationSteps
                + ", seed="
                + seed
                + ", "
                + session
                + ", optimizerThreads="
                + optimizerThreads
                + ", frozenInlineLimitBytes="
                + frozenInlineLimitBytes
                + ")";
    }
}
