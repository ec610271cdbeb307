package org.lcrec.inference;

/**
 * Receives an evaluation's progress (for progress bars): called from the evaluating thread after
 * each chunk of decoded users.
 */
@FunctionalInterface
public interface EvaluationProgress {
    /** Ignores every update. */
    EvaluationProgress NONE = (done, total) -> {};

    /**
     * @param done user-template pairs decoded so far
     * @param total user-template pairs in the evaluation
     */
    void update(long done, long total);
}
