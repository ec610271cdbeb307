package org.lcrec.onnx.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A minimal protobuf wire-format writer (varints, length-delimited fields, packed repeated
 * scalars), enough for ONNX {@code ModelProto}. Nested messages are written into their own writer
 * and embedded with {@link #message(int, ProtoWriter)}.
 */
public final class ProtoWriter {
    private byte[] buf = new byte[256];
    private int len;

    private void ensure(long extra) {
        long need = len + extra;
        if (need > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("protobuf message exceeds 2 GB; use external data");
        }
        if (need > buf.length) {
            buf =
                    Arrays.copyOf(
                            buf,
                            (int)
                                    Math.min(
                                            Integer.MAX_VALUE - 16,
                                            Math.max(need, 2L * buf.length)));
        }
    }

    private void rawVarint(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[len++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[len++] = (byte) v;
    }

    private void tag(int field, int wire) {
        rawVarint(((long) field << 3) | wire);
    }

    /** An int64/int32/enum field (wire type 0). */
    public ProtoWriter int64(int field, long v) {
        tag(field, 0);
        rawVarint(v);
        return this;
    }

    /** A float field (wire type 5). */
    public ProtoWriter float32(int field, float v) {
        tag(field, 5);
        ensure(4);
        int b = Float.floatToRawIntBits(v);
        for (int i = 0; i < 4; i++) {
            buf[len++] = (byte) (b >>> (8 * i));
        }
        return this;
    }

    public ProtoWriter string(int field, String s) {
        return bytes(field, s.getBytes(StandardCharsets.UTF_8));
    }

    public ProtoWriter bytes(int field, byte[] b) {
        tag(field, 2);
        rawVarint(b.length);
        ensure(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
        return this;
    }

    /** A bytes field from a buffer's remaining content (the buffer is not consumed). */
    public ProtoWriter bytes(int field, ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        tag(field, 2);
        rawVarint(d.remaining());
        ensure(d.remaining());
        int n = d.remaining();
        d.get(buf, len, n);
        len += n;
        return this;
    }

    public ProtoWriter message(int field, ProtoWriter m) {
        tag(field, 2);
        rawVarint(m.len);
        ensure(m.len);
        System.arraycopy(m.buf, 0, buf, len, m.len);
        len += m.len;
        return this;
    }

    /** A packed repeated int64 field. */
    public ProtoWriter packedInt64(int field, long[] vs) {
        ProtoWriter p = new ProtoWriter();
        for (long v : vs) {
            p.rawVarint(v);
        }
        tag(field, 2);
        rawVarint(p.len);
        ensure(p.len);
        System.arraycopy(p.buf, 0, buf, len, p.len);
        len += p.len;
        return this;
    }

    /** A packed repeated float field. */
    public ProtoWriter packedFloat(int field, float[] vs) {
        tag(field, 2);
        rawVarint(4L * vs.length);
        ensure(4L * vs.length);
        for (float v : vs) {
            int b = Float.floatToRawIntBits(v);
            for (int i = 0; i < 4; i++) {
                buf[len++] = (byte) (b >>> (8 * i));
            }
        }
        return this;
    }

    public int size() {
        return len;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }
}
