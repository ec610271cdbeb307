package org.lcrec.core;

import java.nio.file.Path;

/**
 * Bad input in a dataset: a malformed file, an unknown item, a wrong number of index levels.
 *
 * <p>The message always says where (file, key or line), what was expected and what was found, e.g.
 * {@code "Instruments.index.json: item 42: expected 4 codes, found 3"}. Unchecked, so that notebook
 * cells and lambdas need no ceremony.
 */
public class DatasetException extends LcrecException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message the full message, naming location, expectation and finding
     */
    public DatasetException(String message) {
        super(message);
    }

    /**
     * @param message the full message, naming location, expectation and finding
     * @param cause the underlying failure
     */
    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * A problem located in a file.
     *
     * @param file the file (its name is used in the message)
     * @param where the key, line or field, or {@code null}
     * @param what what was expected and what was found
     * @return the exception
     */
    public static DatasetException at(Path file, String where, String what) {
        String name = file == null ? "<memory>" : String.valueOf(file.getFileName());
        return new DatasetException(name + (where == null ? "" : ": " + where) + ": " + what);
    }
}
