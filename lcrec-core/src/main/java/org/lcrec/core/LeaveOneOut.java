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
        /** Copies the history. */
        public Sample {
            history = history.clone();
        }

        /**
         * @return a copy of the history, oldest first
         */
        @Override
        public int[] history() {
            return history.clone();
        }

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
     * A stretch of one user's training items to be written as one sequence, in which every item
     * from {@code firstTarget} on is a training target predicted from the items before it in the
     * window.
     *
     * @param userRow the user's row in the interactions
     * @param user the user id
     * @param items the window's items, oldest first
     * @param firstTarget index into {@code items} of the first target (>= 1)
     * @param from position of {@code items[0]} in the user's full sequence
     */
    public record Window(int userRow, String user, int[] items, int firstTarget, int from) {
        /** Validates and copies. */
        public Window {
            if (firstTarget < 1 || firstTarget >= items.length) {
                throw new IllegalArgumentException(
                        "window of "
                                + items.length
                                + " items: expected 1 <= firstTarget < "
                                + items.length
                                + ", found "
                                + firstTarget);
            }
            items = items.clone();
        }

        @Override
        public int[] items() {
            return items.clone();
        }

        /**
         * @return how many targets the window holds
         */
        public int targets() {
            return items.length - firstTarget;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Window w
                    && userRow == w.userRow
                    && user.equals(w.user)
                    && Arrays.equals(items, w.items)
                    && firstTarget == w.firstTarget
                    && from == w.from;
        }

        @Override
        public int hashCode() {
            return (31 * user.hashCode() + Arrays.hashCode(items)) * 31 + firstTarget;
        }

        @Override
        public String toString() {
            return "Window(user="
                    + user
                    + ", items="
                    + Arrays.toString(items)
                    + ", firstTarget="
                    + firstTarget
                    + ")";
        }
    }

    /**
     * The training split as whole sequences instead of one sample per position: every training
     * target of {@link Split#TRAIN} (positions {@code 1..n-3}, never the validation or test item)
     * appears in exactly one window, and no target sees more than {@link #maxHistory()} items
     * before it. A user whose training part (all but the last two items) fits in {@code maxHistory
     * + 1} items is one window, and then each target has exactly the history of its {@link
     * #samples} sample. Longer training parts are covered by windows of {@code maxHistory + 1}
     * items: the first holds targets {@code 1..maxHistory} (again with their sample's history);
     * each later one adds the next {@code stride} targets, so those see between {@code maxHistory +
     * 1 - stride} and {@code maxHistory} items instead of exactly {@code maxHistory}. Smaller
     * strides keep more context and repeat more tokens.
     *
     * @param data the interactions
     * @param stride new targets per later window, in {@code [1, maxHistory]} (ignored when the cap
     *     is 0 = unlimited: then every user is one window)
     * @return the windows, users in file order and windows in time order
     */
    public List<Window> trainingWindows(Interactions data, int stride) {
        if (maxHistory > 0 && (stride < 1 || stride > maxHistory)) {
            throw new IllegalArgumentException(
                    "stride must be in [1, maxHistory=" + maxHistory + "], found " + stride);
        }
        List<Window> out = new ArrayList<>();
        for (int r = 0; r < data.userCount(); r++) {
            int n = data.length(r) - 2; // the training part: all but the validation and test item
            if (n < 2) {
                continue;
            }
            int w = maxHistory == 0 ? n : Math.min(n, maxHistory + 1);
            out.add(window(data, r, 0, w, 1));
            int covered = w - 1; // the last target position so far
            while (covered < n - 1) {
                int end = Math.min(n, covered + 1 + stride);
                int start = Math.max(0, end - (maxHistory + 1));
                out.add(window(data, r, start, end, covered + 1 - start));
                covered = end - 1;
            }
        }
        return out;
    }

    private static Window window(Interactions data, int row, int start, int end, int first) {
        int[] items = new int[end - start];
        for (int i = start; i < end; i++) {
            items[i - start] = data.item(row, i);
        }
        return new Window(row, data.user(row), items, first, start);
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
