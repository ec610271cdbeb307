package org.lcrec.onnx.runtime;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import org.lcrec.onnx.DType;
import org.lcrec.onnx.HostTensor;

/**
 * A tensor in a direct, native-order buffer that ORT reads and writes without copying, reused
 * across steps. Fill it through {@link #floats()}, {@link #longs()} (absolute puts), then pass it
 * as an input or a pre-allocated output.
 */
public final class DirectTensor implements AutoCloseable {
    private final DType dtype;
    private final long[] shape;
    private final ByteBuffer bytes;
    private OnnxTensor tensor;
    private boolean closed;

    /** Allocates a zeroed tensor. */
    public DirectTensor(DType dtype, long... shape) {
        this.dtype = dtype;
        this.shape = shape.clone();
        long n = HostTensor.numElements(shape) * dtype.byteSize();
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "tensor " + Arrays.toString(shape) + " of " + dtype + " exceeds 2 GB");
        }
        this.bytes = ByteBuffer.allocateDirect((int) Math.max(n, 1)).order(ByteOrder.nativeOrder());
        this.bytes.limit((int) n);
    }

    private DirectTensor(DType dtype, long[] shape, ByteBuffer backing, int bytes) {
        this.dtype = dtype;
        this.shape = shape.clone();
        this.bytes = backing.duplicate().order(ByteOrder.nativeOrder());
        this.bytes.limit(bytes);
    }

    /**
     * A tensor of {@code newShape} over this one's memory when it is large enough, else over fresh
     * memory; this one is closed either way. A step whose batch length differs from the last one
     * then reuses the buffers of the largest shape seen instead of leaving them for the garbage
     * collector (at a 0.5B model's size the inputs and dropout masks of one step are hundreds of
     * megabytes). The contents are unspecified: fill every element before use.
     *
     * @throws IllegalStateException for a closed or wrapped tensor
     */
    public DirectTensor reshaped(long... newShape) {
        if (closed) {
            throw new IllegalStateException("DirectTensor is closed");
        }
        if (bytes == null) {
            throw new IllegalStateException("a wrapped DirectTensor cannot be reshaped");
        }
        long n = HostTensor.numElements(newShape) * dtype.byteSize();
        close();
        if (n > bytes.capacity()) {
            return new DirectTensor(dtype, newShape);
        }
        return new DirectTensor(dtype, newShape, bytes, (int) n);
    }

    /** Wraps an existing direct buffer (e.g. a parameter's) without copying. */
    public static DirectTensor wrap(FloatBuffer data, long... shape) {
        return new DirectTensor(data, shape);
    }

    private DirectTensor(FloatBuffer data, long[] shape) {
        if (!data.isDirect()) {
            throw new IllegalArgumentException("DirectTensor.wrap needs a direct buffer");
        }
        this.dtype = DType.FLOAT;
        this.shape = shape.clone();
        this.bytes = null;
        try {
            this.tensor = OnnxTensor.createTensor(Ort.env(), data, shape);
        } catch (OrtException e) {
            throw new OnnxRuntimeException(
                    "wrapping buffer as tensor " + Arrays.toString(shape) + ": " + e.getMessage(),
                    e);
        }
    }

    public DType dtype() {
        return dtype;
    }

    public long[] shape() {
        return shape.clone();
    }

    public long numElements() {
        return HostTensor.numElements(shape);
    }

    private void check(DType t) {
        if (closed) {
            throw new IllegalStateException("DirectTensor is closed");
        }
        if (bytes == null) {
            throw new IllegalStateException(
                    "a wrapped DirectTensor exposes its buffer through the owner");
        }
        if (dtype != t) {
            throw new IllegalStateException("tensor holds " + dtype + ", not " + t);
        }
    }

    public FloatBuffer floats() {
        check(DType.FLOAT);
        return bytes.asFloatBuffer();
    }

    public DoubleBuffer doubles() {
        check(DType.DOUBLE);
        return bytes.asDoubleBuffer();
    }

    public LongBuffer longs() {
        check(DType.INT64);
        return bytes.asLongBuffer();
    }

    public IntBuffer ints() {
        check(DType.INT32);
        return bytes.asIntBuffer();
    }

    /** The raw bytes (for BOOL/UINT8 and bulk copies). */
    public ByteBuffer bytes() {
        if (closed) {
            throw new IllegalStateException("DirectTensor is closed");
        }
        return bytes.duplicate().order(ByteOrder.nativeOrder());
    }

    /** Copies values in from a host tensor of the same dtype and element count. */
    public DirectTensor set(HostTensor t) {
        if (t.dtype() != dtype || t.numElements() != numElements()) {
            throw new IllegalArgumentException(
                    "cannot copy " + t + " into a " + dtype + " tensor " + Arrays.toString(shape));
        }
        ByteBuffer src = t.bytes();
        ByteBuffer dst = bytes();
        if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
            dst.put(src);
        } else {
            throw new UnsupportedOperationException("big-endian platforms are not supported");
        }
        return this;
    }

    /** A copy as a host tensor. */
    public HostTensor toHostTensor() {
        if (bytes == null) {
            throw new IllegalStateException("wrapped tensor");
        }
        ByteBuffer c = ByteBuffer.allocate(bytes.limit()).order(ByteOrder.LITTLE_ENDIAN);
        c.put(bytes());
        c.flip();
        return new HostTensor(dtype, shape, c);
    }

    /** The ORT tensor over this buffer (created once). */
    public OnnxTensor onnx() {
        if (closed) {
            throw new IllegalStateException("DirectTensor is closed");
        }
        if (tensor == null) {
            try {
                ByteBuffer b = bytes.duplicate().order(ByteOrder.nativeOrder());
                tensor =
                        switch (dtype) {
                            case FLOAT ->
                                    OnnxTensor.createTensor(Ort.env(), b.asFloatBuffer(), shape);
                            case DOUBLE ->
                                    OnnxTensor.createTensor(Ort.env(), b.asDoubleBuffer(), shape);
                            case INT64 ->
                                    OnnxTensor.createTensor(Ort.env(), b.asLongBuffer(), shape);
                            case INT32 ->
                                    OnnxTensor.createTensor(Ort.env(), b.asIntBuffer(), shape);
                            case BOOL ->
                                    OnnxTensor.createTensor(Ort.env(), b, shape, OnnxJavaType.BOOL);
                            case UINT8 ->
                                    OnnxTensor.createTensor(
                                            Ort.env(), b, shape, OnnxJavaType.UINT8);
                            case INT8 ->
                                    OnnxTensor.createTensor(Ort.env(), b, shape, OnnxJavaType.INT8);
                            case FLOAT16 ->
                                    OnnxTensor.createTensor(
                                            Ort.env(),
                                            b.asShortBuffer(),
                                            shape,
                                            OnnxJavaType.FLOAT16);
                            case BFLOAT16 ->
                                    OnnxTensor.createTensor(
                                            Ort.env(),
                                            b.asShortBuffer(),
                                            shape,
                                            OnnxJavaType.BFLOAT16);
                        };
            } catch (OrtException e) {
                throw new OnnxRuntimeException(
                        "creating tensor "
                                + Arrays.toString(shape)
                                + " of "
                                + dtype
                                + ": "
                                + e.getMessage(),
                        e);
            }
        }
        return tensor;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (tensor != null) {
                tensor.close();
            }
        }
    }

    @Override
    public String toString() {
        return "DirectTensor(" + dtype + ", " + Arrays.toString(shape) + ")";
    }
}
