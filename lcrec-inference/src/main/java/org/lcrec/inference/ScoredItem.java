package org.lcrec.inference;

/**
 * One prediction.
 *
 * @param item the item id, or -1 for a code combination that names no item (only with {@link
 *     ConstraintMode#PER_POSITION})
 * @param index the predicted index string, e.g. {@code <a_3><b_14><c_0>}
 * @param score the sum of the log-probabilities of the index tokens (and EOS, when scored)
 */
public record ScoredItem(int item, String index, double score) {
    /**
     * @return whether the prediction names a real item
     */
    public boolean valid() {
        return item >= 0;
    }
}
