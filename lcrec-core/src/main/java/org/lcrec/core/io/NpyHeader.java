package org.lcrec.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.lcrec.core.MalformedFileException;

/**
 * The header of a NumPy {@code .npy} file (format versions 1.0, 2.0 and 3.0), read and checked
 * against the file before any array is allocated: the header length lies within the file and below
 * {@link #MAX_HEADER_BYTES}, the shape's entries are non-negative, and {@link #checkDataBytes}
 * holds the declared size (overflow-checked) to the bytes the file actually has after the header.
 *
 * <p>The readers of the SDK's {@code .npy} files ({@code Npy} in lcrec-model, {@code Embeddings} in
 * lcrec-quantization) check the dtype and rank they support, then call {@link #checkDataBytes}.
 */
public final class NpyHeader {
    /**
     * The longest header accepted, in bytes: 65 535, the most a version 1.0 header can declare.
     * NumPy writes a few dozen bytes (padded to 64) for any array whose dtype is not a structured
     * record, and its own reader refuses headers over 10 000 bytes unless told otherwise ({@code
     * max_header_size}); versions 2.0 and 3.0 allow 4 GiB only for huge structured dtypes, which
     * the SDK does not read.
     */
    public static final int MAX_HEADER_BYTES = 65_535;

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private final Path file;
    private final String descr;
    private final boolean fortranOrder;
    private final long[] shape;
    private final long dataOffset;
    private final long dataBytes;

    private NpyHeader(
            Path file,
            String descr,
            boolean fortranOrder,
            long[] shape,
            long dataOffset,
            long dataBytes) {
        this.file = file;
        this.descr = descr;
        this.fortranOrder = fortranOrder;
        this.shape = shape;
        this.dataOffset = dataOffset;
        this.dataBytes = dataBytes;
    }

    /**
     * Reads and checks the header at the start of {@code ch}.
     *
     * @param ch the open file
     * @param file its path, for messages
     * @return the header; {@code ch}'s position is unchanged
     * @throws MalformedFileException naming the file and the field if the magic, version, header
     *     length, {@code descr}, {@code fortran_order} or {@code shape} is not as the format says
     * @throws IOException if the file cannot be read
     */
    public static NpyHeader read(FileChannel ch, Path file) throws IOException {
        long size = ch.size();
        ByteBuffer pre = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        int got = readAt(ch, pre, 0);
        byte[] magic = Arrays.copyOf(pre.array(), Math.min(got, MAGIC.length));
        if (!Arrays.equals(magic, MAGIC)) {
            throw new MalformedFileException(
                    file + ": expected a NumPy .npy file (magic \\x93NUMPY), found other bytes");
        }
        if (got < 8) {
            throw new MalformedFileException(
                    file + ": expected a .npy header, found a file of " + size + " bytes");
        }
        int major = pre.get(6) & 0xFF;
        int preamble;
        long headerLen;
        if (major == 1 && got >= 10) {
            preamble = 10;
            headerLen = Short.toUnsignedInt(pre.getShort(8));
        } else if ((major == 2 || major == 3) && got >= 12) {
            preamble = 12;
            headerLen = Integer.toUnsignedLong(pre.getInt(8));
        } else if (major < 1 || major > 3) {
            throw new MalformedFileException(
                    file + ": expected .npy format version 1, 2 or 3, found " + major);
        } else {
            throw new MalformedFileException(
                    file + ": expected a .npy header, found a file of " + size + " bytes");
        }
        long room = size - preamble;
        if (headerLen > Math.min(room, MAX_HEADER_BYTES)) {
            throw new MalformedFileException(
                    file
                            + ": header length: expected at most "
                            + Math.min(room, MAX_HEADER_BYTES)
                            + " bytes ("
                            + (room < MAX_HEADER_BYTES
                                    ? "what the file holds after its " + preamble + "-byte start"
                                    : "the SDK's limit")
                            + "), found "
                            + headerLen);
        }
        ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
        readAt(ch, hb, preamble);
        String header =
                new String(
                        hb.array(),
                        major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, header, file, "descr");
        boolean fortran = group(FORTRAN, header, file, "fortran_order").equals("True");
        String shapeText = group(SHAPE, header, file, "shape");
        long[] shape;
        try {
            shape =
                    Arrays.stream(shapeText.split(","))
                            .map(String::trim)
                            .filter(s -> !s.isEmpty())
                            .mapToLong(Long::parseLong)
                            .toArray();
        } catch (NumberFormatException e) {
            shape = new long[] {-1};
        }
        for (long d : shape) {
            if (d < 0) {
                throw new MalformedFileException(
                        file
                                + ": shape: expected non-negative integers, found ("
                                + FileChecks.abbreviate(shapeText)
                                + ")");
            }
        }
        long offset = preamble + headerLen;
        return new NpyHeader(file, descr, fortran, shape, offset, size - offset);
    }

    private static int readAt(FileChannel ch, ByteBuffer b, long position) throws IOException {
        int total = 0;
        while (b.hasRemaining()) {
            int n = ch.read(b, position + total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    private static String group(Pattern p, String header, Path file, String key) {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new MalformedFileException(
                    file
                            + ": .npy header has no '"
                            + key
                            + "' entry: "
                            + FileChecks.abbreviate(header.trim()));
        }
        return m.group(1);
    }

    /**
     * Checks that the data after the header is exactly what the shape declares.
     *
     * @param itemBytes the size of one element of the reader's dtype
     * @return the number of elements, the product of the shape
     * @throws MalformedFileException naming the file, shape and dtype if the product overflows or
     *     differs from the bytes the file holds after the header
     */
    public long checkDataBytes(int itemBytes) {
        long count = 1;
        long bytes;
        try {
            for (long d : shape) {
                count = Math.multiplyExact(count, d);
            }
            bytes = Math.multiplyExact(count, (long) itemBytes);
        } catch (ArithmeticException e) {
            throw new MalformedFileException(
                    file + ": " + describe() + ": the element count overflows a 64-bit integer");
        }
        if (bytes != dataBytes) {
            throw new MalformedFileException(
                    file
                            + ": "
                            + describe()
                            + ": expected "
                            + bytes
                            + " data bytes, found "
                            + dataBytes
                            + (dataBytes < bytes ? " (truncated)" : " (trailing bytes)"));
        }
        return count;
    }

    private String describe() {
        StringBuilder sb = new StringBuilder("shape (");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i > 0 ? ", " : "").append(shape[i]);
        }
        if (shape.length == 1) {
            sb.append(',');
        }
        return sb.append(") of '").append(FileChecks.abbreviate(descr)).append('\'').toString();
    }

    /**
     * @return the dtype descriptor, e.g. {@code <f4}
     */
    public String descr() {
        return descr;
    }

    /**
     * @return whether the data is in Fortran (column-major) order
     */
    public boolean fortranOrder() {
        return fortranOrder;
    }

    /**
     * @return a copy of the shape; every entry is non-negative
     */
    public long[] shape() {
        return shape.clone();
    }

    /**
     * @return where the data starts in the file
     */
    public long dataOffset() {
        return dataOffset;
    }
}
