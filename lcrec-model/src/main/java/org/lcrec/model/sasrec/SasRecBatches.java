package org.lcrec.model.sasrec;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Training windows and their batches. A window is a run of at least two consecutive items of one
 * user's training sequence, stored as item rows + 1; its inputs are all items but the last and its
 * targets all items but the first, so every position carries a loss.
 */
final class SasRecBatches {
    /** Windows as item rows + 1, each of 2 to {@code maxLength + 1} items. */
    final int[][] windows;

    /** For each window, the index of its sequence in the list given to {@link #of}. */
    final int[] sequenceOf;

    /** Loss positions per epoch (the sum of window lengths minus one). */
    final long positions;

    private final int maxLength;

    private SasRecBatches(int[][] windows, int[] sequenceOf, int maxLength) {
        this.windows = windows;
        this.sequenceOf = sequenceOf;
        this.maxLength = maxLength;
        long p = 0;
        for (int[] w : windows) {
            p += w.length - 1;
        }
        this.positions = p;
    }

    /**
     * Cuts training sequences into windows.
     *
     * @param sequences item rows + 1 per user (sequences of fewer than 2 items give no window)
     * @param maxLength the model's history length; a window holds up to {@code maxLength + 1}
     * @param policy which windows a longer sequence gives
     */
    static SasRecBatches of(List<int[]> sequences, int maxLength, WindowPolicy policy) {
        List<int[]> out = new ArrayList<>();
        List<Integer> owner = new ArrayList<>();
        for (int u = 0; u < sequences.size(); u++) {
            int[] s = sequences.get(u);
            // windows end (exclusively) at n, n - maxLength, ...: consecutive windows share one
            // item, so each transition s[i] -> s[i+1] is a target exactly once
            for (int end = s.length; end >= 2; end -= maxLength) {
                int start = Math.max(0, end - maxLength - 1);
                int[] w = new int[end - start];
                System.arraycopy(s, start, w, 0, w.length);
                out.add(w);
                owner.add(u);
                if (policy == WindowPolicy.MOST_RECENT) {
                    break;
                }
            }
        }
        int[] own = new int[owner.size()];
        for (int i = 0; i < own.length; i++) {
            own[i] = owner.get(i);
        }
        return new SasRecBatches(out.toArray(new int[0][]), own, maxLength);
    }

    /**
     * @return the number of windows
     */
    int size() {
        return windows.length;
    }

    /**
     * @param batchSize windows per batch
     * @return batches per epoch
     */
    int batchesPerEpoch(int batchSize) {
        return (windows.length + batchSize - 1) / batchSize;
    }

    /**
     * The batches of one epoch: the windows in an order drawn from {@code (seed, epoch)} alone, so
     * a resumed run sees the same batches as an uninterrupted one.
     *
     * @return window indices per batch
     */
    List<int[]> epoch(int batchSize, long seed, int epoch) {
        int n = windows.length;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        // the golden-ratio increment decorrelates the streams of consecutive epochs
        SplittableRandom rng = new SplittableRandom(seed + 0x9E3779B97F4A7C15L * (epoch + 1L));
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        List<int[]> batches = new ArrayList<>();
        for (int from = 0; from < n; from += batchSize) {
            int[] b = new int[Math.min(batchSize, n - from)];
            System.arraycopy(order, from, b, 0, b.length);
            batches.add(b);
        }
        return batches;
    }

    /**
     * One padded batch.
     *
     * @param rows windows in the batch
     * @param length the padded length (the longest window's inputs)
     * @param ids item rows + 1, left-padded with 0 {@code [rows * length]}
     * @param positions learned-position index per column {@code [rows * length]}
     * @param lossPositions flat indices {@code row * length + t} of the real inputs
     * @param labels the item row (0-based) that follows each loss position
     */
    record Batch(
            int rows,
            int length,
            long[] ids,
            long[] positions,
            long[] lossPositions,
            long[] labels) {}

    /**
     * Pads the given windows on the left to the longest one; column {@code t} gets position {@code
     * maxLength - length + t}, so the newest item is always at position {@code maxLength - 1}.
     */
    Batch assemble(int[] members) {
        int length = 0;
        int targets = 0;
        for (int m : members) {
            length = Math.max(length, windows[m].length - 1);
            targets += windows[m].length - 1;
        }
        int rows = members.length;
        long[] ids = new long[rows * length];
        long[] pos = new long[rows * length];
        long[] where = new long[targets];
        long[] labels = new long[targets];
        int k = 0;
        for (int r = 0; r < rows; r++) {
            int[] w = windows[members[r]];
            int inputs = w.length - 1;
            int offset = length - inputs;
            for (int t = 0; t < length; t++) {
                pos[r * length + t] = maxLength - length + t;
            }
            for (int t = 0; t < inputs; t++) {
                int flat = r * length + offset + t;
                ids[flat] = w[t];
                where[k] = flat;
                labels[k] = w[t + 1] - 1;
                k++;
            }
        }
        return new Batch(rows, length, ids, pos, where, labels);
    }
}
