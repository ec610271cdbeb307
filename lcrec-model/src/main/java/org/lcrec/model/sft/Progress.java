package org.lcrec.model.sft;

/**
 * Training progress after an optimiser step.
 *
 * @param step optimiser steps done (1-based)
 * @param totalSteps optimiser steps of the whole run
 * @param epoch the current epoch (0-based)
 * @param loss mean loss of the step's micro-batches
 * @param lr the learning rate used
 * @param gradNorm the global gradient norm before clipping
 * @param tokensPerSecond input tokens (without padding) per second over this run so far
 * @param etaSeconds estimated seconds to the end at the current rate
 */
public record Progress(
        long step,
        long totalSteps,
        int epoch,
        double loss,
        double lr,
        double gradNorm,
        double tokensPerSecond,
        double etaSeconds) {
    /** Fraction done in [0, 1]. */
    public double fraction() {
        return totalSteps == 0 ? 1 : (double) step / totalSteps;
    }

    @Override
    public String toString() {
        return String.format(
                "step %d/%d (epoch %d) loss %.4f lr %.3g |g| %.3g %.0f tok/s ETA %.0fs",
                step, totalSteps, epoch, loss, lr, gradNorm, tokensPerSecond, etaSeconds);
    }
}
