package org.lcrec.inference.baseline;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.lcrec.core.Interactions;
import org.lcrec.core.Split;

/**
 * Item-to-item co-occurrence: a candidate's score is the sum, over the user's most recent history
 * items, of how often the candidate followed that item within {@code window} steps in the visible
 * training data, weighted by {@code 1 / distance} in the training sequence and by {@code 1 /
 * (recency rank)} in the history. Items with no co-occurrence evidence fill the list by popularity.
 * A strong, transparent baseline for sequential data.
 */
public final class CooccurrenceBaseline implements Baseline {
    /** How far ahead a following item counts (3 balances signal and noise on Amazon data). */
    public static final int DEFAULT_WINDOW = 3;

    /** How many recent history items vote (older items add little on 5-core data). */
    public static final int DEFAULT_RECENT = 5;

    private final Map<Integer, int[]> nextItems;
    private final Map<Integer, float[]> nextWeights;
    private final PopularityBaseline fallback;
    private final int recent;

    private CooccurrenceBaseline(
            Map<Integer, int[]> nextItems,
            Map<Integer, float[]> nextWeights,
            PopularityBaseline fallback,
            int recent) {
        this.nextItems = nextItems;
        this.nextWeights = nextWeights;
        this.fallback = fallback;
        this.recent = recent;
    }

    /**
     * @param data the interactions
     * @param split the split to be evaluated (decides which items are held out)
     * @param items the candidate item ids
     * @return the fitted baseline with the default window and recency
     */
    public static CooccurrenceBaseline fit(Interactions data, Split split, int[] items) {
        return fit(data, split, items, DEFAULT_WINDOW, DEFAULT_RECENT);
    }

    /**
     * @param data the interactions
     * @param split the split to be evaluated
     * @param items the candidate item ids
     * @param window how many following items co-occur with an item
     * @param recent how many recent history items vote
     * @return the fitted baseline
     */
    public static CooccurrenceBaseline fit(
            Interactions data, Split split, int[] items, int window, int recent) {
        if (window < 1 || recent < 1) {
            throw new IllegalArgumentException(
                    "window and recent must be >= 1, found " + window + ", " + recent);
        }
        int held = Baseline.heldOut(split);
        Map<Integer, Map<Integer, Float>> m = new HashMap<>();
        for (int r = 0; r < data.userCount(); r++) {
            int n = data.length(r) - held;
            for (int i = 0; i < n; i++) {
                int a = data.item(r, i);
                for (int d = 1; d <= window && i + d < n; d++) {
                    m.computeIfAbsent(a, x -> new HashMap<>())
                            .merge(data.item(r, i + d), 1f / d, Float::sum);
                }
            }
        }
        Map<Integer, int[]> ids = new HashMap<>(m.size() * 2);
        Map<Integer, float[]> ws = new HashMap<>(m.size() * 2);
        for (Map.Entry<Integer, Map<Integer, Float>> e : m.entrySet()) {
            int[] keys =
                    e.getValue().keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
            float[] w = new float[keys.length];
            for (int j = 0; j < keys.length; j++) {
                w[j] = e.getValue().get(keys[j]);
            }
            ids.put(e.getKey(), keys);
            ws.put(e.getKey(), w);
        }
        return new CooccurrenceBaseline(
                ids, ws, PopularityBaseline.fit(data, split, items), recent);
    }

    @Override
    public String name() {
        return "co-occurrence";
    }

    @Override
    public int[] recommend(int[] history, int k) {
        Map<Integer, Float> score = new HashMap<>();
        for (int j = 0; j < Math.min(recent, history.length); j++) {
            int h = history[history.length - 1 - j];
            int[] next = nextItems.get(h);
            if (next == null) {
                continue;
            }
            float[] w = nextWeights.get(h);
            float recency = 1f / (j + 1);
            for (int t = 0; t < next.length; t++) {
                if (!RandomBaseline.contains(history, next[t])) {
                    score.merge(next[t], w[t] * recency, Float::sum);
                }
            }
        }
        Integer[] cand = score.keySet().toArray(new Integer[0]);
        Arrays.sort(
                cand,
                (a, b) -> {
                    int c = Float.compare(score.get(b), score.get(a));
                    return c != 0 ? c : Integer.compare(a, b);
                });
        int[] out = new int[k];
        int n = 0;
        for (int i = 0; i < cand.length && n < k; i++) {
            out[n++] = cand[i];
        }
        if (n < k) {
            for (int item : fallback.recommend(history, k + n)) {
                if (n == k) {
                    break;
                }
                if (!score.containsKey(item)) {
                    out[n++] = item;
                }
            }
        }
        return Arrays.copyOf(out, n);
    }

    @Override
    public String toString() {
        return "CooccurrenceBaseline(items with followers="
                + nextItems.size()
                + ", recent="
                + recent
                + ")";
    }
}
