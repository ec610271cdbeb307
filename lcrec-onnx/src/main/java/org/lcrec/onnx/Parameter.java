package org.lcrec.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * One named float parameter held in a direct, native-order buffer (the buffer ONNX Runtime reads
 * without copying). Position and limit of {@link #data()} are never changed by the SDK; use
 * absolute get/put.
 */
public final class Parameter {
    private final String name;
    private final long[] shape;
    private final boolean trainable;
    private final boolean decay;
    private final ByteBuffer bytes;
    private final FloatBuffer data;

    /** The parameter this one is a view of, or null. */
    private final Parameter viewOf;

    /** The element of {@link #viewOf} this view starts at. */
    private final long viewFrom;

    Parameter(String name, long[] shape, boolean trainable, boolean decay) {
        this.name = name;
        this.shape = shape.clone();
        this.trainable = trainable;
        this.decay = decay;
        long n = HostTensor.numElements(shape);
        if (n * 4 > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "parameter '" + name + "' " + Arrays.toString(shape) + " exceeds 2 GB");
        }
        this.bytes = ByteBuffer.allocateDirect((int) (n * 4)).order(ByteOrder.nativeOrder());
        this.data = bytes.asFloatBuffer();
        this.viewOf = null;
        this.viewFrom = 0;
    }

    private Parameter(
            String name,
            long[] shape,
            boolean trainable,
            boolean decay,
            ByteBuffer bytes,
            Parameter viewOf,
            long viewFrom) {
        this.name = name;
        this.shape = shape.clone();
        this.trainable = trainable;
        this.decay = decay;
        this.bytes = bytes;
        this.data = bytes.asFloatBuffer();
        this.viewOf = viewOf;
        this.viewFrom = viewFrom;
    }

    /** A parameter over {@code source}'s elements from {@code fromElement}, sharing its memory. */
    static Parameter view(ParameterSpec spec, Parameter source, long fromElement) {
        long n = spec.size();
        if (fromElement < 0 || fromElement + n > source.size()) {
            throw new IllegalArgumentException(
                    "parameter '"
                            + spec.name()
                            + "' "
                            + Arrays.toString(spec.shape())
                            + ": elements ["
                            + fromElement
                            + ", "
                            + (fromElement + n)
                            + ") are not inside '"
                            + source.name
                            + "' ("
                            + source.size()
                            + " elements)");
        }
        ByteBuffer slice =
                source.bytes
                        .slice((int) (fromElement * 4), (int) (n * 4))
                        .order(ByteOrder.nativeOrder());
        // a view of a view points at the memory's owner
        Parameter owner = source.viewOf != null ? source.viewOf : source;
        long from = source.viewOf != null ? source.viewFrom + fromElement : fromElement;
        return new Parameter(
                spec.name(), spec.shape(), spec.trainable(), spec.decay(), slice, owner, from);
    }

    public String name() {
        return name;
    }

    /**
     * @param other another parameter
     * @return whether the two start at the same element of the same memory: the same parameter, or
     *     {@linkplain ParameterStore#addView views} of one allocation at the same offset
     */
    public boolean sharesMemoryWith(Parameter other) {
        Parameter mine = viewOf != null ? viewOf : this;
        Parameter theirs = other.viewOf != null ? other.viewOf : other;
        return mine == theirs && viewFrom == other.viewFrom;
    }

    public long[] shape() {
        return shape.clone();
    }

    public int size() {
        return data.capacity();
    }

    public boolean trainable() {
        return trainable;
    }

    public boolean decay() {
        return decay;
    }

    /** The values (direct, native order). */
    public FloatBuffer data() {
        return data;
    }

    /** A copy of the values. */
    public float[] toArray() {
        float[] r = new float[size()];
        data.get(0, r);
        return r;
    }

    /** Replaces the values. */
    public void set(float[] values) {
        if (values.length != size()) {
            throw new IllegalArgumentException(
                    "parameter '"
                            + name
                            + "' "
                            + Arrays.toString(shape)
                            + ": expected "
                            + size()
                            + " values, found "
                            + values.length);
        }
        data.put(0, values);
    }

    /**
     * Replaces the values with {@code t}'s, widened to float (float16, bfloat16 and float64
     * converted) straight into this parameter's memory.
     *
     * @throws IllegalArgumentException when the shape differs or the dtype is not floating
     */
    public void set(HostTensor t) {
        if (!Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException(
                    "parameter '"
                            + name
                            + "': expected shape "
                            + Arrays.toString(shape)
                            + ", found "
                            + Arrays.toString(t.shape()));
        }
        t.copyFloatsTo(data.duplicate().rewind());
    }

    /** The values as a float32 tensor (a copy). */
    public HostTensor toHostTensor() {
        ByteBuffer b = ByteBuffer.allocate(bytes.capacity()).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(data.duplicate().rewind());
        return new HostTensor(DType.FLOAT, shape, b);
    }

    /**
     * The values as a float32 tensor over this parameter's own memory, not a copy: for writing them
     * out (a checkpoint of a 0.5B model would otherwise copy 2 GB onto the heap first). Read it
     * before the parameter changes again.
     */
    public HostTensor view() {
        return new HostTensor(DType.FLOAT, shape, bytesView().asReadOnlyBuffer());
    }

    /** The native bytes (little-endian on all supported platforms), as a view. */
    ByteBuffer bytesView() {
        return bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN).rewind();
    }

    @Override
    public String toString() {
        return "Parameter("
                + name
                + ", "
                + Arrays.toString(shape)
                + (trainable ? "" : ", frozen")
                + ")";
    }
}
