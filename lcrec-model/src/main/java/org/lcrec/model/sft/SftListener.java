package org.lcrec.model.sft;

import java.nio.file.Path;

/**
 * Receives training progress; all methods default to doing nothing. Called on the training thread.
 */
public interface SftListener {
    /** After each optimiser step. */
    default void onStep(Progress progress) {}

    /** After a checkpoint directory was written. */
    default void onCheckpoint(long step, Path dir) {}

    /** After an evaluation; {@code best} when it improved on all earlier ones. */
    default void onEvaluation(long step, double metric, boolean best) {}

    /** A listener that passes each step's progress to {@code consumer}. */
    static SftListener onStep(java.util.function.Consumer<Progress> consumer) {
        return new SftListener() {
            @Override
            public void onStep(Progress progress) {
                consumer.accept(progress);
            }
        };
    }

    /** A listener that does nothing. */
    static SftListener none() {
        return new SftListener() {};
    }
}
