package org.lcrec.core;

/** The SDK's version, as the jar manifest states it ({@code Implementation-Version}). */
public final class SdkVersion {
    /** What {@link #get()} answers when no jar manifest says (classes run from a build tree). */
    public static final String UNKNOWN = "development";

    private SdkVersion() {}

    /**
     * @return the version of lcrec-core's jar, or {@value #UNKNOWN} when run from class files
     */
    public static String get() {
        String v = SdkVersion.class.getPackage().getImplementationVersion();
        return v == null || v.isBlank() ? UNKNOWN : v;
    }
}
