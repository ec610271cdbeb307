package org.lcrec.quantization;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Lexical item embeddings without a neural network: signed feature hashing (Weinberger et al., ICML
 * 2009) of lower-cased word unigrams and bigrams, weighted by TF-IDF and L2-normalised. A
 * deterministic stand-in for text-encoder embeddings when none is available (tests, demos, the
 * CLI's fallback): items with the same text get the same vector, items sharing words get nearby
 * vectors. It is not a semantic encoder.
 */
public final class LexicalEmbeddings {
    private LexicalEmbeddings() {}

    /**
     * @param texts one text per item (row order = item order); may be empty
     * @param dim output dimension, {@code >= 1}
     * @return the embeddings (an all-zero row for a text without words)
     */
    public static Embeddings of(List<String> texts, int dim) {
        if (dim < 1) {
            throw new QuantizationException("lexical embedding dim must be >= 1, found " + dim);
        }
        if (texts.isEmpty()) {
            throw new QuantizationException("lexical embeddings need at least one text, found 0");
        }
        int n = texts.size();
        List<Map<String, Integer>> tf = new ArrayList<>(n);
        Map<String, Integer> df = new HashMap<>();
        for (String t : texts) {
            Map<String, Integer> counts = new HashMap<>();
            String[] words = t.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+");
            String prev = null;
            for (String w : words) {
                if (w.isEmpty()) {
                    continue;
                }
                counts.merge(w, 1, Integer::sum);
                if (prev != null) {
                    counts.merge(prev + " " + w, 1, Integer::sum);
                }
                prev = w;
            }
            for (String term : counts.keySet()) {
                df.merge(term, 1, Integer::sum);
            }
            tf.add(counts);
        }
        float[] x = new float[n * dim];
        for (int i = 0; i < n; i++) {
            double[] row = new double[dim];
            for (Map.Entry<String, Integer> e : tf.get(i).entrySet()) {
                long h = hash(e.getKey());
                int slot = (int) Long.remainderUnsigned(h, dim);
                double sign = (h >>> 63) == 0 ? 1 : -1;
                double idf = Math.log((1.0 + n) / (1.0 + df.get(e.getKey()))) + 1;
                row[slot] += sign * (1 + Math.log(e.getValue())) * idf;
            }
            double norm = 0;
            for (double v : row) {
                norm += v * v;
            }
            norm = Math.sqrt(norm);
            for (int j = 0; j < dim; j++) {
                x[i * dim + j] = norm == 0 ? 0f : (float) (row[j] / norm);
            }
        }
        return Embeddings.of(x, n, dim);
    }

    /** 64-bit FNV-1a followed by a murmur3 finaliser: stable across JVMs and runs. */
    private static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
