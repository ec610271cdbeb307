package org.lcrec.inference;

import org.lcrec.core.LcrecException;

/**
 * A decoder's output cannot be searched: its log-probabilities for the allowed tokens are NaN or
 * infinite, as they are when the model's weights hold NaN values or random bytes. The message names
 * the decoder, the beam-search step, the prompt and the token.
 */
public final class DecodingException extends LcrecException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message where (decoder, step, prompt, token), expected versus found
     */
    public DecodingException(String message) {
        super(message);
    }

    /**
     * @param message where (decoder, step, prompt, token), expected versus found
     * @param cause the failure this one adds context to
     */
    public DecodingException(String message, Throwable cause) {
        super(message, cause);
    }
}
