package org.lcrec.quantization;

import org.lcrec.core.LcrecException;

/**
 * Bad input to a quantizer or a malformed file: the message says where (file, row, key), what was
 * expected and what was found. Unchecked.
 */
public final class QuantizationException extends LcrecException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, where
     */
    public QuantizationException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, where
     * @param cause the underlying failure
     */
    public QuantizationException(String message, Throwable cause) {
        super(message, cause);
    }
}
