package org.lcrec.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * A dense tensor in host memory: a dtype, a static shape and little-endian bytes. Used for
 * constants, initialisers, safetensors and ONNX files; float16/bfloat16 data can be widened with
 * {@link #toFloatArray()}.
 */
public final class HostTensor {
    private final DType dtype;
    private final long[] shape;
    private final ByteBuffer data;

    /**
     * Wraps {@code data} (read from its position to its limit, little-endian).
     *
     * @throws IllegalArgumentException when the byte count does not match the shape
     */
    public HostTensor(DType dtype, long[] shape, ByteBuffer data) {
        this.dtype = dtype;
        this.shape = shape.clone();
        this.data = data.slice().order(ByteOrder.LITTLE_ENDIAN);
        long expected = numElements(shape) * dtype.byteSize();
        if (this.data.remaining() != expected) {
            throw new IllegalArgumentException(
                    "tensor of dtype "
                            + dtype
                            + " and shape "
                            + Arrays.toString(shape)
                            + ": expected "
                            + expected
                            + " bytes, found "
                            + this.data.remaining());
        }
    }

    public static long numElements(long[] shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        return n;
    }

    private static ByteBuffer alloc(long n, int size) {
        if (n * size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "tensor too large for one buffer: " + n + " elements");
        }
        return ByteBuffer.allocate((int) (n * size)).order(ByteOrder.LITTLE_ENDIAN);
    }

    public static HostTensor ofFloats(float[] v, long... shape) {
        ByteBuffer b = alloc(v.length, 4);
        b.asFloatBuffer().put(v);
        return new HostTensor(DType.FLOAT, shape, b);
    }

    public static HostTensor ofDoubles(double[] v, long... shape) {
        ByteBuffer b = alloc(v.length, 8);
        b.asDoubleBuffer().put(v);
        return new HostTensor(DType.DOUBLE, shape, b);
    }

    public static HostTensor ofLongs(long[] v, long... shape) {
        ByteBuffer b = alloc(v.length, 8);
        b.asLongBuffer().put(v);
        return new HostTensor(DType.INT64, shape, b);
    }

    public static HostTensor ofInts(int[] v, long... shape) {
        ByteBuffer b = alloc(v.length, 4);
        b.asIntBuffer().put(v);
        return new HostTensor(DType.INT32, shape, b);
    }

    public static HostTensor ofBools(boolean[] v, long... shape) {
        ByteBuffer b = alloc(v.length, 1);
        for (boolean x : v) {
            b.put((byte) (x ? 1 : 0));
        }
        b.flip();
        return new HostTensor(DType.BOOL, shape, b);
    }

    /** A scalar or filled tensor of the given floating or integer dtype. */
    public static HostTensor filled(DType dtype, double value, long... shape) {
        int n = (int) numElements(shape);
        switch (dtype) {
            case FLOAT:
                {
                    float[] a = new float[n];
                    Arrays.fill(a, (float) value);
                    return ofFloats(a, shape);
                }
            case DOUBLE:
                {
                    double[] a = new double[n];
                    Arrays.fill(a, value);
                    return ofDoubles(a, shape);
                }
            case INT64:
                {
                    long[] a = new long[n];
                    Arrays.fill(a, (long) value);
                    return ofLongs(a, shape);
                }
            case INT32:
                {
                    int[] a = new int[n];
                    Arrays.fill(a, (int) value);
                    return ofInts(a, shape);
                }
            case BOOL:
                {
                    boolean[] a = new boolean[n];
                    Arrays.fill(a, value != 0);
                    return ofBools(a, shape);
                }
            default:
                throw new IllegalArgumentException("cannot fill a tensor of dtype " + dtype);
        }
    }

    public DType dtype() {
        return dtype;
    }

    public long[] shape() {
        return shape.clone();
    }

    public long numElements() {
        return numElements(shape);
    }

    /** The raw little-endian bytes (a read-only view). */
    public ByteBuffer bytes() {
        return data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Writes the values, widened to float, into {@code dst} from its position on, without an
     * intermediate array: a 0.5B checkpoint in bfloat16 would otherwise pass 2 GB of float arrays
     * through the heap on its way into parameter memory.
     *
     * @throws IllegalArgumentException when {@code dst} has fewer than {@link #numElements()}
     *     remaining or the dtype is not a floating one
     */
    public void copyFloatsTo(FloatBuffer dst) {
        long n = numElements();
        if (dst.remaining() < n) {
            throw new IllegalArgumentException(
                    "tensor "
                            + Arrays.toString(shape)
                            + ": "
                            + n
                            + " values do not fit in "
                            + dst.remaining());
        }
        int at = dst.position();
        ByteBuffer b = bytes();
        switch (dtype) {
            case FLOAT -> dst.put(b.asFloatBuffer());
            case DOUBLE -> {
                for (int i = 0; i < n; i++) {
                    dst.put(at + i, (float) b.getDouble(i * 8));
                }
            }
            case FLOAT16 -> {
                for (int i = 0; i < n; i++) {
                    dst.put(at + i, halfToFloat(b.getShort(i * 2)));
                }
            }
            case BFLOAT16 -> {
                for (int i = 0; i < n; i++) {
                    dst.put(at + i, Float.intBitsToFloat((b.getShort(i * 2) & 0xffff) << 16));
                }
            }
            default ->
                    throw new IllegalArgumentException(
                            "tensor "
                                    + Arrays.toString(shape)
                                    + ": expected a floating dtype, found "
                                    + dtype);
        }
        if (dtype != DType.FLOAT) {
            dst.position(at + (int) n);
        }
    }

    /** The values widened to float (float16 and bfloat16 converted). */
    public float[] toFloatArray() {
        int n = (int) numElements();
        float[] r = new float[n];
        if (dtype.isFloating()) {
            copyFloatsTo(FloatBuffer.wrap(r));
            return r;
        }
        ByteBuffer b = bytes();
        switch (dtype) {
            case INT64 -> {
                for (int i = 0; i < n; i++) {
                    r[i] = b.getLong(i * 8);
                }
            }
            case INT32 -> {
                for (int i = 0; i < n; i++) {
                    r[i] = b.getInt(i * 4);
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    r[i] =
                            dtype == DType.UINT8 || dtype == DType.BOOL
                                    ? (b.get(i) & 0xff)
                                    : b.get(i);
                }
            }
        }
        return r;
    }

    /** The values as doubles. */
    public double[] toDoubleArray() {
        if (dtype == DType.DOUBLE) {
            double[] r = new double[(int) numElements()];
            bytes().asDoubleBuffer().get(r);
            return r;
        }
        if (dtype == DType.INT64) {
            long[] l = toLongArray();
            double[] r = new double[l.length];
            for (int i = 0; i < l.length; i++) {
                r[i] = l[i];
            }
            return r;
        }
        float[] f = toFloatArray();
        double[] r = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            r[i] = f[i];
        }
        return r;
    }

    /** The values as longs (integer dtypes only). */
    public long[] toLongArray() {
        int n = (int) numElements();
        long[] r = new long[n];
        ByteBuffer b = bytes();
        switch (dtype) {
            case INT64 -> b.asLongBuffer().get(r);
            case INT32 -> {
                for (int i = 0; i < n; i++) {
                    r[i] = b.getInt(i * 4);
                }
            }
            case INT8, UINT8, BOOL -> {
                for (int i = 0; i < n; i++) {
                    r[i] = dtype == DType.INT8 ? b.get(i) : (b.get(i) & 0xff);
                }
            }
            default ->
                    throw new IllegalStateException(
                            "tensor of dtype " + dtype + " has no integer values");
        }
        return r;
    }

    /** IEEE 754 half precision to float. */
    public static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            // subnormal: value = mant * 2^-24
            float f = mant * 5.9604645e-8f;
            return sign == 0 ? f : -f;
        }
        if (exp == 31) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** Float to bfloat16, rounding to nearest even. */
    public static short floatToBfloat16(float f) {
        int x = Float.floatToRawIntBits(f);
        if ((x & 0x7f800000) == 0x7f800000 && (x & 0x7fffff) != 0) {
            return (short) ((x >>> 16) | 0x40);
        }
        int rounding = 0x7fff + ((x >>> 16) & 1);
        return (short) ((x + rounding) >>> 16);
    }

    /** Float to IEEE 754 half precision, rounding to nearest even. */
    public static short floatToHalf(float f) {
        int x = Float.floatToRawIntBits(f);
        int sign = (x >>> 16) & 0x8000;
        int exp = (x >>> 23) & 0xff;
        int mant = x & 0x7fffff;
        if (exp == 0xff) {
            return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 : 0));
        }
        int e = exp - 127 + 15;
        if (e >= 31) {
            return (short) (sign | 0x7c00);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign;
            }
            mant |= 0x800000;
            int shift = 14 - e;
            int half = mant >> shift;
            int rem = mant & ((1 << shift) - 1);
            int mid = 1 << (shift - 1);
            if (rem > mid || (rem == mid && (half & 1) == 1)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = (e << 10) | (mant >> 13);
        int rem = mant & 0x1fff;
        if (rem > 0x1000 || (rem == 0x1000 && (half & 1) == 1)) {
            half++;
        }
        return (short) (sign | half);
    }

    @Override
    public String toString() {
        return "HostTensor(" + dtype + ", " + Arrays.toString(shape) + ")";
    }
}
