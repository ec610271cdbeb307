package org.lcrec.onnx.runtime;

import org.lcrec.core.LcrecException;

/** An ONNX Runtime failure, with the context in which it happened. */
public class OnnxRuntimeException extends LcrecException {
    private static final long serialVersionUID = 1L;

    public OnnxRuntimeException(String message, Throwable cause) {
        super(message, cause);
    }

    public OnnxRuntimeException(String message) {
        super(message);
    }
}
