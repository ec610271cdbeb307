package org.lcrec.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * LC-Rec's leave-one-out split, computed on the fly from complete sequences.
 *
 * <p>Per user with items {@code s[0..n-1]}: the test target is {@code s[n-1]} (history {@code
 * s[0..n-2]}), the validation target {@code s[n-2]} (history {@code s[0..n-3]}), and each training
 * target {@code s[i]} for {@code i = 1..n-3} (history {@code s[0..i-1]}). Histories keep the most
 * recent {@link #maxHistory()} items. A user too short for a split (fewer than 2 items for test, 3
 * for validation) contributes nothing to it.
 *
 * @param maxHistory the history cap; {@code 0} means unlimited (LC-Rec's default is 20)
 */
public record LeaveOneOut(int maxHistory) {
    /** LC-Rec's {@code --max_his_len} default. */
    public static final int DEFAULT_MAX_HISTORY = 20;

    /** Validates the cap. */
    public LeaveOneOut {
        if (maxHistory < 0) {
            throw new IllegalArgumentException(
                    "maxHistory must be >= 0 (0 = unlimited), found " + maxHistory);
        }
    }

    /**
     * @return the split with LC-Rec's default history cap of 20
     */
    public static LeaveOneOut lcRec() {
        return new LeaveOneOut(DEFAULT_MAX_HISTORY);
    }

    /**
     * One (history, target) example.
     *
     * @param userRow the user's row in the interactions
     * @param user the user id
     * @param history the (capped) history, oldest first
     * @param target the item to predict
     * @param position the target's position in the user's full sequence
     */
    public record Sample(int userRow, String user, int[] history, int target, int position) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Sample s
                    && userRow == s.userRow
                    && user.equals(s.user)
                    && Arrays.equals(history, s.history)
                    && target == s.target
                    && position == s.position;
        }

        @Override
        public int hashCode() {
            return (31 * user.hashCode() + Arrays.hashCode(history)) * 31 + target;
        }

        @Override
        public String toString() {
            return "Sample(user="
                    + user
                    + ", history="
                    + Arrays.toString(history)
                    + ", target="
                    + target
                    + ")";
        }
    }

    /**
     * @param data the interactions
     * @param split which part
     * @return how many samples {@link #samples} yields, without building them
     */
    public long count(Interactions data, Split split) {
        long n = 0;
        for (int r = 0; r < data.userCount(); r++) {
            int len = data.length(r);
            n +=
                    switch (split) {
                        case TRAIN -> Math.max(0, len - 3);
                        case VALID -> len >= 3 ? 1 : 0;
                        case TEST -> len >= 2 ? 1 : 0;
                    };
        }
        return n;
    }

    /**
     * The samples of a split, lazily, users in file order and positions ascending.
     *
     * @param data the interactions
     * @param split which part
     * @return the samples
     */
    public Stream<Sample> samples(Interactions data, Split split) {
        Iterator<Sample> it = iterator(data, split);
        return StreamSupport.stream(
                Spliterators.spliterator(
                        it, count(data, split), Spliterator.ORDERED | Spliterator.NONNULL),
                false);
    }

    /**
     * @param data the interactions
     * @param split which part
     * @return the samples as a list
     */
    public List<Sample> list(Interactions data, Split split) {
        List<Sample> out = new ArrayList<>((int) Math.min(Integer.MAX_VALUE, count(data, split)));
        iterator(data, split).forEachRemaining(out::add);
        return out;
    }

    /**
     * The sample for one user's full sequence at the given target position.
     *
     * @param data the interactions
     * @param row the user's row
     * @param position the target position (>= 1)
     * @return the sample
     */
    public Sample sampleAt(Interactions data, int row, int position) {
        int from = maxHistory == 0 ? 0 : Math.max(0, position - maxHistory);
        int[] history = new int[position - from];
        for (int i = from; i < position; i++) {
            history[i - from] = data.item(row, i);
        }
        return new Sample(row, data.user(row), history, data.item(row, position), position);
    }

    /**
     * The history to recommend from after a user's whole sequence (for serving, not evaluation).
     *
     * @param sequence the user's items in time order
     * @return the most recent {@link #maxHistory()} items
     */
    public int[] capHistory(int[] sequence) {
        int from = maxHistory == 0 ? 0 : Math.max(0, sequence.length - maxHistory);
        return Arrays.copyOfRange(sequence, from, sequence.length);
    }

    private Iterator<Sample> iterator(Interactions data, Split split) {
        return new Iterator<>() {
            int row = 0;
            int pos = -1;

            {
                advance();
            }

            private void advance() {
                while (row < data.userCount()) {
                    int len = data.length(row);
                    switch (split) {
                        case TRAIN -> {
                            pos = pos < 0 ? 1 : pos + 1;
                            if (pos <= len - 3) {
                                return;
                            }
                        }
                        case VALID -> {
                            if (pos < 0 && len >= 3) {
                                pos = len - 2;
                                return;
                            }
                        }
                        case TEST -> {
                            if (pos < 0 && len >= 2) {
                                pos = len - 1;
                                return;
                            }
                        }
                    }
                    row++;
                    pos = -1;
                }
            }

            @Override
            public boolean hasNext() {
                return row < data.userCount();
            }

            @Override
            public Sample next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Sample s = sampleAt(data, row, pos);
                if (split != Split.TRAIN) {
                    row++;
                    pos = -1;
                }
                advance();
                return s;
            }
        };
    }

    @Override
    public String toString() {
        return "LeaveOneOut(maxHistory=" + (maxHistory == 0 ? "unlimited" : maxHistory) + ")";
    }
}
