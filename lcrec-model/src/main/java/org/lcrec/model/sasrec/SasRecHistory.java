package org.lcrec.model.sasrec;

import java.util.List;
import java.util.Locale;

/**
 * How a {@link SasRecModel} was trained.
 *
 * @param epochLoss mean training loss per epoch
 * @param epochSeconds training wall time per epoch (validation not included)
 * @param validationNdcg validation NDCG@10 per epoch, NaN without validation
 * @param bestEpoch the epoch (1-based) whose parameters the model holds; the last epoch without
 *     validation
 * @param stoppedEarly whether patience ran out before {@code maxEpochs}
 * @param resumedFromEpoch the epoch the last run resumed from a checkpoint after, 0 when none
 * @param windows training windows per epoch
 * @param positions training positions (targets) per epoch
 */
public record SasRecHistory(
        List<Double> epochLoss,
        List<Double> epochSeconds,
        List<Double> validationNdcg,
        int bestEpoch,
        boolean stoppedEarly,
        int resumedFromEpoch,
        int windows,
        long positions) {
    /** Copies the lists. */
    public SasRecHistory {
        epochLoss = List.copyOf(epochLoss);
        epochSeconds = List.copyOf(epochSeconds);
        validationNdcg = List.copyOf(validationNdcg);
    }

    /**
     * @return epochs trained
     */
    public int epochs() {
        return epochLoss.size();
    }

    /**
     * @return the best validation NDCG@10, NaN without validation
     */
    public double bestNdcg() {
        return bestEpoch >= 1 && bestEpoch <= validationNdcg.size()
                ? validationNdcg.get(bestEpoch - 1)
                : Double.NaN;
    }

    /**
     * @return mean training seconds per epoch (0 before any epoch)
     */
    public double secondsPerEpoch() {
        return epochSeconds.isEmpty()
                ? 0
                : epochSeconds.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "SasRecHistory(epochs=%d, bestEpoch=%d, bestNdcg@10=%.4f, finalLoss=%.4f,"
                        + " stoppedEarly=%s, resumedFromEpoch=%d, windows=%d, positions=%d,"
                        + " secondsPerEpoch=%.2f)",
                epochs(),
                bestEpoch,
                bestNdcg(),
                epochLoss.isEmpty() ? Double.NaN : epochLoss.get(epochLoss.size() - 1),
                stoppedEarly,
                resumedFromEpoch,
                windows,
                positions,
                secondsPerEpoch());
    }
}
