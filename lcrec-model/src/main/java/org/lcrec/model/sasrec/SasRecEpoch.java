package org.lcrec.model.sasrec;

import java.util.Locale;

/**
 * Progress after one training epoch.
 *
 * @param epoch epochs done (1-based)
 * @param maxEpochs the epoch limit
 * @param loss mean training loss over the epoch's positions
 * @param validationNdcg NDCG@10 on the validation sample, NaN without validation
 * @param best whether this epoch's model is the best so far (and the one kept)
 * @param seconds wall time of the epoch's training steps (validation not included)
 * @param positionsPerSecond training positions (targets) per second in this epoch
 */
public record SasRecEpoch(
        int epoch,
        int maxEpochs,
        double loss,
        double validationNdcg,
        boolean best,
        double seconds,
        double positionsPerSecond) {
    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "epoch %d/%d loss %.4f ndcg@10 %.4f%s %.1fs (%.0f positions/s)",
                epoch,
                maxEpochs,
                loss,
                validationNdcg,
                best ? " (best)" : "",
                seconds,
                positionsPerSecond);
    }
}
