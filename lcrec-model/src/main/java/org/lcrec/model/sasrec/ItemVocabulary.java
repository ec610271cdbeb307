package org.lcrec.model.sasrec;

import java.util.Arrays;
import java.util.List;

/**
 * The model's items: arbitrary int ids sorted ascending, each owning one embedding row. Row {@code
 * r} is item {@code ids[r]}; in graph inputs it is written {@code r + 1}, because {@code 0} is the
 * padding id. Sorting by id means that ranking ties broken by row are broken by item id.
 *
 * @implNote lookups are binary searches over the sorted ids: no boxing, safe to share between
 *     threads.
 */
final class ItemVocabulary {
    private final int[] ids;

    private ItemVocabulary(int[] sortedDistinct) {
        this.ids = sortedDistinct;
    }

    /**
     * @param items item ids, in any order, repeats allowed
     * @return the vocabulary of the distinct ids
     * @throws IllegalArgumentException when there are no items
     */
    static ItemVocabulary of(int[] items) {
        int[] s = items.clone();
        Arrays.sort(s);
        int n = 0;
        for (int i = 0; i < s.length; i++) {
            if (n == 0 || s[n - 1] != s[i]) {
                s[n++] = s[i];
            }
        }
        if (n == 0) {
            throw new IllegalArgumentException("SASRec needs at least one item, found none");
        }
        return new ItemVocabulary(Arrays.copyOf(s, n));
    }

    /**
     * @param sequences item sequences
     * @return the vocabulary of every item that occurs in them
     */
    static ItemVocabulary ofSequences(List<int[]> sequences) {
        int total = 0;
        for (int[] s : sequences) {
            total += s.length;
        }
        int[] all = new int[total];
        int k = 0;
        for (int[] s : sequences) {
            System.arraycopy(s, 0, all, k, s.length);
            k += s.length;
        }
        return of(all);
    }

    /**
     * @return the number of items
     */
    int size() {
        return ids.length;
    }

    /**
     * @param row an embedding row
     * @return its item id
     */
    int id(int row) {
        return ids[row];
    }

    /**
     * @param id an item id
     * @return its embedding row, or -1 when the item is unknown
     */
    int row(int id) {
        int r = Arrays.binarySearch(ids, id);
        return r >= 0 ? r : -1;
    }

    /**
     * @return the item ids, ascending (a copy)
     */
    int[] ids() {
        return ids.clone();
    }
}
