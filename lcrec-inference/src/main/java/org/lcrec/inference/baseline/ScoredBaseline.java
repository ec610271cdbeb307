package org.lcrec.inference.baseline;

import java.util.Arrays;
import java.util.Objects;
import org.lcrec.inference.internal.TopK;

/** {@link Baseline#of}: top-k candidates of a scoring function. */
final class ScoredBaseline implements Baseline {
    private final String name;
    private final int[] items;
    private final Baseline.ScoringFunction scoring;

    ScoredBaseline(String name, int[] items, Baseline.ScoringFunction scoring) {
        Objects.requireNonNull(items, "items");
        if (name == null || name.isBlank() || scoring == null) {
            throw new IllegalArgumentException(
                    "expected a name and a scoring function, found " + name + ", " + scoring);
        }
        if (items == null || items.length == 0) {
            throw new IllegalArgumentException(
                    "baseline " + name + ": expected at least one candidate item, found none");
        }
        this.name = name;
        this.items = Arrays.stream(items).sorted().distinct().toArray();
        if (this.items[0] < 0) {
            throw new IllegalArgumentException(
                    "baseline " + name + ": item ids must be >= 0, found " + this.items[0]);
        }
        this.scoring = scoring;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int[] recommend(Query query, int k, boolean excludeHistory) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, found " + k);
        }
        float[] s = scoring.scores(query);
        int largest = items[items.length - 1];
        if (s == null || s.length <= largest) {
            throw new IllegalArgumentException(
                    "baseline "
                            + name
                            + ": expected a score per item id (length > "
                            + largest
                            + "), found "
                            + (s == null ? "null" : "length " + s.length));
        }
        int[] excluded = excludeHistory ? query.history() : new int[0];
        Arrays.sort(excluded);
        TopK top = new TopK(Math.min(k, items.length));
        top.reset(Math.min(k, items.length));
        for (int item : items) {
            if (excluded.length == 0 || Arrays.binarySearch(excluded, item) < 0) {
                top.offer(s[item], item);
            }
        }
        float[] scores = new float[top.size()];
        long[] keys = new long[top.size()];
        int n = top.drainBestFirst(scores, keys);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = (int) keys[i];
        }
        return out;
    }

    @Override
    public String toString() {
        return "Baseline(" + name + ", items=" + items.length + ")";
    }
}
