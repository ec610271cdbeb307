package org.lcrec.inference;

import java.util.Arrays;
import java.util.List;
import org.lcrec.core.UnknownItemPolicy;

/**
 * The top-K predictions for one prompt, best first.
 *
 * @param items the predictions (distinct items; with {@link ConstraintMode#PER_POSITION} invalid
 *     predictions keep their rank, as in LC-Rec)
 * @param skippedHistoryItems history items left out because the index lacks them ({@link
 *     UnknownItemPolicy#SKIP})
 * @param invalidPredictions how many of {@code items} name no item
 */
public record Recommendation(
        List<ScoredItem> items, int[] skippedHistoryItems, int invalidPredictions) {
    /** Copies the lists. */
    public Recommendation {
        items = List.copyOf(items);
        skippedHistoryItems = skippedHistoryItems.clone();
    }

    /**
     * @return a copy of the history items left out
     */
    @Override
    public int[] skippedHistoryItems() {
        return skippedHistoryItems.clone();
    }

    /**
     * @return the predicted item ids in rank order (-1 for invalid predictions)
     */
    public int[] itemIds() {
        int[] ids = new int[items.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = items.get(i).item();
        }
        return ids;
    }

    /**
     * @param item an item id
     * @return its 1-based rank, or 0 if it is not among the predictions
     */
    public int rankOf(int item) {
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i).item() == item) {
                return i + 1;
            }
        }
        return 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Recommendation r
                && items.equals(r.items)
                && Arrays.equals(skippedHistoryItems, r.skippedHistoryItems)
                && invalidPredictions == r.invalidPredictions;
    }

    @Override
    public int hashCode() {
        return items.hashCode() * 31 + Arrays.hashCode(skippedHistoryItems);
    }

    @Override
    public String toString() {
        return "Recommendation(items="
                + items
                + ", skipped="
                + Arrays.toString(skippedHistoryItems)
                + ", invalid="
                + invalidPredictions
                + ")";
    }
}
