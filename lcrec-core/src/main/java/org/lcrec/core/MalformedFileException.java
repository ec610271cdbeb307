package org.lcrec.core;

/**
 * A file the SDK reads that is not a dataset file (a model, its weights, an array, a model
 * configuration, a bundle's manifest) does not have the form its reader expects, or points outside
 * its directory. Dataset files report {@link DatasetException}, tokenizer files {@code
 * TokenizerException}.
 *
 * <p>The message names the file, the field, what was expected and what was found, e.g. {@code
 * "m/model.safetensors: tensor 'w': data_offsets: expected 0 <= start <= end <= 64 (the data
 * section), found [0, 80]"}.
 */
public class MalformedFileException extends LcrecException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message the full message, naming file, field, expectation and finding
     */
    public MalformedFileException(String message) {
        super(message);
    }

    /**
     * @param message the full message, naming file, field, expectation and finding
     * @param cause the underlying failure
     */
    public MalformedFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
