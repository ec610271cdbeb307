package org.lcrec.inference.baseline;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Uniformly random items: the floor every model must clear. Its expected HR@K is about K / items.
 * Deterministic: the draw depends on the seed and the history only.
 */
public final class RandomBaseline implements Baseline {
    private final int[] items;
    private final long seed;

    /**
     * @param items the candidate item ids
     * @param seed the seed
     */
    public RandomBaseline(int[] items, long seed) {
        Objects.requireNonNull(items, "items");
        if (items.length == 0) {
            throw new IllegalArgumentException("random baseline needs at least one item");
        }
        this.items = items.clone();
        this.seed = seed;
    }

    @Override
    public String name() {
        return "random";
    }

    @Override
    public int[] recommend(Query query, int k, boolean excludeHistory) {
        int[] history = query.history();
        SplittableRandom rng =
                new SplittableRandom(seed * 0x9E3779B97F4A7C15L + Arrays.hashCode(history));
        int[] pool = items.clone();
        int[] out = new int[Math.min(k, pool.length)];
        int n = 0;
        int remaining = pool.length;
        while (n < out.length && remaining > 0) {
            int j = rng.nextInt(remaining);
            int item = pool[j];
            pool[j] = pool[--remaining];
            if (!excludeHistory || !contains(history, item)) {
                out[n++] = item;
            }
        }
        return Arrays.copyOf(out, n);
    }

    static boolean contains(int[] a, int x) {
        for (int v : a) {
            if (v == x) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "RandomBaseline(items=" + items.length + ", seed=" + seed + ")";
    }
}
