package org.lcrec.core;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The figures {@code lcrec stats} prints: sizes, sequence lengths, index shape and collisions.
 *
 * @param name dataset name
 * @param users number of users
 * @param items catalogue size
 * @param itemsWithText items with a title or description
 * @param interactions total interactions
 * @param meanLength mean sequence length
 * @param minLength shortest sequence
 * @param maxLength longest sequence
 * @param indexLevels index levels (0 without an index)
 * @param indexedItems items in the index
 * @param codesUsedPerLevel distinct codes per level
 * @param collisionGroups groups of items that share an ID
 * @param collidingItems items beyond the first of each group
 * @param usersWithPreferences users with preference texts
 */
public record DatasetStats(
        String name,
        int users,
        int items,
        int itemsWithText,
        int interactions,
        double meanLength,
        int minLength,
        int maxLength,
        int indexLevels,
        int indexedItems,
        int[] codesUsedPerLevel,
        int collisionGroups,
        int collidingItems,
        int usersWithPreferences) {

    /** Copies the array. */
    public DatasetStats {
        codesUsedPerLevel = codesUsedPerLevel.clone();
    }

    /**
     * @return a copy of the distinct codes per level
     */
    @Override
    public int[] codesUsedPerLevel() {
        return codesUsedPerLevel.clone();
    }

    /**
     * @param d a dataset
     * @return its statistics
     */
    public static DatasetStats of(Dataset d) {
        Interactions in = d.interactions();
        SemanticIndex ix = d.indexIfPresent().orElse(null);
        SemanticIndex.CollisionReport c = ix == null ? null : ix.collisions();
        return new DatasetStats(
                d.name(),
                in.userCount(),
                d.items().size(),
                d.items().itemsWithText(),
                in.interactionCount(),
                in.meanLength(),
                in.minLength(),
                in.maxLength(),
                ix == null ? 0 : ix.levels(),
                ix == null ? 0 : ix.size(),
                ix == null ? new int[0] : ix.codesUsedPerLevel(),
                c == null ? 0 : c.groupCount(),
                c == null ? 0 : c.surplusItems(),
                d.users().preferences().size());
    }

    /**
     * @return the figures as an ordered map (for JSON reports)
     */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dataset", name);
        m.put("users", users);
        m.put("items", items);
        m.put("itemsWithText", itemsWithText);
        m.put("interactions", interactions);
        m.put("meanSequenceLength", Math.round(meanLength * 1000) / 1000.0);
        m.put("minSequenceLength", minLength);
        m.put("maxSequenceLength", maxLength);
        m.put("indexLevels", indexLevels);
        m.put("indexedItems", indexedItems);
        m.put("codesUsedPerLevel", codesUsedPerLevel.clone());
        m.put("collisionGroups", collisionGroups);
        m.put("collidingItems", collidingItems);
        m.put("usersWithPreferences", usersWithPreferences);
        return m;
    }

    /**
     * @return a two-column table for terminals and notebooks
     */
    public String render() {
        StringBuilder sb = new StringBuilder();
        row(sb, "dataset", name);
        row(sb, "users", fmt(users));
        row(
                sb,
                "items",
                fmt(items) + (itemsWithText > 0 ? " (" + fmt(itemsWithText) + " with text)" : ""));
        row(sb, "interactions", fmt(interactions));
        row(
                sb,
                "sequence length",
                String.format(
                        Locale.ROOT,
                        "mean %.2f, min %d, max %d",
                        meanLength,
                        minLength,
                        maxLength));
        if (indexLevels > 0) {
            row(sb, "index levels", Integer.toString(indexLevels));
            row(sb, "indexed items", fmt(indexedItems));
            row(sb, "codes used per level", Arrays.toString(codesUsedPerLevel));
            row(sb, "collision groups", fmt(collisionGroups));
            row(
                    sb,
                    "colliding items",
                    fmt(collidingItems)
                            + String.format(
                                    Locale.ROOT,
                                    " (%.2f%%, beyond the first of each group)",
                                    indexedItems == 0 ? 0 : 100.0 * collidingItems / indexedItems));
        } else {
            row(sb, "index", "none");
        }
        if (usersWithPreferences > 0) {
            row(sb, "users with preferences", fmt(usersWithPreferences));
        }
        return sb.toString();
    }

    private static void row(StringBuilder sb, String k, String v) {
        sb.append(String.format(Locale.ROOT, "%-22s %s%n", k, v));
    }

    private static String fmt(int n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DatasetStats s
                && name.equals(s.name)
                && users == s.users
                && items == s.items
                && itemsWithText == s.itemsWithText
                && interactions == s.interactions
                && Double.compare(meanLength, s.meanLength) == 0
                && minLength == s.minLength
                && maxLength == s.maxLength
                && indexLevels == s.indexLevels
                && indexedItems == s.indexedItems
                && Arrays.equals(codesUsedPerLevel, s.codesUsedPerLevel)
                && collisionGroups == s.collisionGroups
                && collidingItems == s.collidingItems
                && usersWithPreferences == s.usersWithPreferences;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + interactions;
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "DatasetStats(%s: users=%d, items=%d, interactions=%d, meanLength=%.2f,"
                        + " levels=%d, collidingItems=%d)",
                name,
                users,
                items,
                interactions,
                meanLength,
                indexLevels,
                collidingItems);
    }
}
