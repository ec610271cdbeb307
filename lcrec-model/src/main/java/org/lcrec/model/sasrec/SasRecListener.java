package org.lcrec.model.sasrec;

import java.nio.file.Path;

/** Receives training progress on the training thread; every method defaults to doing nothing. */
public interface SasRecListener {
    /**
     * After an epoch's training, validation and checkpoint.
     *
     * @param epoch the epoch's figures
     */
    default void onEpoch(SasRecEpoch epoch) {}

    /**
     * After a checkpoint directory was written.
     *
     * @param epoch epochs done
     * @param dir the checkpoint directory
     */
    default void onCheckpoint(int epoch, Path dir) {}

    /**
     * @return a listener that does nothing
     */
    static SasRecListener none() {
        return new SasRecListener() {};
    }
}
