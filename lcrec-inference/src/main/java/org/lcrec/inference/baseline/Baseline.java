package org.lcrec.inference.baseline;

import org.lcrec.core.Interactions;
import org.lcrec.core.Split;

/**
 * A recommender fitted from interactions alone. Implementations never recommend an item that is
 * already in the history (the datasets have no repeated items) and are deterministic.
 */
public sealed interface Baseline permits RandomBaseline, PopularityBaseline, CooccurrenceBaseline {
    /**
     * @return a short name for tables ({@code random}, {@code most-popular}, {@code co-occurrence})
     */
    String name();

    /**
     * @param history the user's items, oldest first
     * @param k how many items
     * @return up to {@code k} distinct item ids, best first
     */
    int[] recommend(int[] history, int k);

    /**
     * The part of each user's sequence a baseline may learn from when evaluated on a split: for
     * {@link Split#TEST} everything but the last item, for {@link Split#VALID} everything but the
     * last two.
     *
     * @param split the split that will be evaluated
     * @return how many items at the end of each sequence are held out
     */
    static int heldOut(Split split) {
        return switch (split) {
            case TEST -> 1;
            case VALID -> 2;
            case TRAIN ->
                    throw new IllegalArgumentException(
                            "baselines are evaluated on valid or test, not train");
        };
    }

    /**
     * Counts item occurrences in the visible part of every sequence.
     *
     * @param data the interactions
     * @param split the split to be evaluated
     * @param itemSpace one more than the largest item id
     * @return counts per item id
     */
    static long[] counts(Interactions data, Split split, int itemSpace) {
        long[] c = new long[itemSpace];
        int held = heldOut(split);
        for (int r = 0; r < data.userCount(); r++) {
            for (int p = 0; p < data.length(r) - held; p++) {
                c[data.item(r, p)]++;
            }
        }
        return c;
    }
}
