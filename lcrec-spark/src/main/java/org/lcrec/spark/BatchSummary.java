package org.lcrec.spark;

/**
 * What happened to the users of a batch recommendation ({@link BatchRecommender#summarize}).
 *
 * @param users rows of the output (every input row has one)
 * @param recommended users with recommendations (status {@value BatchRecommender#OK})
 * @param noKnownItems users without a known history item (status {@value
 *     BatchRecommender#NO_KNOWN_ITEMS}): empty or null histories, or only unknown items
 * @param usersWithSkippedItems users with at least one history item left out
 * @param skippedItems history items left out, over all users
 */
public record BatchSummary(
        long users,
        long recommended,
        long noKnownItems,
        long usersWithSkippedItems,
        long skippedItems) {
    @Override
    public String toString() {
        return "BatchSummary(users="
                + users
                + ", recommended="
                + recommended
                + ", noKnownItems="
                + noKnownItems
                + ", usersWithSkippedItems="
                + usersWithSkippedItems
                + ", skippedItems="
                + skippedItems
                + ")";
    }
}
