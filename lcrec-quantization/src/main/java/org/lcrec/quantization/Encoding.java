package org.lcrec.quantization;

/**
 * The nearest-code encoding of a set of items by an {@link ItemQuantizer}: the codes at every
 * level, the residual each item leaves for the last level (what uniform mapping and conflict
 * resolution compare with the last codebook), and quality figures. Immutable.
 */
public final class Encoding {
    private final int items;
    private final int levels;
    private final int[] codes;
    private final float[] lastResiduals;
    private final int latentDim;
    private final double[] meanResidualNorms;
    private final double reconstructionMse;

    /**
     * @param items items encoded
     * @param levels levels
     * @param codes {@code items × levels} codes, row-major (not copied: the caller hands over)
     * @param lastResiduals {@code items × latentDim}: the input of the last level (not copied)
     * @param latentDim dimension of the quantized space
     * @param meanResidualNorms {@code levels + 1} values: mean L2 norm of the latent, then of the
     *     residual after each level
     * @param reconstructionMse mean squared error per input entry of the reconstruction
     */
    public Encoding(
            int items,
            int levels,
            int[] codes,
            float[] lastResiduals,
            int latentDim,
            double[] meanResidualNorms,
            double reconstructionMse) {
        if (codes.length != items * levels
                || lastResiduals.length != (long) items * latentDim
                || meanResidualNorms.length != levels + 1) {
            throw new QuantizationException(
                    "encoding: inconsistent sizes for " + items + " items, " + levels + " levels");
        }
        this.items = items;
        this.levels = levels;
        this.codes = codes;
        this.lastResiduals = lastResiduals;
        this.latentDim = latentDim;
        this.meanResidualNorms = meanResidualNorms.clone();
        this.reconstructionMse = reconstructionMse;
    }

    /**
     * @return items
     */
    public int items() {
        return items;
    }

    /**
     * @return levels
     */
    public int levels() {
        return levels;
    }

    /**
     * @param item an item
     * @param level a level
     * @return its code there
     */
    public int code(int item, int level) {
        return codes[item * levels + level];
    }

    /**
     * @return codes, row-major {@code items × levels} (a copy)
     */
    public int[] codes() {
        return codes.clone();
    }

    /**
     * @return the input of the last level per item, row-major {@code items × latentDim} (a copy):
     *     what uniform mapping and conflict resolution compare with the last codebook
     */
    public float[] lastResiduals() {
        return lastResiduals.clone();
    }

    int[] codesArray() {
        return codes;
    }

    float[] lastResidualsArray() {
        return lastResiduals;
    }

    /**
     * @return dimension of the quantized space
     */
    public int latentDim() {
        return latentDim;
    }

    /**
     * @return mean L2 norm of the latent, then of the residual after each level (a copy)
     */
    public double[] meanResidualNorms() {
        return meanResidualNorms.clone();
    }

    /**
     * @return mean squared reconstruction error per input entry
     */
    public double reconstructionMse() {
        return reconstructionMse;
    }

    @Override
    public String toString() {
        return "Encoding(items="
                + items
                + ", levels="
                + levels
                + ", meanResidualNorms="
                + java.util.Arrays.toString(meanResidualNorms)
                + ", reconstructionMse="
                + reconstructionMse
                + ")";
    }
}
