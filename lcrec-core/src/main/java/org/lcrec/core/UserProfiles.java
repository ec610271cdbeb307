package org.lcrec.core;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-user texts for the intention and preference tasks ({@code <D>.user.json}): explicit
 * preferences (LC-Rec keeps three per user: general, long-term, short-term) and vague intentions
 * for a training and a test target. Immutable.
 *
 * @param preferences user id → preference texts (each list non-empty)
 * @param trainIntentions user id → intention around the last training item
 * @param testIntentions user id → intention around the test item
 */
public record UserProfiles(
        Map<String, List<String>> preferences,
        Map<String, Intention> trainIntentions,
        Map<String, Intention> testIntentions) {

    /** Copies the maps (keeping order) and their lists, and makes them unmodifiable. */
    public UserProfiles {
        Map<String, List<String>> prefs = new LinkedHashMap<>();
        preferences.forEach(
                (u, p) -> {
                    if (p == null || p.isEmpty()) {
                        throw new DatasetException(
                                "user profiles: user \"" + u + "\": expected preference texts");
                    }
                    prefs.put(u, List.copyOf(p));
                });
        preferences = Collections.unmodifiableMap(prefs);
        trainIntentions = Collections.unmodifiableMap(new LinkedHashMap<>(trainIntentions));
        testIntentions = Collections.unmodifiableMap(new LinkedHashMap<>(testIntentions));
    }

    /**
     * @return profiles with no users
     */
    public static UserProfiles empty() {
        return new UserProfiles(Map.of(), Map.of(), Map.of());
    }

    /**
     * @return whether there is no user at all
     */
    public boolean isEmpty() {
        return preferences.isEmpty() && trainIntentions.isEmpty() && testIntentions.isEmpty();
    }

    @Override
    public String toString() {
        return "UserProfiles(preferences="
                + preferences.size()
                + ", trainIntentions="
                + trainIntentions.size()
                + ", testIntentions="
                + testIntentions.size()
                + ")";
    }

    /**
     * A user's vague intention around one target item.
     *
     * @param item the target item
     * @param history the items before it
     * @param queries the intention texts (LC-Rec: user-related, then item-related)
     */
    public record Intention(int item, int[] history, List<String> queries) {
        /** Copies and validates. */
        public Intention {
            history = history.clone();
            queries = List.copyOf(queries);
            if (queries.isEmpty()) {
                throw new DatasetException(
                        "user profiles: intention for item " + item + ": expected queries");
            }
        }

        @Override
        public int[] history() {
            return history.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Intention i
                    && item == i.item
                    && Arrays.equals(history, i.history)
                    && queries.equals(i.queries);
        }

        @Override
        public int hashCode() {
            return (31 * item + Arrays.hashCode(history)) * 31 + queries.hashCode();
        }

        @Override
        public String toString() {
            return "Intention(item="
                    + item
                    + ", history="
                    + history.length
                    + " items, "
                    + queries
                    + ")";
        }
    }
}
