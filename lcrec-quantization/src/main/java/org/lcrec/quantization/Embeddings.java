package org.lcrec.quantization;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import org.lcrec.core.MalformedFileException;
import org.lcrec.core.io.AtomicFiles;
import org.lcrec.core.io.FileChecks;
import org.lcrec.core.io.NpyHeader;

/**
 * Item embeddings: a dense {@code items × dim} float matrix, row {@code i} = item id {@code i}
 * (LC-Rec's {@code <D>.emb-*.npy} convention). Immutable; every entry is finite.
 *
 * <p>Reads and writes NumPy {@code .npy} files (format versions 1.0-3.0, C order, 2-D, {@code <f4},
 * {@code >f4}, {@code <f8} or {@code >f8}; doubles are narrowed to float).
 */
public final class Embeddings {
    private static final byte[] NPY_MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    private final float[] data;
    private final int rows;
    private final int dim;

    private Embeddings(float[] data, int rows, int dim) {
        this.data = data;
        this.rows = rows;
        this.dim = dim;
    }

    /**
     * @param data row-major values (copied)
     * @param rows items, {@code >= 1}
     * @param dim dimension, {@code >= 1}
     * @return the embeddings
     * @throws QuantizationException if the shape does not match or a value is NaN or infinite
     */
    public static Embeddings of(float[] data, int rows, int dim) {
        return checked(data.clone(), rows, dim, "embeddings");
    }

    private static Embeddings checked(float[] data, int rows, int dim, String where) {
        if (rows < 1 || dim < 1) {
            throw new QuantizationException(
                    where
                            + ": expected at least 1 item and 1 dimension, found "
                            + rows
                            + "x"
                            + dim);
        }
        if (data.length != (long) rows * dim) {
            throw new QuantizationException(
                    where
                            + ": expected "
                            + rows
                            + "x"
                            + dim
                            + " = "
                            + (long) rows * dim
                            + " values, found "
                            + data.length);
        }
        for (int k = 0; k < data.length; k++) {
            if (!Float.isFinite(data[k])) {
                throw new QuantizationException(
                        where
                                + ": item "
                                + k / dim
                                + ", dimension "
                                + k % dim
                                + ": expected a finite number, found "
                                + data[k]);
            }
        }
        return new Embeddings(data, rows, dim);
    }

