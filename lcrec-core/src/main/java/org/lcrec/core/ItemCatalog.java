package org.lcrec.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * The items of a dataset, by id, in ascending id order. Immutable.
 *
 * <p>Ids need not be contiguous, though LC-Rec's are ({@code 0..I-1}, the row of the item in
 * embedding files). {@link #position(int)} gives the row of an id in ascending order.
 *
 * @implNote lookups are a binary search over a sorted {@code int[]} (O(log n)); the catalogue is
 *     safe to share between threads.
 */
public final class ItemCatalog {
    private final int[] ids;
    private final List<Item> items;
    private final boolean dense;

    private ItemCatalog(int[] ids, List<Item> items) {
        this.ids = ids;
        this.items = items;
        this.dense = ids.length == 0 || (ids[0] == 0 && ids[ids.length - 1] == ids.length - 1);
    }

    /**
     * A catalogue of the given items.
     *
     * @param items items with distinct ids, in any order
     * @return the catalogue
     * @throws DatasetException if two items share an id
     */
    public static ItemCatalog of(Collection<Item> items) {
        Item[] sorted = items.toArray(new Item[0]);
        Arrays.sort(sorted, (a, b) -> Integer.compare(a.id(), b.id()));
        int[] ids = new int[sorted.length];
        for (int i = 0; i < sorted.length; i++) {
            ids[i] = sorted[i].id();
            if (i > 0 && ids[i] == ids[i - 1]) {
                throw new DatasetException("item catalog: duplicate item id " + ids[i]);
            }
        }
        return new ItemCatalog(ids, Collections.unmodifiableList(Arrays.asList(sorted)));
    }

    /**
     * A catalogue of text-less items with ids {@code 0..count-1}.
     *
     * @param count number of items
     * @return the catalogue
     */
    public static ItemCatalog ofIds(int count) {
        List<Item> items = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            items.add(Item.ofId(i));
        }
        return of(items);
    }

    /**
     * @return the number of items
     */
    public int size() {
        return ids.length;
    }

    /**
     * @param id an item id
     * @return whether the catalogue has it
     */
    public boolean contains(int id) {
        return position(id) >= 0;
    }

    /**
     * @param id an item id
     * @return the row of the id in ascending id order, or a negative number if absent
     */
    public int position(int id) {
        if (dense) {
            return id >= 0 && id < ids.length ? id : -1;
        }
        return Arrays.binarySearch(ids, id);
    }

    /**
     * @param id an item id
     * @return the item
     * @throws DatasetException if the catalogue has no such item
     */
    public Item get(int id) {
        int p = position(id);
        if (p < 0) {
            throw new DatasetException("item catalog: unknown item id " + id);
        }
        return items.get(p);
    }

    /**
     * @return the item ids, ascending (a copy)
     */
    public int[] ids() {
        return ids.clone();
    }

    /**
     * @return the items, ascending by id (unmodifiable)
     */
    public List<Item> items() {
        return items;
    }

    /**
     * @return how many items have a title or a description
     */
    public int itemsWithText() {
        int n = 0;
        for (Item item : items) {
            if (item.hasText()) {
                n++;
            }
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ItemCatalog other && items.equals(other.items);
    }

    @Override
    public int hashCode() {
        return items.hashCode();
    }

    @Override
    public String toString() {
        return "ItemCatalog(items=" + size() + ", withText=" + itemsWithText() + ")";
    }
}
