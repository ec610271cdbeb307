package org.lcrec.quantization;

import java.util.Arrays;

/**
 * Quality figures of a generated index. Collision counts are surplus items: items beyond the first
 * of each group sharing a full ID. Immutable.
 *
 * @param items items indexed
 * @param levels levels of the final IDs
 * @param levelsAdded levels added because some prefix group had more items than codes
 * @param codesUsed distinct codes used per level
 * @param perplexity per level, {@code exp(entropy)} of the code usage ({@code K} = perfectly even)
 * @param meanResidualNorms mean L2 norm of the latent, then of the residual after each level
 * @param reconstructionMse mean squared reconstruction error per input entry
 * @param collisionsNearest colliding surplus items with nearest-code assignment at every level
 * @param collisionsAfterMapping colliding surplus items after the uniform mapping of the last level
 *     (equal to {@code collisionsNearest} when mapping is off)
 * @param itemsMoved items whose last-level code the exact conflict resolution changed
 * @param collisionsFinal colliding surplus items in the output: always 0
 */
public record IndexStatistics(
        int items,
        int levels,
        int levelsAdded,
        int[] codesUsed,
        double[] perplexity,
        double[] meanResidualNorms,
        double reconstructionMse,
        int collisionsNearest,
        int collisionsAfterMapping,
        int itemsMoved,
        int collisionsFinal) {

    /** Copies the arrays. */
    public IndexStatistics {
        codesUsed = codesUsed.clone();
        perplexity = perplexity.clone();
        meanResidualNorms = meanResidualNorms.clone();
    }

    @Override
    public int[] codesUsed() {
        return codesUsed.clone();
    }

    @Override
    public double[] perplexity() {
        return perplexity.clone();
    }

    @Override
    public double[] meanResidualNorms() {
        return meanResidualNorms.clone();
    }

    /**
     * @param surplus colliding surplus items
     * @return as a fraction of {@link #items()}
     */
    public double rate(int surplus) {
        return items == 0 ? 0 : (double) surplus / items;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IndexStatistics s
                && s.items == items
                && s.levels == levels
                && s.levelsAdded == levelsAdded
                && Arrays.equals(s.codesUsed, codesUsed)
                && Arrays.equals(s.perplexity, perplexity)
                && Arrays.equals(s.meanResidualNorms, meanResidualNorms)
                && Double.compare(s.reconstructionMse, reconstructionMse) == 0
                && s.collisionsNearest == collisionsNearest
                && s.collisionsAfterMapping == collisionsAfterMapping
                && s.itemsMoved == itemsMoved
                && s.collisionsFinal == collisionsFinal;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(perplexity) * 31 + items;
    }

    @Override
    public String toString() {
        StringBuilder p = new StringBuilder("[");
        for (int i = 0; i < perplexity.length; i++) {
            p.append(i == 0 ? "" : ", ")
                    .append(String.format(java.util.Locale.ROOT, "%.1f", perplexity[i]));
        }
        p.append(']');
        return "IndexStatistics(items="
                + items
                + ", levels="
                + levels
                + ", levelsAdded="
                + levelsAdded
                + ", codesUsed="
                + Arrays.toString(codesUsed)
                + ", perplexity="
                + p
                + ", reconstructionMse="
                + String.format(java.util.Locale.ROOT, "%.6g", reconstructionMse)
                + ", collisionsNearest="
                + collisionsNearest
                + ", collisionsAfterMapping="
                + collisionsAfterMapping
                + ", itemsMoved="
                + itemsMoved
                + ", collisionsFinal="
                + collisionsFinal
                + ")";
    }
}