    /**
     * Seeded Gaussian clusters, for tests and demos: {@code clusters} centres drawn from N(0,
     * spread²) and items scattered around them with N(0, 1).
     *
     * @param items items
     * @param dim dimension
     * @param clusters number of centres
     * @param spread standard deviation of the centres
     * @param seed random seed
     * @return the embeddings
     */
    public static Embeddings gaussianClusters(
            int items, int dim, int clusters, double spread, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] centres = new float[clusters * dim];
        for (int k = 0; k < centres.length; k++) {
            centres[k] = (float) (gaussian(rnd) * spread);
        }
        float[] x = new float[items * dim];
        for (int i = 0; i < items; i++) {
            int c = rnd.nextInt(clusters);
            for (int j = 0; j < dim; j++) {
                x[i * dim + j] = (float) (centres[c * dim + j] + gaussian(rnd));
            }
        }
        return new Embeddings(x, items, dim);
    }

    private static double gaussian(SplittableRandom rnd) {
        // Box-Muller; SplittableRandom has no nextGaussian on Java 17.
        double u = 1 - rnd.nextDouble();
        double v = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    /**
     * @return items (rows)
     */
    public int rows() {
        return rows;
    }

    /**
     * @return dimension (columns)
     */
    public int dim() {
        return dim;
    }

    /**
     * @param row an item
     * @param col a dimension
     * @return the value
     */
    public float get(int row, int col) {
        return data[row * dim + col];
    }

    /**
     * @param row an item
     * @return its vector (a copy)
     */
    public float[] row(int row) {
        float[] r = new float[dim];
        System.arraycopy(data, row * dim, r, 0, dim);
        return r;
    }

    /**
     * @return all values, row-major (a copy)
     */
    public float[] toArray() {
        return data.clone();
    }

    /** The backing array, not copied: callers in this package never modify it. */
    float[] array() {
        return data;
    }

    /**
     * Reads a {@code .npy} file.
     *
     * @param file the file
     * @return the embeddings
     * @throws QuantizationException naming the file if it is not a 2-D float {@code .npy} file or
     *     holds NaN or infinite values
     */
    public static Embeddings readNpy(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            NpyHeader h;
            try {
                h = NpyHeader.read(ch, file);
            } catch (MalformedFileException e) {
                throw new QuantizationException(e.getMessage(), e);
            }
            String descr = h.descr();
            if (h.fortranOrder()) {
                throw new QuantizationException(
                        file + ": expected fortran_order False (C order), found True");
            }
            long[] shape = h.shape();
            if (shape.length != 2) {
                throw new QuantizationException(
                        file
                                + ": expected a 2-D array [items, dim], found shape "
                                + java.util.Arrays.toString(shape));
            }
            int width;
            ByteOrder order;
            switch (descr) {
                case "<f4" -> {
                    width = 4;
                    order = ByteOrder.LITTLE_ENDIAN;
                }
                case ">f4" -> {
                    width = 4;
                    order = ByteOrder.BIG_ENDIAN;
                }
                case "<f8" -> {
                    width = 8;
                    order = ByteOrder.LITTLE_ENDIAN;
                }
                case ">f8" -> {
                    width = 8;
                    order = ByteOrder.BIG_ENDIAN;
                }
                default ->
                        throw new QuantizationException(
                                file
                                        + ": expected dtype <f4, >f4, <f8 or >f8, found "
                                        + FileChecks.abbreviate(descr));
            }
            long count;
            try {
                count = h.checkDataBytes(width);
            } catch (MalformedFileException e) {
                throw new QuantizationException(e.getMessage(), e);
            }
            long rows = shape[0];
            long dim = shape[1];
            if (count > Integer.MAX_VALUE - 8 || rows > Integer.MAX_VALUE - 8) {
                throw new QuantizationException(
                        file + ": " + rows + "x" + dim + " is too large for one float array");
            }
            int n = (int) count;
            float[] data = new float[n];
            ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(order);
            long position = h.dataOffset();
            int done = 0;
            while (done < n) {
                int take = Math.min(buf.capacity() / width, n - done);
                buf.clear().limit(take * width);
                while (buf.hasRemaining()) {
                    int got = ch.read(buf, position);
                    if (got < 0) {
                        throw new QuantizationException(
                                file + ": expected " + n + " values, file ends after " + done);
                    }
                    position += got;
                }
                buf.flip();
                for (int k = 0; k < take; k++) {
                    data[done + k] = width == 4 ? buf.getFloat() : (float) buf.getDouble();
                }
                done += take;
            }
            return checked(data, (int) rows, (int) dim, file.toString());
        } catch (IOException e) {
            throw new QuantizationException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes a {@code .npy} file (version 1.0, {@code <f4}, C order), atomically.
     *
     * @param file the target
     */
    public void writeNpy(Path file) {
        String dict =
                "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + dim + "), }";
        // pad so that magic(6) + version(2) + length(2) + header is a multiple of 64, ending in \n
        int total = 10 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        AtomicFiles.write(
                file,
                out -> {
                    out.write(NPY_MAGIC);
                    out.write(1);
                    out.write(0);
                    int len = header.length();
                    out.write(len & 0xff);
                    out.write(len >>> 8);
                    out.write(header.getBytes(StandardCharsets.ISO_8859_1));
                    ByteBuffer bb = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
                    for (float v : data) {
                        if (!bb.hasRemaining()) {
                            out.write(bb.array(), 0, bb.position());
                            bb.clear();
                        }
                        bb.putFloat(v);
                    }
                    out.write(bb.array(), 0, bb.position());
                });
    }

    @Override
    public String toString() {
        return "Embeddings(items=" + rows + ", dim=" + dim + ")";
    }
}
