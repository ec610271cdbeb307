package org.lcrec.tokenizers;

/**
 * A batch of encoded texts: one row of ids and one attention-mask row (1 = token, 0 = padding) per
 * text, in input order.
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
    public String toString() {
        int width = ids.length == 0 ? 0 : ids[0].length;
        return "BatchEncoding(rows=" + ids.length + ", width=" + width + ")";
    }
}
