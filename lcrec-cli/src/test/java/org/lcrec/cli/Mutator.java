package org.lcrec.cli;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded mutations of a valid file, the way a fuzzer makes hostile inputs from good ones: bit
 * flips, boundary bytes, deleted, duplicated, inserted and spliced ranges, truncation, and two
 * structure-aware kinds: in text, numbers and strings replaced by boundary values; in binary,
 * aligned 4- and 8-byte windows (lengths, offsets, shapes) replaced by boundary integers. One to
 * three mutations are stacked per input.
 */
final class Mutator {
    private static final byte[] BYTES = {
        0,
        -1,
        (byte) 0x80,
        (byte) 0xc3,
        '"',
        '\\',
        '{',
        '}',
        '[',
        ']',
        ',',
        ':',
        '-',
        '9',
        '\n',
        'e'
    };

    private static final String[] NUMBERS = {
        "-1",
        "0",
        "1",
        "2147483647",
        "2147483648",
        "-2147483649",
        "4294967296",
        "9223372036854775807",
        "18446744073709551616",
        "1e20",
        "-1e308",
        "1e400",
        "0.5",
        "-0",
        "NaN",
        "Infinity",
        "2147483000",
        "65536"
    };

    private static final String[] STRINGS = {
        "",
        "../../../../etc/passwd",
        "/etc/passwd",
        "..",
        "x/../../y",
        "\\u0000",
        "\\ud800",
        "<a_999999>",
        "<a_-1>",
        "é\u00ff",
        "F32",
        "BF16",
        "null",
        "A".repeat(5000)
    };

    private static final long[] INTEGERS = {
        0,
        1,
        -1,
        0x7f,
        0xff,
        0x7fff,
        0xffff,
        Integer.MAX_VALUE,
        Integer.MIN_VALUE,
        0xffffffffL,
        1L << 32,
        Long.MAX_VALUE,
        Long.MIN_VALUE,
        2147483000L,
        1L << 40
    };

    private final SplittableRandom rnd;

    Mutator(long seed) {
        this.rnd = new SplittableRandom(seed);
    }

    /**
     * @param in a valid file's bytes
     * @param text whether the format is text (JSON, CSV), which adds the token-level mutations
     * @return a mutated copy (never equal in length and content to {@code in} unless a mutation
     *     happened to restore it)
     */
    byte[] mutate(byte[] in, boolean text) {
        byte[] b = in;
        int n = 1 + rnd.nextInt(3);
        for (int i = 0; i < n; i++) {
            b = once(b, text);
        }
        return b;
    }

    private byte[] once(byte[] b, boolean text) {
        if (b.length == 0) {
            return insert(b);
        }
        int kind = rnd.nextInt(text ? 10 : 9);
        return switch (kind) {
            case 0 -> flip(b);
            case 1 -> setByte(b);
            case 2 -> delete(b);
            case 3 -> duplicate(b);
            case 4 -> insert(b);
            case 5 -> truncate(b);
            case 6 -> splice(b);
            case 7 -> text ? replaceNumber(b) : window(b, 4);
            case 8 -> text ? replaceString(b) : window(b, 8);
            default -> deleteToken(b);
        };
    }

    private byte[] flip(byte[] b) {
        byte[] c = b.clone();
        int bits = 1 + rnd.nextInt(4);
        for (int i = 0; i < bits; i++) {
            int p = rnd.nextInt(c.length);
            c[p] ^= (byte) (1 << rnd.nextInt(8));
        }
        return c;
    }

    private byte[] setByte(byte[] b) {
        byte[] c = b.clone();
        c[rnd.nextInt(c.length)] = BYTES[rnd.nextInt(BYTES.length)];
        return c;
    }

    private byte[] delete(byte[] b) {
        int from = rnd.nextInt(b.length);
        int len = 1 + rnd.nextInt(Math.min(64, b.length - from));
        return cat(slice(b, 0, from), slice(b, from + len, b.length));
    }

    private byte[] duplicate(byte[] b) {
        int from = rnd.nextInt(b.length);
        int len = 1 + rnd.nextInt(Math.min(256, b.length - from));
        int at = rnd.nextInt(b.length + 1);
        return cat(slice(b, 0, at), slice(b, from, from + len), slice(b, at, b.length));
    }

