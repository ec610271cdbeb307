package org.lcrec.inference.baseline;

/**
 * The rules every row of a results table follows, so that the rows compare like with like.
 *
 * @param excludeHistory whether items of the user's history may not be recommended; the model's
 *     counterpart is {@link org.lcrec.inference.RecommenderConfig#excludeHistory()}. LC-Rec's rule
 *     is {@code false}: history items compete with the rest (and can never be the leave-one-out
 *     target in de-duplicated data, so recommending them only costs)
 * @param visibility which part of each sequence the baselines are fitted on
 */
public record EvaluationRules(boolean excludeHistory, Visibility visibility) {
    /** Validates. */
    public EvaluationRules {
        if (visibility == null) {
            throw new IllegalArgumentException(
                    "visibility must be TRAINING_PART or ALL_BUT_TARGET, found null");
        }
    }

    /**
     * @return LC-Rec's rules: history items may be recommended, baselines see only what the model
     *     trains on
     */
    public static EvaluationRules defaults() {
        return new EvaluationRules(false, Visibility.TRAINING_PART);
    }

    /**
     * @return the rules the baselines followed before they were explicit (history items excluded,
     *     fitted on all but the target), to reproduce older figures
     */
    public static EvaluationRules legacy() {
        return new EvaluationRules(true, Visibility.ALL_BUT_TARGET);
    }

    /**
     * @param v whether history items are excluded
     * @return a copy with that rule
     */
    public EvaluationRules withExcludeHistory(boolean v) {
        return new EvaluationRules(v, visibility);
    }

    /**
     * @param v the fitting visibility
     * @return a copy with that visibility
     */
    public EvaluationRules withVisibility(Visibility v) {
        return new EvaluationRules(excludeHistory, v);
    }

    @Override
    public String toString() {
        return "EvaluationRules(excludeHistory="
                + excludeHistory
                + ", visibility="
                + visibility
                + ")";
    }
}
