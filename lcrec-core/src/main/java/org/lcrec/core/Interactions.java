package org.lcrec.core;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Users' time-ordered item sequences ({@code <D>.inter.json}). Immutable.
 *
 * <p>Users keep the order in which they were added (file order); their ids are strings, as in
 * LC-Rec's files ({@code "0"}, {@code "1"}, ...) and MiniOneRec's ({@code "A6948"}).
 *
 * @implNote stored as compressed rows (one {@code int[]} of items plus offsets), so the 206k
 *     interactions of Instruments take under 1 MB; safe to share between threads.
 */
public final class Interactions {
    private final String[] users;
    private final int[] offsets;
    private final int[] items;
    private final Map<String, Integer> rowOfUser;

    private Interactions(String[] users, int[] offsets, int[] items) {
        this.users = users;
        this.offsets = offsets;
        this.items = items;
        this.rowOfUser = new HashMap<>(users.length * 2);
        for (int i = 0; i < users.length; i++) {
            rowOfUser.put(users[i], i);
        }
    }

    /**
     * Interactions from a map of user id to item sequence (iteration order is kept).
     *
     * @param sequences user id → items in time order; every sequence non-empty
     * @return the interactions
     * @throws DatasetException if a sequence is empty
     */
    public static Interactions of(Map<String, int[]> sequences) {
        Builder b = builder();
        sequences.forEach(b::add);
        return b.build();
    }

    /**
     * @return a builder that appends users one at a time
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @return the number of users
     */
    public int userCount() {
        return users.length;
    }

    /**
     * @return the total number of interactions
     */
    public int interactionCount() {
        return items.length;
    }

    /**
     * @return user ids in file order (unmodifiable)
     */
    public List<String> users() {
        return Collections.unmodifiableList(Arrays.asList(users));
    }

    /**
     * @param row the user's row, {@code 0..userCount()-1}
     * @return the user id
     */
    public String user(int row) {
        return users[row];
    }

    /**
     * @param user a user id
     * @return whether the user is present
     */
    public boolean contains(String user) {
        return rowOfUser.containsKey(user);
    }

    /**
     * @param user a user id
     * @return the user's items in time order (a copy)
     * @throws DatasetException if the user is unknown
     */
    public int[] sequence(String user) {
        Integer row = rowOfUser.get(user);
        if (row == null) {
            throw new DatasetException("interactions: unknown user \"" + user + "\"");
        }
        return sequence(row);
    }

    /**
     * @param row the user's row
     * @return the user's items in time order (a copy)
     */
    public int[] sequence(int row) {
        return Arrays.copyOfRange(items, offsets[row], offsets[row + 1]);
    }

    /**
     * @param row the user's row
     * @return the length of the user's sequence
     */
    public int length(int row) {
        return offsets[row + 1] - offsets[row];
    }

    /**
     * @param row the user's row
     * @param position a position in the user's sequence
     * @return the item at that position
     */
    public int item(int row, int position) {
        return items[offsets[row] + position];
    }

    /**
     * @return the longest sequence length (0 when empty)
     */
    public int maxLength() {
        int max = 0;
        for (int r = 0; r < users.length; r++) {
            max = Math.max(max, length(r));
        }
        return max;
    }

    /**
     * @return the shortest sequence length (0 when empty)
     */
    public int minLength() {
        int min = users.length == 0 ? 0 : Integer.MAX_VALUE;
        for (int r = 0; r < users.length; r++) {
            min = Math.min(min, length(r));
        }
        return min;
    }

    /**
     * @return the mean sequence length (0 when empty)
     */
    public double meanLength() {
        return users.length == 0 ? 0 : (double) items.length / users.length;
    }

    /**
     * @return the distinct item ids that occur, ascending
     */
    public int[] distinctItems() {
        return Arrays.stream(items).distinct().sorted().toArray();
    }

    /**
     * @return user id → sequence, in file order (a fresh copy)
     */
    public Map<String, int[]> asMap() {
        Map<String, int[]> m = new LinkedHashMap<>(users.length * 2);
        for (int r = 0; r < users.length; r++) {
            m.put(users[r], sequence(r));
        }
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Interactions other
                && Arrays.equals(users, other.users)
                && Arrays.equals(offsets, other.offsets)
                && Arrays.equals(items, other.items);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(users) + Arrays.hashCode(items);
    }

    @Override
    public String toString() {
        return String.format(
                "Interactions(users=%d, interactions=%d, meanLength=%.2f, maxLength=%d)",
                userCount(), interactionCount(), meanLength(), maxLength());
    }

    /** Appends users one at a time; rejects empty sequences and repeated user ids. */
    public static final class Builder {
        private String[] users = new String[16];
        private int[] offsets = new int[17];
        private int[] items = new int[64];
        private int userCount;
        private final Map<String, Integer> seen = new HashMap<>();

        private Builder() {}

        /**
         * @param user the user id
         * @param sequence the user's items in time order (non-empty)
         * @return this builder
         * @throws DatasetException if the user was already added or the sequence is empty
         */
        public Builder add(String user, int[] sequence) {
            return add(user, sequence, 0, sequence.length);
        }

        /**
         * @param user the user id
         * @param sequence an array holding the user's items
         * @param from first index in {@code sequence}
         * @param to end index (exclusive)
         * @return this builder
         */
        public Builder add(String user, int[] sequence, int from, int to) {
            if (user == null || user.isEmpty()) {
                throw new DatasetException("interactions: user id must be a non-empty string");
            }
            if (to <= from) {
                throw new DatasetException(
                        "interactions: user \"" + user + "\": expected a non-empty sequence");
            }
            if (seen.putIfAbsent(user, userCount) != null) {
                throw new DatasetException("interactions: duplicate user \"" + user + "\"");
            }
            if (userCount == users.length) {
                users = Arrays.copyOf(users, users.length * 2);
                offsets = Arrays.copyOf(offsets, users.length + 1);
            }
            int start = offsets[userCount];
            int n = to - from;
            if (start + n > items.length) {
                items = Arrays.copyOf(items, Math.max(items.length * 2, start + n));
            }
            System.arraycopy(sequence, from, items, start, n);
            users[userCount] = user;
            offsets[userCount + 1] = start + n;
            userCount++;
            return this;
        }

        /**
         * @return the interactions
         */
        public Interactions build() {
            return new Interactions(
                    Arrays.copyOf(users, userCount),
                    Arrays.copyOf(offsets, userCount + 1),
                    Arrays.copyOf(items, offsets[userCount]));
        }
    }
}
