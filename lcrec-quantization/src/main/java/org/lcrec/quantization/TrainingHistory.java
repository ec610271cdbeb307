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
    /** Widest loss sparkline {@link #toString()} shows, in characters. */
    static final int SPARKLINE_WIDTH = 40;

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

    /**
     * The epoch losses as a Unicode-block sparkline: one character per epoch (or per group of
     * adjacent epochs, averaged, when there are more than {@code width}), the lowest loss drawn
     * lowest.
     *
     * @param width the most characters, {@code >= 1}
     * @return the sparkline; empty when no epoch ran
     */
    public String sparkline(int width) {
        if (width < 1) {
            throw new IllegalArgumentException("sparkline width must be >= 1, found " + width);
        }
        int cols = Math.min(width, epochLoss.length);
        double[] v = new double[cols];
        int[] n = new int[cols];
        for (int i = 0; i < epochLoss.length; i++) {
            int c = (int) ((long) i * cols / epochLoss.length);
            v[c] += epochLoss[i];
            n[c]++;
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < cols; c++) {
            v[c] /= n[c];
            lo = Math.min(lo, v[c]);
            hi = Math.max(hi, v[c]);
        }
        String blocks = "▁▂▃▄▅▆▇█";
        StringBuilder b = new StringBuilder(cols);
        for (int c = 0; c < cols; c++) {
            int h =
                    Double.isFinite(v[c]) && hi > lo
                            ? (int) Math.round(7 * (v[c] - lo) / (hi - lo))
                            : 0;
            b.append(blocks.charAt(h));
        }
        return b.toString();
    }

    @Override
    public String toString() {
        int e = epochLoss.length;
        return String.format(
                "TrainingHistory(epochs=%d, steps=%d, initialLoss=%.5g, firstEpochLoss=%.5g,"
                        + " lastEpochLoss=%.5g, secondsPerEpoch=%.3f, itemsPerSecond=%.1f,"
                        + " codesReseeded=%d, stepSeconds=%.2f, mappingSeconds=%.2f, loss=%s)",
                e,
                steps,
                initialLoss,
                e == 0 ? Double.NaN : epochLoss[0],
                e == 0 ? Double.NaN : epochLoss[e - 1],
                secondsPerEpoch(),
                itemsPerSecond,
                codesReseeded,
                stepSeconds,
                mappingSeconds,
                sparkline(SPARKLINE_WIDTH));
    }
}
