package org.lcrec.quantization;

import org.lcrec.quantization.internal.Vectors;

/**
 * One level's codebook: {@code size} code vectors of dimension {@code dim}. Immutable.
 *
 * @implNote nearest-code search is a linear scan, {@code O(size × dim)} per query; thread-safe.
 */
public final class Codebook {
    private final float[] vectors;
    private final double[] norms;
    private final int size;
    private final int dim;

    /**
     * @param vectors row-major code vectors (copied)
     * @param size number of codes, {@code >= 1}
     * @param dim dimension, {@code >= 1}
     */
    public Codebook(float[] vectors, int size, int dim) {
        this(vectors.clone(), size, dim, true);
    }

    private Codebook(float[] vectors, int size, int dim, boolean check) {
        if (size < 1 || dim < 1 || vectors.length != (long) size * dim) {
            throw new QuantizationException(
                    "codebook: expected "
                            + size
                            + "x"
                            + dim
                            + " values with size, dim >= 1, found "
                            + vectors.length);
        }
        for (int k = 0; k < vectors.length; k++) {
            if (!Float.isFinite(vectors[k])) {
                throw new QuantizationException(
                        "codebook: code "
                                + k / dim
                                + ", dimension "
                                + k % dim
                                + ": expected a finite number, found "
                                + vectors[k]);
            }
        }
        this.vectors = vectors;
        this.size = size;
        this.dim = dim;
        this.norms = Vectors.squaredNorms(vectors, size, dim);
    }

    /** Wraps an array this package owns without copying. */
    static Codebook wrap(float[] vectors, int size, int dim) {
        return new Codebook(vectors, size, dim, true);
    }

    /**
     * @return number of codes
     */
    public int size() {
        return size;
    }

    /**
     * @return dimension of a code vector
     */
    public int dim() {
        return dim;
    }

    /**
     * @param code a code
     * @return its vector (a copy)
     */
    public float[] vector(int code) {
        float[] v = new float[dim];
        System.arraycopy(vectors, code * dim, v, 0, dim);
        return v;
    }

    /**
     * @return all vectors, row-major (a copy)
     */
    public float[] toArray() {
        return vectors.clone();
    }

    float[] array() {
        return vectors;
    }

    /**
     * Squared L2 distances from a vector to every code.
     *
     * @param x vectors
     * @param offset where the vector starts
     * @param out receives {@link #size()} distances from {@code outOffset}
     * @param outOffset where to write
     */
    public void distances(float[] x, int offset, double[] out, int outOffset) {
        Vectors.distancesToAll(x, offset, vectors, norms, size, dim, out, outOffset);
    }

    /**
     * @param x vectors
     * @param offset where the vector starts
     * @param scratch at least {@link #size()} doubles
     * @return the nearest code (squared L2; lowest on ties)
     */
    public int nearest(float[] x, int offset, double[] scratch) {
        distances(x, offset, scratch, 0);
        return Vectors.argmin(scratch, 0, size);
    }

    @Override
    public String toString() {
        return "Codebook(size=" + size + ", dim=" + dim + ")";
    }
}