    private byte[] insert(byte[] b) {
        byte[] r = new byte[1 + rnd.nextInt(16)];
        for (int i = 0; i < r.length; i++) {
            r[i] = rnd.nextBoolean() ? BYTES[rnd.nextInt(BYTES.length)] : (byte) rnd.nextInt(256);
        }
        int at = rnd.nextInt(b.length + 1);
        return cat(slice(b, 0, at), r, slice(b, at, b.length));
    }

    private byte[] truncate(byte[] b) {
        return slice(b, 0, rnd.nextInt(b.length));
    }

    private byte[] splice(byte[] b) {
        int from = rnd.nextInt(b.length);
        int len = 1 + rnd.nextInt(Math.min(128, b.length - from));
        int at = rnd.nextInt(b.length);
        int over = Math.min(len, b.length - at);
        byte[] c = b.clone();
        System.arraycopy(b, from, c, at, over);
        return c;
    }

    /** Overwrites an aligned window with a boundary integer, little-endian. */
    private byte[] window(byte[] b, int width) {
        if (b.length < width) {
            return flip(b);
        }
        // lengths, offsets and shapes sit near the start of the formats fuzzed here
        int limit = Math.min(b.length - width, rnd.nextBoolean() ? 256 : b.length - width);
        int at = rnd.nextInt(limit / width + 1) * width;
        ByteBuffer w = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        long v = INTEGERS[rnd.nextInt(INTEGERS.length)];
        if (rnd.nextInt(4) == 0) {
            v = ByteBuffer.wrap(b, at, width).order(ByteOrder.LITTLE_ENDIAN).getInt() + 1L;
        }
        w.putLong(v);
        byte[] c = b.clone();
        System.arraycopy(w.array(), 0, c, at, width);
        return c;
    }

    private byte[] replaceNumber(byte[] b) {
        List<int[]> spans = spans(b, true);
        if (spans.isEmpty()) {
            return setByte(b);
        }
        int[] s = spans.get(rnd.nextInt(spans.size()));
        return replace(b, s, NUMBERS[rnd.nextInt(NUMBERS.length)]);
    }

    private byte[] replaceString(byte[] b) {
        List<int[]> spans = spans(b, false);
        if (spans.isEmpty()) {
            return setByte(b);
        }
        int[] s = spans.get(rnd.nextInt(spans.size()));
        // inside the quotes
        return replace(b, new int[] {s[0] + 1, s[1] - 1}, STRINGS[rnd.nextInt(STRINGS.length)]);
    }

    /** Deletes a whole number or string token (a missing value, key or list element). */
    private byte[] deleteToken(byte[] b) {
        List<int[]> spans = spans(b, rnd.nextBoolean());
        if (spans.isEmpty()) {
            return delete(b);
        }
        int[] s = spans.get(rnd.nextInt(spans.size()));
        return replace(b, s, "");
    }

    private byte[] replace(byte[] b, int[] span, String with) {
        return cat(
                slice(b, 0, span[0]),
                with.getBytes(StandardCharsets.UTF_8),
                slice(b, span[1], b.length));
    }

    /**
     * @return [start, end) of number tokens (digits with sign, dot, exponent) or of quoted strings
     *     (quotes included), at most 4,096 of them
     */
    private static List<int[]> spans(byte[] b, boolean numbers) {
        List<int[]> out = new ArrayList<>();
        int i = 0;
        while (i < b.length && out.size() < 4096) {
            byte c = b[i];
            if (c == '"') {
                int j = i + 1;
                while (j < b.length && b[j] != '"') {
                    j += b[j] == '\\' ? 2 : 1;
                }
                if (!numbers && j < b.length) {
                    out.add(new int[] {i, j + 1});
                }
                i = j + 1;
            } else if (numbers && (c == '-' || (c >= '0' && c <= '9'))) {
                int j = i + 1;
                while (j < b.length && "0123456789.eE+-".indexOf(b[j]) >= 0) {
                    j++;
                }
                out.add(new int[] {i, j});
                i = j;
            } else {
                i++;
            }
        }
        return out;
    }

    private static byte[] slice(byte[] b, int from, int to) {
        byte[] c = new byte[Math.max(0, to - from)];
        System.arraycopy(b, from, c, 0, c.length);
        return c;
    }

    private static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }
}
