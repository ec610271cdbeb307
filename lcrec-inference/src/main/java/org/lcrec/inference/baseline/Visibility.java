package org.lcrec.inference.baseline;

import org.lcrec.core.Split;

/**
 * Which part of each user's sequence a baseline is fitted on when a split is evaluated. The choice
 * decides whether a baseline row and the model's row of a results table saw the same data.
 */
public enum Visibility {
    /**
     * What the model trains on: each sequence minus its last two items (LC-Rec's training samples
     * stop before the validation target), whichever split is evaluated. The default.
     */
    TRAINING_PART,
    /**
     * Everything but the evaluated target: for {@link Split#TEST} each sequence minus its last item
     * (so the validation transition is learned from), for {@link Split#VALID} minus the last two.
     * What the baselines used before the rules were explicit; kept to reproduce those figures.
     */
    ALL_BUT_TARGET;

    /**
     * @param split the split that will be evaluated
     * @return how many items at the end of each sequence the baseline must not learn from
     * @throws IllegalArgumentException for {@link Split#TRAIN}
     */
    public int heldOut(Split split) {
        if (split == null || split == Split.TRAIN) {
            throw new IllegalArgumentException(
                    "baselines are evaluated on VALID or TEST, found " + split);
        }
        return this == ALL_BUT_TARGET && split == Split.TEST ? 1 : 2;
    }
}
