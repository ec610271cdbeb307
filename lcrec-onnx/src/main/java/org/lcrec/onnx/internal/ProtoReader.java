package org.lcrec.onnx.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.lcrec.core.MalformedFileException;

/**
 * A minimal protobuf wire-format reader over a {@link ByteBuffer}: iterate fields with {@link
 * #next()}, then read the value with the method matching the wire type.
 */
public final class ProtoReader {
    private final ByteBuffer buf;
    private int field;
    private int wire;

    public ProtoReader(ByteBuffer buf) {
        this.buf = buf.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Advances to the next field; false at the end. */
    public boolean next() {
        if (!buf.hasRemaining()) {
            return false;
        }
        long t = varint();
        field = (int) (t >>> 3);
        wire = (int) (t & 7);
        return true;
    }

    public int field() {
        return field;
    }

    public int wire() {
        return wire;
    }

    public long varint() {
        long r = 0;
        int shift = 0;
        while (true) {
            byte b = buf.get();
            r |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return r;
            }
            shift += 7;
            if (shift > 63) {
                throw new MalformedFileException("malformed protobuf varint");
            }
        }
    }

    /** A length-delimited value as a slice of the underlying buffer. */
    public ByteBuffer bytes() {
        int n = (int) varint();
        if (n < 0 || n > buf.remaining()) {
            throw new MalformedFileException(
                    "malformed protobuf: length " + n + " exceeds remaining " + buf.remaining());
        }
        ByteBuffer s = buf.slice();
        s.limit(n);
        buf.position(buf.position() + n);
        return s.order(ByteOrder.LITTLE_ENDIAN);
    }

    public String string() {
        ByteBuffer b = bytes();
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return new String(a, StandardCharsets.UTF_8);
    }

    public ProtoReader message() {
        return new ProtoReader(bytes());
    }

    public float fixed32Float() {
        return buf.getFloat();
    }

    /** Reads a repeated int64 field value, packed or not, into the sink. */
    public void int64s(java.util.function.LongConsumer sink) {
        if (wire == 2) {
            ProtoReader p = new ProtoReader(bytes());
            while (p.buf.hasRemaining()) {
                sink.accept(p.varint());
            }
        } else {
            sink.accept(varint());
        }
    }

    /** Skips the current field's value. */
    public void skip() {
        switch (wire) {
            case 0 -> varint();
            case 1 -> buf.position(buf.position() + 8);
            case 2 -> bytes();
            case 5 -> buf.position(buf.position() + 4);
            default -> throw new MalformedFileException("unsupported protobuf wire type " + wire);
        }
    }
}
