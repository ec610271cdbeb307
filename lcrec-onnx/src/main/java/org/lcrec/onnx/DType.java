package org.lcrec.onnx;

/** Element types of graph tensors, with their ONNX {@code TensorProto.DataType} codes. */
public enum DType {
    FLOAT(1, 4),
    UINT8(2, 1),
    INT8(3, 1),
    INT32(6, 4),
    INT64(7, 8),
    BOOL(9, 1),
    FLOAT16(10, 2),
    DOUBLE(11, 8),
    BFLOAT16(16, 2);

    private final int onnxCode;
    private final int byteSize;

    DType(int onnxCode, int byteSize) {
        this.onnxCode = onnxCode;
        this.byteSize = byteSize;
    }

    /** The {@code TensorProto.DataType} code. */
    public int onnxCode() {
        return onnxCode;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** Whether values of this type carry gradients (floating point). */
    public boolean isFloating() {
        return this == FLOAT || this == DOUBLE || this == FLOAT16 || this == BFLOAT16;
    }

    /** Whether this is an integer type (not bool). */
    public boolean isInteger() {
        return this == UINT8 || this == INT8 || this == INT32 || this == INT64;
    }

    /**
     * The type with the given ONNX code.
     *
     * @throws IllegalArgumentException naming the code when it is not supported
     */
    public static DType fromOnnx(int code) {
        for (DType t : values()) {
            if (t.onnxCode == code) {
                return t;
            }
        }
        throw new IllegalArgumentException(
                "unsupported ONNX tensor data type "
                        + code
                        + "; supported: "
                        + java.util.Arrays.toString(values()));
    }
}
