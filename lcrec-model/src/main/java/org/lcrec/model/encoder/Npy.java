package org.lcrec.model.encoder;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.lcrec.core.io.AtomicFiles;

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
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

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
        try (InputStream raw = Files.newInputStream(file);
                DataInputStream in =
                        new DataInputStream(new java.io.BufferedInputStream(raw, 1 << 16))) {
            byte[] magic = new byte[6];
            in.readFully(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new EncoderException(file + ": not a .npy file (bad magic)");
            }
            int major = in.readUnsignedByte();
            in.readUnsignedByte();
            long headerLen;
            if (major == 1) {
                headerLen = in.readUnsignedByte() | (in.readUnsignedByte() << 8);
            } else if (major == 2 || major == 3) {
                headerLen =
                        (in.readUnsignedByte()
                                        | (in.readUnsignedByte() << 8)
                                        | (in.readUnsignedByte() << 16))
                                | ((long) in.readUnsignedByte() << 24);
            } else {
                throw new EncoderException(
                        file + ": unsupported .npy version " + major + " (expected 1, 2 or 3)");
            }
            byte[] hb = new byte[(int) headerLen];
            in.readFully(hb);
            String header =
                    new String(
                            hb, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            String descr = group(DESCR, header, file, "descr");
            boolean fortran = group(FORTRAN, header, file, "fortran_order").equals("True");
            String[] dims = group(SHAPE, header, file, "shape").split(",");
            java.util.List<Integer> shape = new java.util.ArrayList<>();
            for (String d : dims) {
                if (!d.isBlank()) {
                    shape.add(Integer.parseInt(d.trim()));
                }
            }
            if (shape.size() != 2) {
                throw new EncoderException(
                        file + ": expected a 2-D array [items, dim], found shape " + shape);
            }
            int rows = shape.get(0);
            int dim = shape.get(1);
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
                            file + ": expected float data ('<f4' or '<f8'), found '" + descr + "'");
            }
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
        } catch (java.io.EOFException e) {
            throw new EncoderException(
                    file + ": truncated .npy (fewer bytes than its shape says)", e);
        } catch (IOException e) {
            throw new EncoderException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static String group(Pattern p, String header, Path file, String key) {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new EncoderException(
                    file + ": .npy header lacks '" + key + "': " + header.trim());
        }
        return m.group(1);
    }
}
