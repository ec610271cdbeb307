package org.lcrec.quantization;

import java.nio.file.Path;
import org.lcrec.core.SemanticIndex;
import org.lcrec.core.io.LcRecFiles;

/**
 * The output of {@link IndexGenerator}: a collision-free index and its statistics.
 *
 * @param index item id → semantic ID, no two items sharing an ID
 * @param statistics quality figures
 */
public record GeneratedIndex(SemanticIndex index, IndexStatistics statistics) {
    /**
     * Writes LC-Rec's {@code <D>.index.json} (atomically).
     *
     * @param file the target
     */
    public void writeIndexJson(Path file) {
        LcRecFiles.writeIndex(file, index);
    }
}
