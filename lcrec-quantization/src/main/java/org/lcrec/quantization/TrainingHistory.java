package org.lcrec.quantization;

import java.util.Arrays;

/**
 * What happened while an RQ-VAE trained. Immutable.
 *
 * @param epochLoss mean training loss of each epoch
 * @param epochSeconds wall-clock seconds of each epoch (Sinkhorn and reseeding included)
 * @param steps optimiser steps taken
 * @param itemsPerSecond training throughput over all epochs (items seen / seconds)
 * @param initialLoss the loss of the first batch, before any update (after k-means init)
 * @param codesReseeded unused codes reseeded under {@link DeadCodePolicy#RESEED}
 * @param stepSeconds seconds inside the trainer's steps (ORT forward + backward and AdamW)
 * @param mappingSeconds seconds spent on the Sinkhorn levels' codes (an ORT forward pass for the
 *     distances and Sinkhorn in Java)
 */
public record TrainingHistory(
        double[] epochLoss,
        double[] epochSeconds,
        long steps,
        double itemsPerSecond,
        double initialLoss,
        int codesReseeded,
        double stepSeconds,
        double mappingSeconds) {

    /** Copies the arrays. */
    public TrainingHistory {
        epochLoss = epochLoss.clone();
        epochSeconds = epochSeconds.clone();
    }

    @Override
    public double[] epochLoss() {
        return epochLoss.clone();
    }

    @Override
    public double[] epochSeconds() {
        return epochSeconds.clone();
    }

    /**
     * @return mean seconds per epoch
     */
    public double secondsPerEpoch() {
        return epochSeconds.length == 0 ? 0 : Arrays.stream(epochSeconds).average().orElse(0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrainingHistory h
                && Arrays.equals(h.epochLoss, epochLoss)
                && h.steps == steps
                && h.codesReseeded == codesReseeded;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(epochLoss);
    }

    @Override
    public String toString() {
        int e = epochLoss.length;
        return String.format(
                "TrainingHistory(epochs=%d, steps=%d, initialLoss=%.5g, firstEpochLoss=%.5g,"
                        + " lastEpochLoss=%.5g, secondsPerEpoch=%.3f, itemsPerSecond=%.1f,"
                        + " codesReseeded=%d, stepSeconds=%.2f, mappingSeconds=%.2f)",
                e,
                steps,
                initialLoss,
                e == 0 ? Double.NaN : epochLoss[0],
                e == 0 ? Double.NaN : epochLoss[e - 1],
                secondsPerEpoch(),
                itemsPerSecond,
                codesReseeded,
                stepSeconds,
                mappingSeconds);
    }
}
