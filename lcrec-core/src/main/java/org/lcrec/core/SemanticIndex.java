package org.lcrec.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Items ↔ semantic IDs ({@code <D>.index.json}), both ways. Immutable.
 *
 * <p>All IDs have the same number of levels. Several items may share an ID (a collision, as in
 * LC-Rec's shipped indices); {@link #collisions()} reports them and {@link #item(SemanticId)}
 * refuses to guess between them.
 *
 * @implNote lookups by item id are O(log n), by ID O(1); safe to share between threads.
 */
public final class SemanticIndex {
    private final int[] itemIds;
    private final SemanticId[] ids;
    private final Map<SemanticId, int[]> itemsById;
    private final int levels;

    private SemanticIndex(int[] itemIds, SemanticId[] ids) {
        this.itemIds = itemIds;
        this.ids = ids;
        this.levels = ids.length == 0 ? 0 : ids[0].levels();
        Map<SemanticId, int[]> m = new HashMap<>(ids.length * 2);
        for (int i = 0; i < ids.length; i++) {
            int item = itemIds[i];
            m.merge(
                    ids[i],
                    new int[] {item},
                    (a, b) -> {
                        int[] c = Arrays.copyOf(a, a.length + 1);
                        c[a.length] = b[0];
                        return c;
                    });
        }
        this.itemsById = m;
    }

    /**
     * @param entries item id → semantic ID (any order); all IDs with the same number of levels
     * @return the index
     * @throws DatasetException if the entries are empty or the level counts differ
     */
    public static SemanticIndex of(Map<Integer, SemanticId> entries) {
        TreeMap<Integer, SemanticId> sorted = new TreeMap<>(entries);
        int[] itemIds = new int[sorted.size()];
        SemanticId[] ids = new SemanticId[sorted.size()];
        int i = 0;
        int levels = -1;
        for (Map.Entry<Integer, SemanticId> e : sorted.entrySet()) {
            if (e.getKey() < 0) {
                throw new DatasetException(
                        "semantic index: item ids must be >= 0, found " + e.getKey());
            }
            SemanticId id = e.getValue();
            if (levels < 0) {
                levels = id.levels();
            } else if (id.levels() != levels) {
                throw new DatasetException(
                        "semantic index: item "
                                + e.getKey()
                                + ": expected "
                                + levels
                                + " codes, found "
                                + id.levels());
            }
            itemIds[i] = e.getKey();
            ids[i++] = id;
        }
        return new SemanticIndex(itemIds, ids);
    }

    /**
     * @return the number of items indexed
     */
    public int size() {
        return itemIds.length;
    }

    /**
     * @return the number of levels of every ID
     */
    public int levels() {
        return levels;
    }

    /**
     * @return the largest code plus one over all levels (256 for LC-Rec's indices that use code
     *     255)
     */
    public int codebookSize() {
        int max = -1;
        for (SemanticId id : ids) {
            for (int l = 0; l < levels; l++) {
                max = Math.max(max, id.code(l));
            }
        }
        return max + 1;
    }

    /**
     * @param item an item id
     * @return whether the item has an ID
     */
    public boolean contains(int item) {
        return Arrays.binarySearch(itemIds, item) >= 0;
    }

    /**
     * @param item an item id
     * @return its semantic ID
     * @throws DatasetException if the item has none
     */
    public SemanticId get(int item) {
        int p = Arrays.binarySearch(itemIds, item);
        if (p < 0) {
            throw new DatasetException("semantic index: item " + item + " has no index");
        }
        return ids[p];
    }

    /**
     * @param id a semantic ID
     * @return the items that carry it, ascending (empty if none)
     */
    public int[] itemsFor(SemanticId id) {
        int[] items = itemsById.get(id);
        return items == null ? new int[0] : items.clone();
    }

    /**
     * @param id a semantic ID
     * @return the one item that carries it; empty if none
     * @throws DatasetException if several items share the ID (a collision)
     */
    public Optional<Integer> item(SemanticId id) {
        int[] items = itemsById.get(id);
        if (items == null) {
            return Optional.empty();
        }
        if (items.length > 1) {
            throw new DatasetException(
                    "semantic index: "
                            + id
                            + " is shared by items "
                            + Arrays.toString(items)
                            + "; resolve collisions first");
        }
        return Optional.of(items[0]);
    }

    /**
     * @return the indexed item ids, ascending (a copy)
     */
    public int[] itemIds() {
        return itemIds.clone();
    }

    /**
     * @return item id → semantic ID, ascending by item id (a fresh copy)
     */
    public Map<Integer, SemanticId> asMap() {
        Map<Integer, SemanticId> m = new LinkedHashMap<>(itemIds.length * 2);
        for (int i = 0; i < itemIds.length; i++) {
            m.put(itemIds[i], ids[i]);
        }
        return m;
    }

    /**
     * @return the number of distinct codes used at each level
     */
    public int[] codesUsedPerLevel() {
        int[] used = new int[levels];
        for (int l = 0; l < levels; l++) {
            java.util.BitSet seen = new java.util.BitSet();
            for (SemanticId id : ids) {
                seen.set(id.code(l));
            }
            used[l] = seen.cardinality();
        }
        return used;
    }

    /**
     * The distinct index tokens in use, ordered by level then code ({@code <a_0>, <a_1>, ...,
     * <b_0>, ...}). LC-Rec sorts them as strings ({@code <a_10>} before {@code <a_2>}); the order
     * only decides the ids the tokens get when added to a vocabulary.
     *
     * @return the tokens
     */
    public List<String> tokens() {
        List<String> out = new ArrayList<>();
        for (int l = 0; l < levels; l++) {
            java.util.BitSet seen = new java.util.BitSet();
            for (SemanticId id : ids) {
                seen.set(id.code(l));
            }
            for (int c = seen.nextSetBit(0); c >= 0; c = seen.nextSetBit(c + 1)) {
                out.add(IndexTokens.token(l, c));
            }
        }
        return out;
    }

    /**
     * @return the groups of items that share an ID
     */
    public CollisionReport collisions() {
        List<int[]> groups = new ArrayList<>();
        for (int[] items : itemsById.values()) {
            if (items.length > 1) {
                groups.add(items);
            }
        }
        groups.sort((a, b) -> Integer.compare(a[0], b[0]));
        return new CollisionReport(groups, size());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SemanticIndex other
                && Arrays.equals(itemIds, other.itemIds)
                && Arrays.equals(ids, other.ids);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(itemIds) + Arrays.hashCode(ids);
    }

    @Override
    public String toString() {
        CollisionReport c = collisions();
        return "SemanticIndex(items="
                + size()
                + ", levels="
                + levels
                + ", codesUsed="
                + Arrays.toString(codesUsedPerLevel())
                + ", collisionGroups="
                + c.groupCount()
                + ", collidingItems="
                + c.surplusItems()
                + ")";
    }

    /**
     * Items that share a semantic ID.
     *
     * @param groups each group's item ids, ascending; groups ordered by their first item
     * @param indexedItems the size of the index the report is about
     */
    public record CollisionReport(List<int[]> groups, int indexedItems) {
        /** Copies the groups. */
        public CollisionReport {
            groups = copy(groups);
        }

        /**
         * @return a copy of the groups (an unmodifiable list of fresh arrays)
         */
        @Override
        public List<int[]> groups() {
            return copy(groups);
        }

        /**
         * @return the number of groups
         */
        public int groupCount() {
            return groups.size();
        }

        private static List<int[]> copy(List<int[]> groups) {
            List<int[]> out = new ArrayList<>(groups.size());
            for (int[] g : groups) {
                out.add(g.clone());
            }
            return Collections.unmodifiableList(out);
        }

        /**
         * @return items involved in any collision
         */
        public int itemsInvolved() {
            int n = 0;
            for (int[] g : groups) {
                n += g.length;
            }
            return n;
        }

        /**
         * @return items beyond the first of each group: how many items would have to move for the
         *     index to be collision-free
         */
        public int surplusItems() {
            return itemsInvolved() - groups.size();
        }

        /**
         * @return {@link #surplusItems()} as a fraction of the indexed items
         */
        public double rate() {
            return indexedItems == 0 ? 0 : (double) surplusItems() / indexedItems;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof CollisionReport r)
                    || indexedItems != r.indexedItems
                    || groups.size() != r.groups.size()) {
                return false;
            }
            for (int i = 0; i < groups.size(); i++) {
                if (!Arrays.equals(groups.get(i), r.groups.get(i))) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int hashCode() {
            int h = indexedItems;
            for (int[] g : groups) {
                h = 31 * h + Arrays.hashCode(g);
            }
            return h;
        }

        @Override
        public String toString() {
            return String.format(
                    "CollisionReport(groups=%d, itemsInvolved=%d, surplusItems=%d, rate=%.3f%%)",
                    groups.size(), itemsInvolved(), surplusItems(), 100 * rate());
        }
    }
}
