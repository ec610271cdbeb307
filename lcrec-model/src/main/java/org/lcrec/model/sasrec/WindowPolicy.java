package org.lcrec.model.sasrec;

/** Which training windows a sequence longer than {@code maxLength + 1} items contributes. */
public enum WindowPolicy {
    /** Only its most recent {@code maxLength + 1} items (the paper's choice; the default). */
    MOST_RECENT,

    /**
     * Consecutive windows from the end backwards, each of up to {@code maxLength + 1} items and
     * sharing one item with the next, so every transition of the sequence is a training target
     * exactly once.
     */
    ALL
}
