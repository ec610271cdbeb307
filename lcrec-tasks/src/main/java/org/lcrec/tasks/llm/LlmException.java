package org.lcrec.tasks.llm;

import org.lcrec.core.LcrecException;

/**
 * A chat-completions request failed for good: after all retries, or at once with a status no retry
 * can fix ({@link #fatal()}: a wrong key, model or URL), which stops a whole generation run.
 */
public class LlmException extends LcrecException {
    private static final long serialVersionUID = 1L;

    /** Whether the failure affects every request (so a run must stop). */
    private final boolean fatal;

    /**
     * @param message what failed, with endpoint and status
     * @param fatal whether every further request would fail the same way
     */
    public LlmException(String message, boolean fatal) {
        super(message);
        this.fatal = fatal;
    }

    /**
     * @param message what failed
     * @param cause the underlying error
     */
    public LlmException(String message, Throwable cause) {
        super(message, cause);
        this.fatal = true;
    }

    /**
     * @return whether every further request would fail the same way
     */
    public boolean fatal() {
        return fatal;
    }
}
