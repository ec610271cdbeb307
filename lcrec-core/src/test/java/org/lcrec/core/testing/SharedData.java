package org.lcrec.core.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Locates the project's shared real data ({@code ../shared/data}, {@code ../shared/tokenizers}) for
 * tests. Where it is missing, tests are skipped with a message; under {@code CI=true} a missing
 * folder fails the test instead, so CI can never pass by skipping.
 *
 * <p>The root is the system property {@code lcrec.shared} (set by the build to {@code
 * <repo>/../shared}), else the environment variable {@code LCREC_SHARED}, else {@code ../shared}
 * and {@code ../../shared} relative to the working directory.
 */
public final class SharedData {
    private SharedData() {}

    /**
     * @return the shared root, or {@code null} if not found
     */
    public static Path rootOrNull() {
        String prop = System.getProperty("lcrec.shared");
        String env = System.getenv("LCREC_SHARED");
        for (String c : new String[] {prop, env, "../shared", "../../shared"}) {
            if (c != null && Files.isDirectory(Path.of(c))) {
                return Path.of(c).toAbsolutePath().normalize();
            }
        }
        return null;
    }

    /**
     * @param name a folder under {@code shared/data}, e.g. {@code instruments}
     * @return the folder (the calling test is skipped, or failed under CI, if missing)
     */
    public static Path dir(String name) {
        return require("data/" + name);
    }

    /**
     * @param name a folder under {@code shared/tokenizers}, e.g. {@code qwen3}
     * @return the folder (the calling test is skipped, or failed under CI, if missing)
     */
    public static Path tokenizer(String name) {
        return require("tokenizers/" + name);
    }

    /**
     * @param relative a path under the shared root
     * @return the path (the calling test is skipped, or failed under CI, if missing)
     */
    public static Path require(String relative) {
        Path root = rootOrNull();
        Path p = root == null ? null : root.resolve(relative);
        if (p == null || !Files.exists(p)) {
            String msg =
                    "shared data "
                            + relative
                            + " not found (looked under "
                            + (root == null
                                    ? "../shared, property lcrec.shared, env LCREC_SHARED"
                                    : root)
                            + ")";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(msg + "; CI=true requires it");
            }
            Assumptions.abort(msg + "; skipping");
        }
        return p;
    }
}
