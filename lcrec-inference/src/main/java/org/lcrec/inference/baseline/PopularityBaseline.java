package org.lcrec.inference.baseline;

import java.util.Arrays;
import java.util.Objects;
import org.lcrec.core.Interactions;
import org.lcrec.core.Split;

/** The most frequent items of the visible part of the sequences; ties go to the smaller item id. */
public final class PopularityBaseline implements Baseline {
    private final int[] ranked;

    private PopularityBaseline(int[] ranked) {
        this.ranked = ranked;
    }

    /**
     * @param data the interactions
     * @param split the split to be evaluated
     * @param visibility which part of each sequence is counted
     * @param items the candidate item ids
     * @return the fitted baseline
     */
    public static PopularityBaseline fit(
            Interactions data, Split split, Visibility visibility, int[] items) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(visibility, "visibility");
        Objects.requireNonNull(items, "items");
        int space = Arrays.stream(items).max().orElse(-1) + 1;
        space = Math.max(space, Arrays.stream(data.distinctItems()).max().orElse(-1) + 1);
        long[] c = counts(data, visibility.heldOut(split), space);
        Integer[] order = Arrays.stream(items).boxed().toArray(Integer[]::new);
        Arrays.sort(
                order, (a, b) -> c[a] != c[b] ? Long.compare(c[b], c[a]) : Integer.compare(a, b));
        return new PopularityBaseline(Arrays.stream(order).mapToInt(Integer::intValue).toArray());
    }

    /** Item occurrences in every sequence minus its last {@code heldOut} items. */
    static long[] counts(Interactions data, int heldOut, int itemSpace) {
        long[] c = new long[itemSpace];
        for (int r = 0; r < data.userCount(); r++) {
            for (int p = 0; p < data.length(r) - heldOut; p++) {
                c[data.item(r, p)]++;
            }
        }
        return c;
    }

    @Override
    public String name() {
        return "most-popular";
    }

    @Override
    public int[] recommend(Query query, int k, boolean excludeHistory) {
        int[] history = query.history();
        int[] out = new int[Math.min(k, ranked.length)];
        int n = 0;
        for (int i = 0; i < ranked.length && n < out.length; i++) {
            if (!excludeHistory || !RandomBaseline.contains(history, ranked[i])) {
                out[n++] = ranked[i];
            }
        }
        return Arrays.copyOf(out, n);
    }

    @Override
    public String toString() {
        return "PopularityBaseline(items=" + ranked.length + ")";
    }
}
