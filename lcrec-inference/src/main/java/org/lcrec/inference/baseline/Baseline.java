package org.lcrec.inference.baseline;

import java.util.Arrays;
import org.lcrec.core.LeaveOneOut;

/**
 * A recommender that needs no language model: the built-in random, most-popular and co-occurrence
 * baselines, or any other (a learned sequential model, an oracle of a synthetic generator) through
 * {@link #of(String, int[], ScoringFunction)} or an implementation of its own. Implementations are
 * deterministic.
 *
 * <p>A baseline receives a {@link Query}: the user's row and id besides the history, so that
 * baselines whose scores depend on the user (a synthetic generator's true next-item distribution
 * depends on the user's latent taste) can be evaluated like the others. The query never holds the
 * target. Whether history items may be recommended is the caller's rule, passed with every call
 * ({@link EvaluationRules#excludeHistory()}).
 */
public interface Baseline {
    /**
     * @return a short name for tables ({@code random}, {@code most-popular}, {@code co-occurrence})
     */
    String name();

    /**
     * @param query the user and their history
     * @param k how many items
     * @param excludeHistory whether items of {@code query.history()} must be left out
     * @return up to {@code k} distinct item ids, best first ({@code k} whenever the catalogue has
     *     that many allowed items)
     */
    int[] recommend(Query query, int k, boolean excludeHistory);

    /**
     * What a baseline is asked about: one user at one point of their sequence, without the target.
     *
     * @param userRow the user's row in the interactions, or -1 when unknown (serving a history)
     * @param user the user id, or the empty string when unknown
     * @param history the user's items, oldest first (as the model's prompt shows them; copied in
     *     and out)
     */
    record Query(int userRow, String user, int[] history) {
        /** Validates and copies the history. */
        public Query {
            if (userRow < -1 || user == null || history == null) {
                throw new IllegalArgumentException(
                        "expected a user row >= -1, a user id and a history, found row "
                                + userRow
                                + ", user "
                                + user
                                + ", history "
                                + (history == null ? "null" : history.length + " items"));
            }
            history = history.clone();
        }

        /**
         * @return a copy of the history, oldest first
         */
        @Override
        public int[] history() {
            return history.clone();
        }

        /**
         * @param sample a leave-one-out sample
         * @return its query (the target left out)
         */
        public static Query of(LeaveOneOut.Sample sample) {
            return new Query(sample.userRow(), sample.user(), sample.history());
        }

        /**
         * @param history item ids, oldest first
         * @return a query for a history of no known user
         */
        public static Query anonymous(int... history) {
            return new Query(-1, "", history);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Query q
                    && userRow == q.userRow
                    && user.equals(q.user)
                    && Arrays.equals(history, q.history);
        }

        @Override
        public int hashCode() {
            return (31 * userRow + user.hashCode()) * 31 + Arrays.hashCode(history);
        }

        @Override
        public String toString() {
            return "Query(user="
                    + (user.isEmpty() ? "?" : user)
                    + ", row="
                    + userRow
                    + ", history="
                    + Arrays.toString(history)
                    + ")";
        }
    }

    /** Scores every item for a query; see {@link Baseline#of(String, int[], ScoringFunction)}. */
    @FunctionalInterface
    interface ScoringFunction {
        /**
         * @param query the user and their history
         * @return a score per item id (index = item id, higher is better, NaN or -infinity: never
         *     recommended), at least one longer than the largest candidate id; may be reused by the
         *     function between calls
         */
        float[] scores(Query query);
    }

    /**
     * A baseline that ranks the candidates by a scoring function: the best {@code k} scores, ties
     * to the smaller item id, with or without the history.
     *
     * @param name the name for tables
     * @param items the candidate item ids (repeats are ignored)
     * @param scoring the scores per query
     * @return the baseline
     * @implNote a call costs the scoring function plus O(items · log k + h · log h) for the ranking
     *     with {@code h} history items. Thread-safe if the function is.
     */
    static Baseline of(String name, int[] items, ScoringFunction scoring) {
        return new ScoredBaseline(name, items, scoring);
    }
}
