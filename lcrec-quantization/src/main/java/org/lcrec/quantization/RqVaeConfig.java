package org.lcrec.quantization;

import java.util.Arrays;

/**
 * Settings of {@link RqVaeTrainer}: the RQ-VAE of LC-Rec (MLP encoder with ReLU and xavier-normal
 * weights → {@code levels} residual VQ levels of {@code codes × latentDim} → mirrored decoder; loss
 * = reconstruction + mean over levels of (codebook + beta · commitment), straight-through
 * gradients) and its AdamW training. Immutable; validated on construction; build with {@link
 * #builder()} or start from a preset: {@link #lcrecPaper()}, {@link #cpu()}.
 *
 * <p>BatchNorm (LC-Rec's optional {@code --bn}, off in its scripts) is not offered.
 *
 * @param encoderLayers hidden widths of the encoder MLP (the decoder mirrors them), each {@code >=
 *     1}
 * @param latentDim dimension of the latent and of every code vector ({@code e_dim}), {@code >= 1}
 * @param levels residual quantisation levels, {@code 1 ..} 26
 * @param codes codes per level ({@code K}), {@code >= 1}
 * @param beta commitment loss weight, {@code >= 0}
 * @param reconstructionLoss MSE or L1
 * @param dropout dropout before every linear layer, in [0, 1)
 * @param batchNorm batch normalisation after every hidden linear layer (LC-Rec's {@code --bn}):
 *     batch statistics in training, population statistics (recomputed over all items after
 *     training) in inference
 * @param learningRate peak AdamW learning rate, {@code > 0}
 * @param weightDecay AdamW decoupled weight decay, {@code >= 0}
 * @param batchSize items per step, {@code >= 1}
 * @param epochs passes over the items, {@code >= 1}
 * @param warmupSteps linear warmup steps, {@code >= 0}
 * @param schedule schedule after warmup
 * @param clipNorm global gradient-norm clip, {@code >= 0} (0 = off)
 * @param sinkhornEpsilons per level: Sinkhorn epsilon of the uniform mapping during training, 0 =
 *     nearest code (length {@code levels})
 * @param sinkhornIterations Sinkhorn iterations, {@code >= 1}
 * @param kmeansInit initialise the codebooks by residual k-means on encoded items
 * @param kmeansSample items (drawn with the seed) the k-means initialisation sees, {@code >= codes}
 * @param kmeansIterations Lloyd iterations of the initialisation, {@code >= 1}
 * @param deadCodePolicy what to do with codes unused at the end of an epoch
 * @param seed seed of initialisation, shuffling, k-means and reseeding
 * @param numThreads ORT intra-op and Java worker threads, {@code >= 1}
 * @param standardize whether inputs are centred per dimension and scaled to unit mean square before
 *     training (stored in the model and applied when encoding): text-encoder embeddings are often
 *     L2-normalised, which leaves the reconstruction loss negligible next to the quantisation loss;
 *     LC-Rec does not standardise
 */
