package org.lcrec.core;

/** The three parts of a leave-one-out split. */
public enum Split {
    /** Every position before the validation target. */
    TRAIN,
    /** The second-last item of each user. */
    VALID,
    /** The last item of each user. */
    TEST;

    /**
     * @param name {@code train}, {@code valid}/{@code validation} or {@code test}, any case
     * @return the split
     */
    public static Split parse(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "train" -> TRAIN;
            case "valid", "validation" -> VALID;
            case "test" -> TEST;
            default ->
                    throw new IllegalArgumentException(
                            "unknown split \"" + name + "\": expected train, valid or test");
        };
    }
}
