package org.lcrec.onnx.train;

import org.lcrec.core.LcrecException;

/**
 * A checkpoint that is intact but belongs to another run: another format version, graph, optimiser,
 * schedule or run signature. Unlike a damaged checkpoint, which a resume skips for an older intact
 * one, it is an error: resuming it would mix two runs. The message names the file and what differs.
 */
public final class CheckpointMismatchException extends LcrecException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message the file, what this run expected and what the checkpoint holds
     */
    public CheckpointMismatchException(String message) {
        super(message);
    }
}
