package org.lcrec.core;

/**
 * The root of the SDK's exceptions: every failure the SDK itself reports (bad dataset input, a
 * broken checkpoint, an ONNX Runtime error with its context, a diverged training run, a failed LLM
 * request) is an {@code LcrecException}, directly or through its module's type, so that a caller
 * can catch the SDK's failures in one clause. Argument errors stay {@link
 * IllegalArgumentException}, {@link NullPointerException} and {@link IllegalStateException}, as the
 * JDK's are.
 *
 * <p>Unchecked, so that notebook cells and lambdas need no ceremony. Messages say where (file, key
 * or line), what was expected and what was found.
 */
public class LcrecException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, where, expected versus found
     */
    public LcrecException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, where, expected versus found
     * @param cause the underlying failure
     */
    public LcrecException(String message, Throwable cause) {
        super(message, cause);
    }
}
