package org.lcrec.onnx.train;

/**
 * The outcome of one {@link Trainer#step()} (one micro-batch).
 *
 * @param step the optimiser step this micro-batch belongs to (0-based)
 * @param loss the micro-batch loss
 * @param lr the learning rate used (or to be used) for the step
 * @param gradNorm the global gradient norm before clipping (of the accumulated gradient when an
 *     update was applied; of this micro-batch otherwise)
 * @param applied whether the optimiser update was applied after this micro-batch
 * @param ortNanos time inside ONNX Runtime
 * @param javaNanos time in Java outside ORT (feeds, checks, optimiser)
 */
public record StepResult(
        long step,
        float loss,
        double lr,
        double gradNorm,
        boolean applied,
        long ortNanos,
        long javaNanos) {
    @Override
    public String toString() {
        return String.format(
                "StepResult(step=%d, loss=%.6f, lr=%.3g, gradNorm=%.4g, applied=%s, ort=%.2fms, java=%.2fms)",
                step, loss, lr, gradNorm, applied, ortNanos / 1e6, javaNanos / 1e6);
    }
}
