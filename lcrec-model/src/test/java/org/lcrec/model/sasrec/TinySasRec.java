package org.lcrec.model.sasrec;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.lcrec.onnx.Parameter;
import org.lcrec.onnx.ParameterStore;

/** Fixtures: tiny configurations, random weights and synthetic sequences with fixed seeds. */
final class TinySasRec {
    private TinySasRec() {}

    /** Item ids that are neither dense nor ordered like rows: {@code 1000 + 37 k} scrambled. */
    static int[] itemIds(int n) {
        int[] ids = new int[n];
        for (int k = 0; k < n; k++) {
            ids[k] = 1000 + 37 * ((k * 7) % n);
        }
        return ids;
    }

    /** A small, fast configuration: single-threaded, so runs are comparable bit for bit. */
    static SasRecConfig.Builder fast() {
        return SasRecConfig.builder()
                .maxLength(6)
                .hiddenSize(8)
                .numBlocks(2)
                .numHeads(2)
                .dropout(0.2)
                .batchSize(8)
                .maxEpochs(3)
                .validationUsers(0)
                .numThreads(1);
    }

    /**
     * Random weights with non-trivial norms and biases (initial ones and zeros would hide a
     * misplaced gain or bias).
     */
    static ParameterStore randomStore(int items, SasRecConfig c, long seed) {
        ParameterStore s = ParameterStore.initialize(SasRecGraph.parameters(items, c), seed);
        SplittableRandom rng = new SplittableRandom(seed);
        for (Parameter p : s.all()) {
            if (p.shape().length == 1) {
                float[] v = p.toArray();
                boolean gain = p.name().endsWith("norm.weight");
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) ((gain ? 1 : 0) + 0.3 * rng.nextGaussian());
                }
                p.set(v);
            }
        }
        return s;
    }

    /** Random sequences of the given item ids, lengths in [minLen, maxLen]. */
    static List<int[]> randomSequences(int users, int[] ids, int minLen, int maxLen, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<int[]> out = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            int[] s = new int[minLen + rng.nextInt(maxLen - minLen + 1)];
            for (int i = 0; i < s.length; i++) {
                s[i] = ids[rng.nextInt(ids.length)];
            }
            out.add(s);
        }
        return out;
    }

    /** A model over a store, with an empty history. */
    static SasRecModel model(SasRecConfig c, int[] ids, ParameterStore store) {
        return new SasRecModel(
                c,
                ItemVocabulary.of(ids),
                store,
                new SasRecHistory(List.of(), List.of(), List.of(), 0, false, 0, 0, 0));
    }
}
