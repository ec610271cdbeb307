package org.lcrec.bench.inference;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.lcrec.core.IndexTokens;
import org.lcrec.core.SemanticId;
import org.lcrec.core.SemanticIndex;

/** Shared inputs of the inference benchmarks. */
final class InferenceBenchData {
    /** The tiny decoder of lcrec-inference's tests, relative to the repository root. */
    static final String DEFAULT_MODEL =
            "lcrec-inference/src/test/resources/org/lcrec/inference/decoder/beam";

    private InferenceBenchData() {}

    static Path model(String dir) {
        Path p = Path.of(dir);
        if (!Files.isRegularFile(p.resolve("model.onnx"))) {
            throw new IllegalStateException(
                    p.toAbsolutePath()
                            + ": no model.onnx; run from the repository root or pass -p modelDir=DIR");
        }
        return p;
    }

    /**
     * A random collision-free index shaped like LC-Rec's Instruments index (first level 150 codes,
     * then {@code codes} per level).
     */
    static SemanticIndex index(int items, int levels, int firstLevelCodes, int codes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<Integer, SemanticId> m = new HashMap<>();
        Set<SemanticId> used = new HashSet<>();
        while (m.size() < items) {
            int[] c = new int[levels];
            c[0] = r.nextInt(firstLevelCodes);
            for (int l = 1; l < levels; l++) {
                c[l] = r.nextInt(codes);
            }
            SemanticId id = SemanticId.of(c);
            if (used.add(id)) {
                m.put(m.size(), id);
            }
        }
        return SemanticIndex.of(m);
    }

    /** Index tokens at ids {@code base + level·stride + code}. */
    static Map<String, Integer> tokenMap(int levels, int codes, int base, int stride) {
        Map<String, Integer> map = new LinkedHashMap<>();
        for (int l = 0; l < levels; l++) {
            for (int c = 0; c < codes; c++) {
                map.put(IndexTokens.token(l, c), base + l * stride + c);
            }
        }
        return map;
    }
}
