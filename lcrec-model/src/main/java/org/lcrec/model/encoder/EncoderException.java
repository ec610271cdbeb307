package org.lcrec.model.encoder;

import org.lcrec.core.LcrecException;

/**
 * A text encoder or embedding file could not be used: a missing or malformed model, tokenizer or
 * {@code .npy} file, a cache written by another encoder, an ONNX Runtime failure. The message names
 * the file, what was expected and what was found.
 */
public final class EncoderException extends LcrecException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong
     */
    public EncoderException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause the underlying failure
     */
    public EncoderException(String message, Throwable cause) {
        super(message, cause);
    }
}
