package org.lcrec.model.llm;

import java.util.SplittableRandom;
import org.lcrec.onnx.Parameter;
import org.lcrec.onnx.ParameterSpec;
import org.lcrec.onnx.ParameterStore;

/**
 * Appends rows for new tokens (index tokens such as {@code <a_12>}) to the embedding and, when
 * untied, the LM head. New rows start from the mean of the existing rows plus seeded Gaussian
 * noise, or from vectors the caller provides. Returns a new model; the input is not modified.
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
        float[] v = p.toArray();
        int rows = v.length / d;
        double[] mean = new double[d];
        double[] sq = new double[d];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < d; j++) {
                double x = v[r * d + j];
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
        LlamaConfig nc = c.withVocabSize(c.vocabSize() + added);
        ParameterStore s = new ParameterStore();
        for (ParameterSpec spec : LlamaParameters.specs(nc)) {
            Parameter src = m.weights().get(spec.name());
            Parameter dst = s.add(spec.name(), spec.shape(), src.trainable(), src.decay());
            float[] old = src.toArray();
            if (spec.name().equals(LlamaParameters.EMBED)
                    || spec.name().equals(LlamaParameters.LM_HEAD)) {
                float[][] rows = spec.name().equals(LlamaParameters.EMBED) ? embRows : headRows;
                float[] all = new float[old.length + added * c.hiddenSize()];
                System.arraycopy(old, 0, all, 0, old.length);
                for (int i = 0; i < added; i++) {
                    System.arraycopy(
                            rows[i], 0, all, old.length + i * c.hiddenSize(), c.hiddenSize());
                }
                dst.set(all);
            } else {
                dst.set(old);
            }
        }
        return new LlamaModel(nc, s);
    }
}
