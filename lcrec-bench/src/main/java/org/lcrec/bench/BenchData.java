package org.lcrec.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the shared real data for benchmarks: {@code -Dlcrec.shared=DIR}, else {@code ../shared}.
 */
public final class BenchData {
    private BenchData() {}

    /**
     * @param relative a path under the shared folder, e.g. {@code data/instruments}
     * @return the path
     * @throws IllegalStateException naming where it looked if it is missing
     */
    public static Path shared(String relative) {
        String root =
                System.getProperty(
                        "lcrec.shared", System.getenv().getOrDefault("LCREC_SHARED", "../shared"));
        Path p = Path.of(root).resolve(relative);
        if (!Files.exists(p)) {
            throw new IllegalStateException(
                    "benchmark data "
                            + p.toAbsolutePath()
                            + " not found: run from the repository root"
                            + " next to ../shared, or pass -Dlcrec.shared=DIR");
        }
        return p;
    }
}
