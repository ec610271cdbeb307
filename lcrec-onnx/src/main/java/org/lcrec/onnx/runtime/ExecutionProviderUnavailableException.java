package org.lcrec.onnx.runtime;

/** An execution provider was requested that this ONNX Runtime build or machine does not offer. */
public final class ExecutionProviderUnavailableException extends OnnxRuntimeException {
    private static final long serialVersionUID = 1L;

    public ExecutionProviderUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
