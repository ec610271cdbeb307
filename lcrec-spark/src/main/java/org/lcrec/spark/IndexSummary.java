package org.lcrec.spark;

/**
 * The counts of a distributed index generation ({@link DistributedIndexer}), named as in {@code
 * IndexStatistics} and equal to them for the same catalogue and quantizer.
 *
 * @param items items indexed
 * @param levels levels of the IDs (the quantizer's, plus any added)
 * @param levelsAdded levels added because a prefix group outgrew the last codebook (0 or 1)
 * @param collisionsNearest items beyond the first of every group sharing a nearest-code ID
 * @param collisionsAfterMapping the same after uniform semantic mapping
 * @param itemsMoved items whose last code conflict resolution changed
 */
public record IndexSummary(
        long items,
        int levels,
        int levelsAdded,
        long collisionsNearest,
        long collisionsAfterMapping,
        long itemsMoved) {}
