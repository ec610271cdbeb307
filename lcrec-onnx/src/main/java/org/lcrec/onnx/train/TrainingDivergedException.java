package org.lcrec.onnx.train;

import org.lcrec.core.LcrecException;

/** The loss or a gradient became NaN or infinite; training stopped at {@link #step()}. */
public final class TrainingDivergedException extends LcrecException {
    private static final long serialVersionUID = 1L;
    private final long step;

    public TrainingDivergedException(long step, String what) {
        super("training diverged at step " + step + ": " + what);
        this.step = step;
    }

    /** The optimiser step at which it happened (0-based). */
    public long step() {
        return step;
    }
}
