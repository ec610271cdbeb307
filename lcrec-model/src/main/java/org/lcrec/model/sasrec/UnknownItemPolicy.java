package org.lcrec.model.sasrec;

/** What {@link SasRecModel} does with history items it has no embedding for. */
public enum UnknownItemPolicy {
    /** Fail with an error that names the item and the history (the default). */
    FAIL,

    /** Leave them out of the history; a history left empty still fails. */
    SKIP
}
