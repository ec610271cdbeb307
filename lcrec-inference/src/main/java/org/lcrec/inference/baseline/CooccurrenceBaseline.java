package org.lcrec.inference.baseline;

import java.util.Arrays;
import java.util.Objects;
import org.lcrec.core.Interactions;
import org.lcrec.core.Split;

/**
 * Item-to-item co-occurrence: a candidate's score is the sum, over the user's most recent history
 * items, of how often the candidate followed that item within {@code window} steps in the visible
 * training data, weighted by {@code 1 / distance} in the training sequence and by {@code 1 /
 * (recency rank)} in the history. Items with no co-occurrence evidence fill the list by popularity.
 * A strong, transparent baseline for sequential data. When history items are excluded, they are
 * neither scored nor used as filling.
 */
public final class CooccurrenceBaseline implements Baseline {
    /** How far ahead a following item counts (3 balances signal and noise on Amazon data). */
    public static final int DEFAULT_WINDOW = 3;

    /** How many recent history items vote (older items add little on 5-core data). */
    public static final int DEFAULT_RECENT = 5;

    private final int[] offsets;
    private final int[] followers;
    private final float[] weights;
    private final PopularityBaseline fallback;
    private final int recent;
    private final int itemSpace;

    private CooccurrenceBaseline(
            int[] offsets,
            int[] followers,
            float[] weights,
            PopularityBaseline fallback,
            int recent) {
        this.offsets = offsets;
        this.followers = followers;
        this.weights = weights;
        this.fallback = fallback;
        this.recent = recent;
        this.itemSpace = offsets.length - 1;
    }

    /**
     * @param data the interactions
     * @param split the split to be evaluated
     * @param visibility which part of each sequence is learned from
     * @param items the candidate item ids
     * @return the fitted baseline with the default window and recency
     */
    public static CooccurrenceBaseline fit(
            Interactions data, Split split, Visibility visibility, int[] items) {
        return fit(data, split, visibility, items, DEFAULT_WINDOW, DEFAULT_RECENT);
    }

    /**
     * @param data the interactions
     * @param split the split to be evaluated
     * @param visibility which part of each sequence is learned from
     * @param items the candidate item ids
     * @param window how many following items co-occur with an item
     * @param recent how many recent history items vote
     * @return the fitted baseline
     */
    public static CooccurrenceBaseline fit(
            Interactions data,
            Split split,
            Visibility visibility,
            int[] items,
            int window,
            int recent) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(visibility, "visibility");
        Objects.requireNonNull(items, "items");
        if (window < 1 || recent < 1) {
            throw new IllegalArgumentException(
                    "window and recent must be >= 1, found " + window + ", " + recent);
        }
        int held = visibility.heldOut(split);
        int space = Arrays.stream(items).max().orElse(-1) + 1;
        space = Math.max(space, Arrays.stream(data.distinctItems()).max().orElse(-1) + 1);
        // pairs (a, b) packed in a long, weight 1/d: sort once, then merge duplicates into CSR rows
        int pairs = 0;
        for (int r = 0; r < data.userCount(); r++) {
            int n = Math.max(0, data.length(r) - held);
            for (int i = 0; i < n; i++) {
                pairs += Math.min(window, n - 1 - i);
            }
        }
        long[] keys = new long[pairs];
        float[] w = new float[pairs];
        int k = 0;
        for (int r = 0; r < data.userCount(); r++) {
            int n = data.length(r) - held;
            for (int i = 0; i < n; i++) {
                for (int d = 1; d <= window && i + d < n; d++) {
                    keys[k] = ((long) data.item(r, i) << 32) | data.item(r, i + d);
                    w[k++] = 1f / d;
                }
            }
        }
        Integer[] order = new Integer[pairs];
        for (int i = 0; i < pairs; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Long.compare(keys[x], keys[y]));
        int[] offsets = new int[space + 1];
        int[] followers = new int[pairs];
        float[] weights = new float[pairs];
        int m = 0;
        long last = -1;
        for (int i = 0; i < pairs; i++) {
            int o = order[i];
            if (keys[o] != last) {
                followers[m] = (int) keys[o];
                offsets[(int) (keys[o] >>> 32) + 1]++;
                m++;
                last = keys[o];
            }
            weights[m - 1] += w[o];
        }
        for (int i = 0; i < space; i++) {
            offsets[i + 1] += offsets[i];
        }
        return new CooccurrenceBaseline(
                offsets,
                Arrays.copyOf(followers, m),
                Arrays.copyOf(weights, m),
                PopularityBaseline.fit(data, split, visibility, items),
                recent);
    }

    @Override
    public String name() {
        return "co-occurrence";
    }

    @Override
    public int[] recommend(Query query, int k, boolean excludeHistory) {
        int[] history = query.history();
        float[] score = new float[itemSpace];
        int[] touched = new int[16];
        int nt = 0;
        for (int j = 0; j < Math.min(recent, history.length); j++) {
            int h = history[history.length - 1 - j];
            if (h < 0 || h >= itemSpace) {
                continue;
            }
            float recency = 1f / (j + 1);
            for (int t = offsets[h]; t < offsets[h + 1]; t++) {
                int c = followers[t];
                if (excludeHistory && RandomBaseline.contains(history, c)) {
                    continue;
                }
                if (score[c] == 0) {
                    if (nt == touched.length) {
                        touched = Arrays.copyOf(touched, nt * 2);
                    }
                    touched[nt++] = c;
                }
                score[c] += weights[t] * recency;
            }
        }
        Integer[] cand = new Integer[nt];
        for (int i = 0; i < nt; i++) {
            cand[i] = touched[i];
        }
        Arrays.sort(
                cand,
                (a, b) -> {
                    int c = Float.compare(score[b], score[a]);
                    return c != 0 ? c : Integer.compare(a, b);
                });
        int[] out = new int[k];
        int n = 0;
        for (int i = 0; i < nt && n < k; i++) {
            out[n++] = cand[i];
        }
        if (n < k) {
            for (int item : fallback.recommend(query, k + n, excludeHistory)) {
                if (n == k) {
                    break;
                }
                if (score[item] == 0) {
                    out[n++] = item;
                }
            }
        }
        return Arrays.copyOf(out, n);
    }

    @Override
    public String toString() {
        return "CooccurrenceBaseline(pairs=" + followers.length + ", recent=" + recent + ")";
    }
}