public record RqVaeConfig(
        int[] encoderLayers,
        int latentDim,
        int levels,
        int codes,
        double beta,
        ReconstructionLoss reconstructionLoss,
        double dropout,
        boolean batchNorm,
        double learningRate,
        double weightDecay,
        int batchSize,
        int epochs,
        int warmupSteps,
        LrScheduleKind schedule,
        double clipNorm,
        double[] sinkhornEpsilons,
        int sinkhornIterations,
        boolean kmeansInit,
        int kmeansSample,
        int kmeansIterations,
        DeadCodePolicy deadCodePolicy,
        long seed,
        int numThreads,
        boolean standardize) {

    /** Validates the settings and copies the arrays. */
    public RqVaeConfig {
        if (encoderLayers == null) {
            throw new QuantizationException("RQ-VAE encoderLayers must be given, found null");
        }
        encoderLayers = encoderLayers.clone();
        for (int w : encoderLayers) {
            if (w < 1) {
                throw new QuantizationException(
                        "RQ-VAE encoder layer widths must be >= 1, found "
                                + Arrays.toString(encoderLayers));
            }
        }
        if (latentDim < 1) {
            throw new QuantizationException("RQ-VAE latentDim must be >= 1, found " + latentDim);
        }
        if (levels < 1 || levels > org.lcrec.core.IndexTokens.MAX_LEVELS) {
            throw new QuantizationException("RQ-VAE levels must be in [1, 26], found " + levels);
        }
        if (codes < 1) {
            throw new QuantizationException("RQ-VAE codes (K) must be >= 1, found " + codes);
        }
        if (!(beta >= 0) || Double.isInfinite(beta)) {
            throw new QuantizationException("RQ-VAE beta must be finite and >= 0, found " + beta);
        }
        if (reconstructionLoss == null || schedule == null || deadCodePolicy == null) {
            throw new QuantizationException(
                    "RQ-VAE reconstructionLoss, schedule and deadCodePolicy must be given");
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new QuantizationException("RQ-VAE dropout must be in [0, 1), found " + dropout);
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new QuantizationException(
                    "RQ-VAE learningRate must be finite and > 0, found " + learningRate);
        }
        if (!(weightDecay >= 0)) {
            throw new QuantizationException(
                    "RQ-VAE weightDecay must be >= 0, found " + weightDecay);
        }
        if (batchSize < 1 || epochs < 1 || warmupSteps < 0) {
            throw new QuantizationException(
                    "RQ-VAE needs batchSize >= 1, epochs >= 1, warmupSteps >= 0; found "
                            + batchSize
                            + ", "
                            + epochs
                            + ", "
                            + warmupSteps);
        }
        if (!(clipNorm >= 0)) {
            throw new QuantizationException("RQ-VAE clipNorm must be >= 0, found " + clipNorm);
        }
        if (sinkhornEpsilons == null) {
            sinkhornEpsilons = new double[levels];
        }
        sinkhornEpsilons = sinkhornEpsilons.clone();
        if (sinkhornEpsilons.length != levels) {
            throw new QuantizationException(
                    "RQ-VAE sinkhornEpsilons: expected one per level ("
                            + levels
                            + "), found "
                            + Arrays.toString(sinkhornEpsilons));
        }
        for (double e : sinkhornEpsilons) {
            if (!(e >= 0) || Double.isInfinite(e)) {
                throw new QuantizationException(
                        "RQ-VAE sinkhornEpsilons must be finite and >= 0 (0 = off), found "
                                + Arrays.toString(sinkhornEpsilons));
            }
        }
        if (sinkhornIterations < 1 || kmeansIterations < 1) {
            throw new QuantizationException(
                    "RQ-VAE sinkhornIterations and kmeansIterations must be >= 1, found "
                            + sinkhornIterations
                            + ", "
                            + kmeansIterations);
        }
        if (kmeansSample < codes) {
            throw new QuantizationException(
                    "RQ-VAE kmeansSample must be >= codes (" + codes + "), found " + kmeansSample);
        }
        if (numThreads < 1) {
            throw new QuantizationException("RQ-VAE numThreads must be >= 1, found " + numThreads);
        }
    }

    /**
     * LC-Rec's published setting ({@code run.sh}): encoder 2048-1024-512-256-128-64, e_dim 32, 4
     * levels of 256 codes, beta 0.25, MSE, lr 1e-3, weight decay 1e-4, batch 1024, 3000 epochs,
     * constant schedule, Sinkhorn (epsilon 0.003, 50 iterations) on the last level only, k-means
     * initialisation; 50 warmup steps.
     *
     * @return the preset
     */
    public static RqVaeConfig lcrecPaper() {
        return builder()
                .encoderLayers(new int[] {2048, 1024, 512, 256, 128, 64})
                .latentDim(32)
                .levels(4)
                .codes(256)
                .batchSize(1024)
                .epochs(3000)
                .sinkhornEpsilons(new double[] {0, 0, 0, 0.003})
                .deadCodePolicy(DeadCodePolicy.KEEP)
                .beta(0.25)
                .standardize(false)
                .build();
    }

    /**
     * A CPU-sized setting that trains on a catalog of a few thousand items (e.g. Industrial, 3,686)
     * in about a minute on 2 cores: encoder 256-128-64, e_dim 32, 3 levels of 256 codes (the shape
     * of MiniOneRec's Industrial index), batch 256, 60 epochs, Sinkhorn on the last level, k-means
     * initialisation on up to 4,096 items, dead codes reseeded.
     *
     * @return the preset
     */
    public static RqVaeConfig cpu() {
        return builder().sinkhornEpsilons(new double[] {0, 0, 0.003}).beta(1.0).build();
    }

    /**
     * @param name {@code lcrec-paper} or {@code cpu}
     * @return the preset
     * @throws QuantizationException for another name
     */
    public static RqVaeConfig preset(String name) {
        return switch (name) {
            case "lcrec-paper" -> lcrecPaper();
            case "cpu" -> cpu();
            default ->
                    throw new QuantizationException(
                            "unknown RQ-VAE preset \"" + name + "\"; expected lcrec-paper or cpu");
        };
    }

    @Override
    public int[] encoderLayers() {
        return encoderLayers.clone();
    }

    @Override
    public double[] sinkhornEpsilons() {
        return sinkhornEpsilons.clone();
    }

    /**
     * @return a builder with the {@link #cpu()} defaults (no Sinkhorn)
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @return a builder holding these settings
     */
    public Builder toBuilder() {
        return new Builder()
                .encoderLayers(encoderLayers)
                .latentDim(latentDim)
                .levels(levels)
                .codes(codes)
                .beta(beta)
                .reconstructionLoss(reconstructionLoss)
                .dropout(dropout)
                .batchNorm(batchNorm)
                .learningRate(learningRate)
                .weightDecay(weightDecay)
                .batchSize(batchSize)
                .epochs(epochs)
                .warmupSteps(warmupSteps)
                .schedule(schedule)
                .clipNorm(clipNorm)
                .sinkhornEpsilons(sinkhornEpsilons)
                .sinkhornIterations(sinkhornIterations)
                .kmeansInit(kmeansInit)
                .kmeansSample(kmeansSample)
                .kmeansIterations(kmeansIterations)
                .deadCodePolicy(deadCodePolicy)
                .seed(seed)
                .numThreads(numThreads)
                .standardize(standardize);
    }

    /**
     * @param value epochs
     * @return a copy with that many epochs
     */
    public RqVaeConfig withEpochs(int value) {
        return toBuilder().epochs(value).build();
    }

    /**
     * @param value seed
     * @return a copy with that seed
     */
    public RqVaeConfig withSeed(long value) {
        return toBuilder().seed(value).build();
    }

    /**
     * @param value threads
     * @return a copy with that thread count
     */
    public RqVaeConfig withNumThreads(int value) {
        return toBuilder().numThreads(value).build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RqVaeConfig c && c.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    @Override
    public String toString() {
        return "RqVaeConfig("
                + "encoderLayers="
                + Arrays.toString(encoderLayers)
                + ", "
                + "latentDim="
                + latentDim
                + ", "
                + "levels="
                + levels
                + ", "
                + "codes="
                + codes
                + ", "
                + "beta="
                + beta
                + ", "
                + "reconstructionLoss="
                + reconstructionLoss
                + ", "
                + "dropout="
                + dropout
                + ", "
                + "batchNorm="
                + batchNorm
                + ", "
                + "learningRate="
                + learningRate
                + ", "
                + "weightDecay="
                + weightDecay
                + ", "
                + "batchSize="
                + batchSize
                + ", "
                + "epochs="
                + epochs
                + ", "
                + "warmupSteps="
                + warmupSteps
                + ", "
                + "schedule="
                + schedule
                + ", "
                + "clipNorm="
                + clipNorm
                + ", "
                + "sinkhornEpsilons="
                + Arrays.toString(sinkhornEpsilons)
                + ", "
                + "sinkhornIterations="
                + sinkhornIterations
                + ", "
                + "kmeansInit="
                + kmeansInit
                + ", "
                + "kmeansSample="
                + kmeansSample
                + ", "
                + "kmeansIterations="
                + kmeansIterations
                + ", "
                + "deadCodePolicy="
                + deadCodePolicy
                + ", "
                + "seed="
                + seed
                + ", "
                + "numThreads="
                + numThreads
                + ")";
    }

    /** Builder of {@link RqVaeConfig}. */
    public static final class Builder {
        private int[] encoderLayers = new int[] {256, 128, 64};
        private int latentDim = 32;
        private int levels = 3;
        private int codes = 256;
        private double beta = 0.25;
        private ReconstructionLoss reconstructionLoss = ReconstructionLoss.MSE;
        private double dropout = 0.0;
        private boolean batchNorm = false;
        private double learningRate = 1e-3;
        private double weightDecay = 1e-4;
        private int batchSize = 256;
        private int epochs = 60;
        private int warmupSteps = 50;
        private LrScheduleKind schedule = LrScheduleKind.CONSTANT;
        private double clipNorm = 1.0;
        private double[] sinkhornEpsilons = null;
        private int sinkhornIterations = 50;
        private boolean kmeansInit = true;
        private int kmeansSample = 4096;
        private int kmeansIterations = 100;
        private DeadCodePolicy deadCodePolicy = DeadCodePolicy.RESEED;
        private long seed = 2024;
        private int numThreads = 2;
        private boolean standardize = true;

        private Builder() {}

        /**
         * @param v hidden widths of the encoder MLP (the decoder mirrors them), each {@code >= 1}
         * @return this
         */
        public Builder encoderLayers(int[] v) {
            encoderLayers = v;
            return this;
        }

        /**
         * @param v dimension of the latent and of every code vector ({@code e_dim}), {@code >= 1}
         * @return this
         */
        public Builder latentDim(int v) {
            latentDim = v;
            return this;
        }

        /**
         * @param v residual quantisation levels, {@code 1 ..} 26
         * @return this
         */
        public Builder levels(int v) {
            levels = v;
            return this;
        }

        /**
         * @param v codes per level ({@code K}), {@code >= 1}
         * @return this
         */
        public Builder codes(int v) {
            codes = v;
            return this;
        }

        /**
         * @param v commitment loss weight, {@code >= 0}
         * @return this
         */
        public Builder beta(double v) {
            beta = v;
            return this;
        }

        /**
         * @param v MSE or L1
         * @return this
         */
        public Builder reconstructionLoss(ReconstructionLoss v) {
            reconstructionLoss = v;
            return this;
        }

        /**
         * @param v dropout before every linear layer, in [0, 1)
         * @return this
         */
        public Builder dropout(double v) {
            dropout = v;
            return this;
        }

        /**
         * @param v batch normalisation after every hidden linear layer
         * @return this
         */
        public Builder batchNorm(boolean v) {
            batchNorm = v;
            return this;
        }

        /**
         * @param v peak AdamW learning rate, {@code > 0}
         * @return this
         */
        public Builder learningRate(double v) {
            learningRate = v;
            return this;
        }

        /**
         * @param v AdamW decoupled weight decay, {@code >= 0}
         * @return this
         */
        public Builder weightDecay(double v) {
            weightDecay = v;
            return this;
        }

        /**
         * @param v items per step, {@code >= 1}
         * @return this
         */
        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        /**
         * @param v passes over the items, {@code >= 1}
         * @return this
         */
        public Builder epochs(int v) {
            epochs = v;
            return this;
        }

        /**
         * @param v linear warmup steps, {@code >= 0}
         * @return this
         */
        public Builder warmupSteps(int v) {
            warmupSteps = v;
            return this;
        }

        /**
         * @param v schedule after warmup
         * @return this
         */
        public Builder schedule(LrScheduleKind v) {
            schedule = v;
            return this;
        }

        /**
         * @param v global gradient-norm clip, {@code >= 0} (0 = off)
         * @return this
         */
        public Builder clipNorm(double v) {
            clipNorm = v;
            return this;
        }

        /**
         * @param v per level: Sinkhorn epsilon of the uniform mapping during training, 0 = nearest
         *     code (length {@code levels})
         * @return this
         */
        public Builder sinkhornEpsilons(double[] v) {
            sinkhornEpsilons = v;
            return this;
        }

        /**
         * @param v Sinkhorn iterations, {@code >= 1}
         * @return this
         */
        public Builder sinkhornIterations(int v) {
            sinkhornIterations = v;
            return this;
        }

        /**
         * @param v initialise the codebooks by residual k-means on encoded items
         * @return this
         */
        public Builder kmeansInit(boolean v) {
            kmeansInit = v;
            return this;
        }

        /**
         * @param v items (drawn with the seed) the k-means initialisation sees, {@code >= codes}
         * @return this
         */
        public Builder kmeansSample(int v) {
            kmeansSample = v;
            return this;
        }

        /**
         * @param v Lloyd iterations of the initialisation, {@code >= 1}
         * @return this
         */
        public Builder kmeansIterations(int v) {
            kmeansIterations = v;
            return this;
        }

        /**
         * @param v what to do with codes unused at the end of an epoch
         * @return this
         */
        public Builder deadCodePolicy(DeadCodePolicy v) {
            deadCodePolicy = v;
            return this;
        }

        /**
         * @param v seed of initialisation, shuffling, k-means and reseeding
         * @return this
         */
        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /**
         * @param v ORT intra-op and Java worker threads, {@code >= 1}
         * @return this
         */
        public Builder numThreads(int v) {
            numThreads = v;
            return this;
        }

        /**
         * @param v standardise inputs
         * @return this
         */
        public Builder standardize(boolean v) {
            standardize = v;
            return this;
        }

        /**
         * @return the validated settings
         */
        public RqVaeConfig build() {
            return new RqVaeConfig(
                    encoderLayers,
                    latentDim,
                    levels,
                    codes,
                    beta,
                    reconstructionLoss,
                    dropout,
                    batchNorm,
                    learningRate,
                    weightDecay,
                    batchSize,
                    epochs,
                    warmupSteps,
                    schedule,
                    clipNorm,
                    sinkhornEpsilons,
                    sinkhornIterations,
                    kmeansInit,
                    kmeansSample,
                    kmeansIterations,
                    deadCodePolicy,
                    seed,
                    numThreads,
                    standardize);
        }
    }
}
