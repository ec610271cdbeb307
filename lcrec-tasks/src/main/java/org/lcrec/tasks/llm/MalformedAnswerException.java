package org.lcrec.tasks.llm;

import org.lcrec.core.LcrecException;

/** An answer does not have the shape the prompt asked for; the request is retried. */
public class MalformedAnswerException extends LcrecException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what was expected and what was found
     */
    public MalformedAnswerException(String message) {
        super(message);
    }
}
