package org.lcrec.model.llm;

import org.lcrec.core.LcrecException;

/**
 * A model checkpoint (config.json, safetensors, tokenizer) is missing, malformed or inconsistent.
 * Messages name the file, the key or tensor, what was expected and what was found.
 */
public final class CheckpointException extends LcrecException {
    private static final long serialVersionUID = 1L;

    /** An exception with a message. */
    public CheckpointException(String message) {
        super(message);
    }

    /** An exception with a message and a cause. */
    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
