package org.lcrec.tasks;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable UTF-8 byte buffer for the JSONL hot path: constant pieces are pre-encoded once and
 * copied with {@link System#arraycopy}; text is JSON-escaped and UTF-8-encoded in one pass, so no
 * per-sample {@code String} or {@code char[]} is made. Malformed surrogates become {@code '?'}, as
 * Java's UTF-8 encoder does.
 */
final class Utf8Buffer {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private byte[] buf;
    private int len;

    Utf8Buffer(int capacity) {
        buf = new byte[capacity];
    }

    int length() {
        return len;
    }

    void clear() {
        len = 0;
    }

    private void ensure(int extra) {
        if (len + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
        }
    }

    Utf8Buffer append(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
        return this;
    }

    Utf8Buffer append(byte b) {
        ensure(1);
        buf[len++] = b;
        return this;
    }

    /** Appends a non-negative or negative int in decimal. */
    Utf8Buffer appendInt(int v) {
        if (v < 0) {
            if (v == Integer.MIN_VALUE) {
                return append(Integer.toString(v).getBytes(StandardCharsets.US_ASCII));
            }
            append((byte) '-');
            v = -v;
        }
        ensure(10);
        int start = len;
        do {
            buf[len++] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v > 0);
        // reverse the digits in place
        for (int i = start, j = len - 1; i < j; i++, j--) {
            byte t = buf[i];
            buf[i] = buf[j];
            buf[j] = t;
        }
        return this;
    }

    /** Appends {@code s} JSON-escaped (as {@link JsonStrings} does) and UTF-8-encoded. */
    Utf8Buffer appendJsonEscaped(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (c >= 0x20 && c != '"' && c != '\\') {
                    if (len == buf.length) {
                        ensure(n - i);
                    }
                    buf[len++] = (byte) c;
                } else {
                    escape(c);
                }
            } else if (c < 0x800) {
                ensure(2);
                buf[len++] = (byte) (0xC0 | (c >> 6));
                buf[len++] = (byte) (0x80 | (c & 0x3F));
            } else if (c == '\u2028' || c == '\u2029') {
                escape(c);
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < n
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                ensure(4);
                buf[len++] = (byte) (0xF0 | (cp >> 18));
                buf[len++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                buf[len++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                buf[len++] = (byte) (0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                append((byte) '?');
            } else {
                ensure(3);
                buf[len++] = (byte) (0xE0 | (c >> 12));
                buf[len++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                buf[len++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        return this;
    }

    private void escape(char c) {
        ensure(6);
        buf[len++] = '\\';
        switch (c) {
            case '"' -> buf[len++] = '"';
            case '\\' -> buf[len++] = '\\';
            case '\n' -> buf[len++] = 'n';
            case '\r' -> buf[len++] = 'r';
            case '\t' -> buf[len++] = 't';
            case '\b' -> buf[len++] = 'b';
            case '\f' -> buf[len++] = 'f';
            default -> {
                buf[len++] = 'u';
                buf[len++] = HEX[(c >> 12) & 0xF];
                buf[len++] = HEX[(c >> 8) & 0xF];
                buf[len++] = HEX[(c >> 4) & 0xF];
                buf[len++] = HEX[c & 0xF];
            }
        }
    }

    /** Writes the content to {@code out} and empties the buffer. */
    void drainTo(OutputStream out) throws IOException {
        out.write(buf, 0, len);
        len = 0;
    }

    /** The JSON-escaped UTF-8 bytes of a text. */
    static byte[] jsonBytes(String s) {
        Utf8Buffer b = new Utf8Buffer(s.length() + 8);
        b.appendJsonEscaped(s);
        return Arrays.copyOf(b.buf, b.len);
    }

    @Override
    public String toString() {
        return new String(buf, 0, len, StandardCharsets.UTF_8);
    }
}
