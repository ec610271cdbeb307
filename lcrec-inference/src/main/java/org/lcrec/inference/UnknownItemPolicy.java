package org.lcrec.inference;

/** What to do with history items the index does not know. */
public enum UnknownItemPolicy {
    /** Fail with an error that names them (the default). */
    FAIL,
    /** Leave them out of the prompt and report how many were skipped. */
    SKIP
}
