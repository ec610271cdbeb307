package org.lcrec.core;

/**
 * What a recommender does with history items the catalogue does not know (shared by the generative
 * recommender and the SASRec baseline).
 */
public enum UnknownItemPolicy {
    /** Fail with an error that names the item and the history (the default). */
    FAIL,
    /**
     * Leave them out of the history and report how many were skipped; a history left with no known
     * item fails, since there is nothing to recommend from.
     */
    SKIP
}
