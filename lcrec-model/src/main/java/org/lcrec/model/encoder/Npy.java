package org.lcrec.model.encoder;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.lcrec.core.MalformedFileException;
import org.lcrec.core.io.AtomicFiles;
import org.lcrec.core.io.FileChecks;
import org.lcrec.core.io.NpyHeader;

/**
 * NumPy {@code .npy} files holding a 2-D float matrix {@code [rows, dim]}, the layout LC-Rec's item
 * embeddings use ({@code <D>.emb-<plm>-td.npy}: row i = item i).
 *
 * <p>Writes format version 1.0, little-endian float32 ({@code '<f4'}), C order, the header padded
 * to a multiple of 64 bytes as NumPy does. Reads versions 1.0, 2.0 and 3.0 with {@code <f4}, {@code
 * >f4}, {@code <f8} or {@code >f8} data in C or Fortran order (doubles are narrowed to float).
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    /** The longest Java array HotSpot allocates. */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    private Npy() {}

    /**
     * Writes a matrix atomically.
     *
     * @param file the target {@code .npy}
     * @param rows the rows, all of the same length
     * @throws IllegalArgumentException if rows are ragged
     */
    public static void write(Path file, float[][] rows) {
        int dim = rows.length == 0 ? 0 : rows[0].length;
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != dim) {
                throw new IllegalArgumentException(
                        file
                                + ": row "
                                + i
                                + ": expected "
                                + dim
                                + " values, found "
                                + rows[i].length);
            }
        }
        AtomicFiles.write(file, out -> write(out, rows, dim));
    }

    private static void write(OutputStream out, float[][] rows, int dim) throws IOException {
        String dict =
                "{'descr': '<f4', 'fortran_order': False, 'shape': ("
                        + rows.length
                        + ", "
                        + dim
                        + "), }";
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int total = (unpadded + 63) / 64 * 64;
        StringBuilder header = new StringBuilder(dict);
        while (MAGIC.length + 4 + header.length() + 1 < total) {
            header.append(' ');
        }
        header.append('\n');
        out.write(MAGIC);
        out.write(1);
        out.write(0);
        int hl = header.length();
        out.write(hl & 0xFF);
        out.write((hl >>> 8) & 0xFF);
        out.write(header.toString().getBytes(StandardCharsets.US_ASCII));
        ByteBuffer buf = ByteBuffer.allocate(Math.max(4, dim * 4)).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] row : rows) {
            buf.clear();
            for (float v : row) {
                buf.putFloat(v);
            }
            out.write(buf.array(), 0, dim * 4);
        }
    }

    /**
     * Reads a 2-D float matrix.
     *
     * @param file a {@code .npy} file
     * @return the rows
     * @throws EncoderException if the file is missing, not a {@code .npy}, not 2-D or not float
     */
    public static float[][] read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            NpyHeader h;
            try {
                h = NpyHeader.read(ch, file);
            } catch (MalformedFileException e) {
                throw new EncoderException(e.getMessage(), e);
            }
            String descr = h.descr();
            boolean fortran = h.fortranOrder();
            long[] shape = h.shape();
            if (shape.length != 2) {
                throw new EncoderException(
                        file
                                + ": expected a 2-D array [items, dim], found shape "
                                + Arrays.toString(shape));
            }
            int width;
            ByteOrder order;
            switch (descr) {
                case "<f4":
                    width = 4;
                    order = ByteOrder.LITTLE_ENDIAN;
                    break;
                case ">f4":
                    width = 4;
                    order = ByteOrder.BIG_ENDIAN;
                    break;
                case "<f8":
                    width = 8;
                    order = ByteOrder.LITTLE_ENDIAN;
                    break;
                case ">f8":
                    width = 8;
                    order = ByteOrder.BIG_ENDIAN;
                    break;
                default:
                    throw new EncoderException(
                            file
                                    + ": expected float data ('<f4' or '<f8'), found '"
                                    + FileChecks.abbreviate(descr)
                                    + "'");
            }
            try {
                h.checkDataBytes(width);
            } catch (MalformedFileException e) {
                throw new EncoderException(e.getMessage(), e);
            }
            // the data is in the file, so rows × dim values fit in memory; a side alone can still
            // exceed an array's length when the other is 0
            if (shape[0] > MAX_ARRAY || shape[1] > MAX_ARRAY) {
                throw new EncoderException(
                        file
                                + ": shape: expected sides of at most "
                                + MAX_ARRAY
                                + ", found "
                                + Arrays.toString(shape));
            }
            int rows = (int) shape[0];
            int dim = (int) shape[1];
            DataInputStream in =
                    new DataInputStream(
                            new BufferedInputStream(
                                    Channels.newInputStream(ch.position(h.dataOffset())), 1 << 16));
            float[][] out = new float[rows][dim];
            int count = fortran ? dim : rows;
            int len = fortran ? rows : dim;
            byte[] bytes = new byte[width * len];
            for (int i = 0; i < count; i++) {
                in.readFully(bytes);
                ByteBuffer b = ByteBuffer.wrap(bytes).order(order);
                for (int j = 0; j < len; j++) {
                    float v = width == 4 ? b.getFloat() : (float) b.getDouble();
                    if (fortran) {
                        out[j][i] = v;
                    } else {
                        out[i][j] = v;
                    }
                }
            }
            return out;
        } catch (NoSuchFileException e) {
            throw new EncoderException(file + ": file not found", e);
        } catch (IOException e) {
            throw new EncoderException(file + ": cannot read: " + e.getMessage(), e);
        }
    }
}
