package org.lcrec.model.llm;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.lcrec.onnx.Parameter;
import org.lcrec.onnx.ParameterSpec;
import org.lcrec.onnx.ParameterStore;

/**
 * Appends rows for new tokens (index tokens such as {@code <a_12>}) to the embedding and, when
 * untied, the LM head. New rows start from the mean of the existing rows plus seeded Gaussian
 * noise, or from vectors the caller provides. Returns a new model; the input is not modified. The
 * new model shares every other weight with the input (views of the same memory, not copies, so a
 * 0.5B model is not held twice): a later write to one of those weights shows in both.
 */
public final class VocabularyExtension {
    /** Default noise std relative to the rows' own per-coordinate std. */
    public static final double DEFAULT_RELATIVE_NOISE = 0.1;

    private VocabularyExtension() {}

    /**
     * {@code added} new rows: mean of the existing rows plus noise with standard deviation {@code
     * relativeNoise} times the existing rows' average per-coordinate standard deviation (so tokens
     * start distinct but in-distribution).
     */
    public static LlamaModel withMeanInit(
            LlamaModel m, int added, long seed, double relativeNoise) {
        if (added < 0 || relativeNoise < 0) {
            throw new IllegalArgumentException(
                    "added and relativeNoise must be >= 0, found " + added + ", " + relativeNoise);
        }
        LlamaConfig c = m.config();
        int d = c.hiddenSize();
        SplittableRandom rng = new SplittableRandom(seed);
        float[][] embRows =
                meanRows(m.weights().get(LlamaParameters.EMBED), added, d, rng, relativeNoise);
        float[][] headRows =
                c.tieWordEmbeddings()
                        ? null
                        : meanRows(
                                m.weights().get(LlamaParameters.LM_HEAD),
                                added,
                                d,
                                rng,
                                relativeNoise);
        return extend(m, embRows, headRows);
    }

    /**
     * New rows from provided vectors (one per token, length hiddenSize), used for the embedding
     * and, when untied, the head.
     */
    public static LlamaModel withVectors(LlamaModel m, float[][] vectors) {
        int d = m.config().hiddenSize();
        for (int i = 0; i < vectors.length; i++) {
            if (vectors[i].length != d) {
                throw new IllegalArgumentException(
                        "vector "
                                + i
                                + ": expected "
                                + d
                                + " values (hidden size), found "
                                + vectors[i].length);
            }
        }
        return extend(m, vectors, m.config().tieWordEmbeddings() ? null : vectors);
    }

    private static float[][] meanRows(
            Parameter p, int added, int d, SplittableRandom rng, double rel) {
        // read in place: a 152k-row embedding is not copied to the heap for its statistics
        FloatBuffer v = p.data();
        int rows = p.size() / d;
        double[] mean = new double[d];
        double[] sq = new double[d];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < d; j++) {
                double x = v.get(r * d + j);
                mean[j] += x;
                sq[j] += x * x;
            }
        }
        double std = 0;
        for (int j = 0; j < d; j++) {
            mean[j] /= rows;
            std += Math.sqrt(Math.max(0, sq[j] / rows - mean[j] * mean[j]));
        }
        std /= d;
        float[][] out = new float[added][d];
        for (int i = 0; i < added; i++) {
            for (int j = 0; j < d; j++) {
                out[i][j] = (float) (mean[j] + rel * std * rng.nextGaussian());
            }
        }
        return out;
    }

    private static LlamaModel extend(LlamaModel m, float[][] embRows, float[][] headRows) {
        LlamaConfig c = m.config();
        int added = embRows.length;
        int d = c.hiddenSize();
        LlamaConfig nc = c.withVocabSize(c.vocabSize() + added);
        ParameterStore s = new ParameterStore();
        for (ParameterSpec spec : LlamaParameters.specs(nc)) {
            Parameter src = m.weights().get(spec.name());
            boolean rows =
                    spec.name().equals(LlamaParameters.EMBED)
                            || spec.name().equals(LlamaParameters.LM_HEAD);
            if (!rows) {
                // unchanged weights are shared, not copied: a 0.5B model is held once
                s.addView(spec, src, 0);
                continue;
            }
            Parameter dst = s.add(spec.name(), spec.shape(), src.trainable(), src.decay());
            float[][] extra = spec.name().equals(LlamaParameters.EMBED) ? embRows : headRows;
            FloatBuffer out = dst.data();
            out.put(0, src.data(), 0, src.size());
            for (int i = 0; i < added; i++) {
                out.put(src.size() + i * d, extra[i], 0, d);
            }
        }
        return new LlamaModel(nc, s);
    }
}
