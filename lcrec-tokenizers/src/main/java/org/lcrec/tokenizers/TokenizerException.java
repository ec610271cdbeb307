package org.lcrec.tokenizers;

import org.lcrec.core.LcrecException;

/**
 * A tokenizer could not be loaded, saved or used: a missing or malformed file, an unsupported
 * component, an inconsistent vocabulary. The message names the file or component, what was expected
 * and what was found.
 */
public final class TokenizerException extends LcrecException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, where, expected versus found
     */
    public TokenizerException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, where, expected versus found
     * @param cause the underlying failure
     */
    public TokenizerException(String message, Throwable cause) {
        super(message, cause);
    }
}
