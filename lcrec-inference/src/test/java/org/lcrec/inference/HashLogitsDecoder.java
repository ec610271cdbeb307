package org.lcrec.inference;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A fake "random model" for property tests and large vocabularies: each row's logits are seeded
 * pseudo-random numbers drawn from a hash of the model seed and every token the row has seen, so
 * they depend on the whole sequence (like a real LM) and the cache bookkeeping (reorder, expand)
 * must be right for results to be consistent. An optional bias, chosen by the row's last token, is
 * added on top (to make a model that strongly prefers some continuations, e.g. the paths of history
 * items).
 */
final class HashLogitsDecoder implements CausalDecoder {
    private final DecoderConfig config;
    private final long seed;
    private final float spread;
    private final float[][] biasAfter;

    HashLogitsDecoder(int vocab, long seed, float spread) {
        this(vocab, seed, spread, new float[vocab][]);
    }

    /**
     * @param biasAfter per last token, a bias added to the next logits (one value per token), or
     *     null for none
     */
    HashLogitsDecoder(int vocab, long seed, float spread, float[][] biasAfter) {
        if (biasAfter.length != vocab) {
            throw new IllegalArgumentException(
                    "expected a bias row per token (" + vocab + "), found " + biasAfter.length);
        }
        this.config = new DecoderConfig(1, 1, 1, vocab, 1, 2, 0);
        this.seed = seed;
        this.spread = spread;
        this.biasAfter = biasAfter.clone();
    }

    @Override
    public DecoderConfig config() {
        return config;
    }

    @Override
    public boolean reordersInGraph() {
        return false;
    }

    /** The logits after a sequence (no padding), for reference computations. */
    float[] logitsAfter(int[] sequence) {
        long h = seed;
        for (int t : sequence) {
            h = mix(h, t);
        }
        return draw(h, sequence.length == 0 ? -1 : sequence[sequence.length - 1]);
    }

    private float[] draw(long h, int last) {
        SplittableRandom r = new SplittableRandom(h);
        float[] out = new float[config.vocabularySize()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (r.nextGaussian() * spread);
        }
        float[] bias = last >= 0 ? biasAfter[last] : null;
        if (bias != null) {
            for (int i = 0; i < out.length; i++) {
                out[i] += bias[i];
            }
        }
        return out;
    }

    private static long mix(long h, long t) {
        long z = h * 0x9E3779B97F4A7C15L + t + 1;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public DecoderRun newRun() {
        return new DecoderRun() {
            long[] hash = new long[0];
            int[] last = new int[0];
            int rows;
            int past;

            @Override
            public float[] forward(long[] ids, int batch, int seq, long[] mask) {
                if (rows == 0) {
                    rows = batch;
                    hash = new long[batch];
                    Arrays.fill(hash, seed);
                    last = new int[batch];
                    Arrays.fill(last, -1);
                }
                if (batch != rows) {
                    throw new IllegalArgumentException("rows " + rows + " vs " + batch);
                }
                int vocab = config.vocabularySize();
                float[] out = new float[batch * vocab];
                for (int r = 0; r < batch; r++) {
                    for (int t = 0; t < seq; t++) {
                        if (mask == null || mask[r * seq + t] != 0) {
                            hash[r] = mix(hash[r], ids[r * seq + t]);
                            last[r] = (int) ids[r * seq + t];
                        }
                    }
                    System.arraycopy(draw(hash[r], last[r]), 0, out, r * vocab, vocab);
                }
                past += seq;
                return out;
            }

            @Override
            public float[] forwardAllPositions(long[] ids, int batch, int seq, long[] mask) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void reorder(int[] origin) {
                long[] h = new long[origin.length];
                int[] l = new int[origin.length];
                for (int r = 0; r < origin.length; r++) {
                    h[r] = hash[origin[r]];
                    l[r] = last[origin[r]];
                }
                hash = h;
                last = l;
                rows = origin.length;
            }

            @Override
            public int rows() {
                return rows;
            }

            @Override
            public int pastLength() {
                return past;
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public void close() {}
}
