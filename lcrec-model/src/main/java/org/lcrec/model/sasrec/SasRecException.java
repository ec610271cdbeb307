package org.lcrec.model.sasrec;

import org.lcrec.core.LcrecException;

/**
 * A saved SASRec model or training checkpoint is missing, malformed, of an unknown format version,
 * or written for a different run. The message names the file, the key or tensor, what was expected
 * and what was found.
 */
public final class SasRecException extends LcrecException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong
     */
    public SasRecException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause the underlying failure
     */
    public SasRecException(String message, Throwable cause) {
        super(message, cause);
    }
}
