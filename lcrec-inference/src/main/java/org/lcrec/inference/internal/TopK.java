package org.lcrec.inference.internal;

/**
 * A bounded selection of the {@code k} best candidates by score, with a deterministic order on
 * ties: a higher score wins; on equal scores the smaller {@code key} wins (the beam search uses
 * {@code key = beam · vocabulary + token}, i.e. the earlier beam, then the smaller token id).
 *
 * <p>A binary min-heap whose root is the worst kept candidate; offering a candidate costs O(1) when
 * it is rejected and O(log k) when it is kept. Reusable via {@link #reset(int)}; not thread-safe.
 */
public final class TopK {
    private final float[] score;
    private final long[] key;
    private int size;
    private int k;
    private long firstNaN = -1;
    private long firstNegInf = -1;

    /**
     * @param capacity the largest {@code k} this selection will be reset to
     */
    public TopK(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, found " + capacity);
        }
        score = new float[capacity];
        key = new long[capacity];
    }

    /**
     * Empties the selection.
     *
     * @param newK how many candidates to keep, 1..capacity
     */
    public void reset(int newK) {
        if (newK < 1 || newK > score.length) {
            throw new IllegalArgumentException(
                    "k must be in [1, " + score.length + "], found " + newK);
        }
        k = newK;
        size = 0;
        firstNaN = -1;
        firstNegInf = -1;
    }

    /**
     * @return the key of the first NaN score offered since the last {@link #reset}, or -1 if there
     *     was none (NaN scores are never kept, so a caller that must not ignore them asks here)
     */
    public long firstNaNKey() {
        return firstNaN;
    }

    /**
     * @return the key of the first -infinity score offered since the last {@link #reset}, or -1 if
     *     there was none (never kept either)
     */
    public long firstNegativeInfinityKey() {
        return firstNegInf;
    }

    /**
     * @return the number of candidates kept so far
     */
    public int size() {
        return size;
    }

    /**
     * @return the score a new candidate must beat once the selection is full, else -infinity
     */
    public float threshold() {
        return size < k ? Float.NEGATIVE_INFINITY : score[0];
    }

    /**
     * Offers a candidate. NaN and -infinity scores are never kept; the first of each is remembered
     * ({@link #firstNaNKey}, {@link #firstNegativeInfinityKey}).
     *
     * @param s the score
     * @param candidateKey the tie-breaking key (smaller wins on equal scores)
     */
    public void offer(float s, long candidateKey) {
        if (!(s > Float.NEGATIVE_INFINITY)) {
            // on the rejection path, so a finite candidate pays nothing for the check
            if (s != s) {
                if (firstNaN < 0) {
                    firstNaN = candidateKey;
                }
            } else if (firstNegInf < 0) {
                firstNegInf = candidateKey;
            }
            return;
        }
        if (size < k) {
            int i = size++;
            score[i] = s;
            key[i] = candidateKey;
            siftUp(i);
        } else if (better(s, candidateKey, score[0], key[0])) {
            score[0] = s;
            key[0] = candidateKey;
            siftDown(0);
        }
    }

    /**
     * Writes the kept candidates best first and empties the selection.
     *
     * @param scores receives the scores, best first (length >= size)
     * @param keys receives the keys in the same order
     * @return the number written
     */
    public int drainBestFirst(float[] scores, long[] keys) {
        int n = size;
        for (int i = n - 1; i >= 0; i--) {
            scores[i] = score[0];
            keys[i] = key[0];
            size--;
            score[0] = score[size];
            key[0] = key[size];
            siftDown(0);
        }
        return n;
    }

    private static boolean better(float s1, long k1, float s2, long k2) {
        return s1 > s2 || (s1 == s2 && k1 < k2);
    }

    private void siftUp(int i) {
        float s = score[i];
        long kk = key[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!better(score[parent], key[parent], s, kk)) {
                break;
            }
            score[i] = score[parent];
            key[i] = key[parent];
            i = parent;
        }
        score[i] = s;
        key[i] = kk;
    }

    private void siftDown(int i) {
        float s = score[i];
        long kk = key[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            int right = child + 1;
            if (right < size && better(score[child], key[child], score[right], key[right])) {
                child = right;
            }
            if (!better(s, kk, score[child], key[child])) {
                break;
            }
            score[i] = score[child];
            key[i] = key[child];
            i = child;
        }
        score[i] = s;
        key[i] = kk;
    }
}
