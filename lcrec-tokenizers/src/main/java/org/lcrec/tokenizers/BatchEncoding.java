package org.lcrec.tokenizers;

import java.util.Arrays;

/**
 * A batch of encoded texts: one row of ids and one attention-mask row (1 = token, 0 = padding) per
 * text, in input order. The rows are copied in and out.
 *
 * @param ids the token ids per row
 * @param attentionMask the mask per row, same shape as {@code ids}
 */
public record BatchEncoding(int[][] ids, int[][] attentionMask) {
    /** Checks that ids and mask have the same shape. */
    public BatchEncoding {
        if (ids.length != attentionMask.length) {
            throw new IllegalArgumentException(
                    "ids has " + ids.length + " rows, mask " + attentionMask.length);
        }
        for (int i = 0; i < ids.length; i++) {
            if (ids[i].length != attentionMask[i].length) {
                throw new IllegalArgumentException(
                        "row "
                                + i
                                + ": ids length "
                                + ids[i].length
                                + ", mask length "
                                + attentionMask[i].length);
            }
        }
        ids = copy(ids);
        attentionMask = copy(attentionMask);
    }

    /**
     * @return a copy of the token ids per row
     */
    @Override
    public int[][] ids() {
        return copy(ids);
    }

    /**
     * @return a copy of the mask per row
     */
    @Override
    public int[][] attentionMask() {
        return copy(attentionMask);
    }

    private static int[][] copy(int[][] rows) {
        int[][] out = new int[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = rows[i].clone();
        }
        return out;
    }

    /**
     * @return the number of rows
     */
    public int size() {
        return ids.length;
    }

    /**
     * @param row a row
     * @return the number of real (unpadded) tokens in it
     */
    public int length(int row) {
        int n = 0;
        for (int m : attentionMask[row]) {
            n += m;
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BatchEncoding b
                && Arrays.deepEquals(ids, b.ids)
                && Arrays.deepEquals(attentionMask, b.attentionMask);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(ids) * 31 + Arrays.deepHashCode(attentionMask);
    }

    @Override
    public String toString() {
        int width = ids.length == 0 ? 0 : ids[0].length;
        return "BatchEncoding(rows=" + ids.length + ", width=" + width + ")";
    }
}
