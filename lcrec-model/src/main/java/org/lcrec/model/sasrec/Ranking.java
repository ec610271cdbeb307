package org.lcrec.model.sasrec;

/**
 * Top-k selection and ranks over one row of item scores. Order: higher score first, then lower item
 * row (= lower item id, since rows are sorted by id); excluded rows never rank.
 */
final class Ranking {
    private Ranking() {}

    /**
     * The rows of the {@code k} best scores, best first.
     *
     * @param scores scores per item row, {@code scores[offset + row]}
     * @param offset where the row's scores start
     * @param items number of item rows
     * @param k how many (fewer are returned when fewer rows are allowed)
     * @param excluded rows to leave out ({@code excluded[row]}), or null
     * @implNote insertion into a sorted buffer of {@code k}: O(items) when most scores fall below
     *     the current k-th best, O(items * k) at worst; no allocation beyond the result.
     */
    static int[] topK(float[] scores, int offset, int items, int k, boolean[] excluded) {
        int[] rows = new int[Math.max(0, Math.min(k, items))];
        if (rows.length == 0) {
            return rows;
        }
        float[] best = new float[rows.length];
        int n = 0;
        for (int r = 0; r < items; r++) {
            if (excluded != null && excluded[r]) {
                continue;
            }
            float s = scores[offset + r];
            if (n == rows.length && !(s > best[n - 1])) {
                continue; // rows ascend, so an equal score never displaces an earlier row
            }
            int at = n == rows.length ? n - 1 : n++;
            while (at > 0 && s > best[at - 1]) {
                best[at] = best[at - 1];
                rows[at] = rows[at - 1];
                at--;
            }
            best[at] = s;
            rows[at] = r;
        }
        if (n == rows.length) {
            return rows;
        }
        int[] r = new int[n];
        System.arraycopy(rows, 0, r, 0, n);
        return r;
    }

    /**
     * The 1-based rank of {@code target} among the allowed rows, in the order of {@link #topK}.
     *
     * @return the rank, or {@code Integer.MAX_VALUE} when the target is excluded or not a row
     */
    static int rank(float[] scores, int offset, int items, int target, boolean[] excluded) {
        if (target < 0 || target >= items || (excluded != null && excluded[target])) {
            return Integer.MAX_VALUE;
        }
        float t = scores[offset + target];
        int ahead = 0;
        for (int r = 0; r < items; r++) {
            float s = scores[offset + r];
            if ((s > t || (s == t && r < target)) && (excluded == null || !excluded[r])) {
                ahead++;
            }
        }
        return ahead + 1;
    }
}
