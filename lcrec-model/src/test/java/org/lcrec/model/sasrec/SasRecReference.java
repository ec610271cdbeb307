package org.lcrec.model.sasrec;

import java.util.LinkedHashMap;
import java.util.Map;
import org.lcrec.onnx.Parameter;
import org.lcrec.onnx.ParameterStore;

/**
 * SASRec written out in plain Java, double precision, one unpadded sequence at a time, from the
 * paper's equations (Kang &amp; McAuley 2018, section III) with this SDK's choices (pre-norm
 * residual blocks, final LayerNorm, positions counted back from the newest item, shared item
 * embeddings). It shares no code with the graph: the tests hold the ONNX graphs against it.
 */
final class SasRecReference {
    private final SasRecConfig c;
    private final Map<String, double[]> w;
    private final int items;

    SasRecReference(SasRecConfig c, Map<String, double[]> weights, int items) {
        this.c = c;
        this.w = weights;
        this.items = items;
    }

    /** The weights of a store as doubles, by name. */
    static Map<String, double[]> weights(ParameterStore store) {
        Map<String, double[]> m = new LinkedHashMap<>();
        for (Parameter p : store.all()) {
            float[] f = p.toArray();
            double[] d = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                d[i] = f[i];
            }
            m.put(p.name(), d);
        }
        return m;
    }

    /** Hidden states before the final norm, {@code [m][d]}, for item rows + 1 (unpadded). */
    double[][] encode(int[] ids) {
        int m = ids.length;
        int d = c.hiddenSize();
        int l = c.maxLength();
        double[] e = w.get("item_embedding.weight");
        double[] p = w.get("position_embedding.weight");
        double[][] x = new double[m][d];
        for (int t = 0; t < m; t++) {
            int pos = l - m + t;
            for (int j = 0; j < d; j++) {
                x[t][j] = e[(ids[t] - 1) * d + j] + p[pos * d + j];
            }
        }
        int heads = c.numHeads();
        int dh = d / heads;
        for (int b = 0; b < c.numBlocks(); b++) {
            String s = "blocks." + b + ".";
            double[][] a = layerNorm(x, s + "attention_norm");
            double[][] q = times(a, w.get(s + "attention.query.weight"), null);
            double[][] k = times(a, w.get(s + "attention.key.weight"), null);
            double[][] v = times(a, w.get(s + "attention.value.weight"), null);
            for (int t = 0; t < m; t++) {
                double[] ctx = new double[d];
                for (int h = 0; h < heads; h++) {
                    double[] score = new double[t + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int u = 0; u <= t; u++) {
                        double dot = 0;
                        for (int j = h * dh; j < (h + 1) * dh; j++) {
                            dot += q[t][j] * k[u][j];
                        }
                        score[u] = dot / Math.sqrt(dh);
                        max = Math.max(max, score[u]);
                    }
                    double z = 0;
                    for (int u = 0; u <= t; u++) {
                        score[u] = Math.exp(score[u] - max);
                        z += score[u];
                    }
                    for (int u = 0; u <= t; u++) {
                        for (int j = h * dh; j < (h + 1) * dh; j++) {
                            ctx[j] += score[u] / z * v[u][j];
                        }
                    }
                }
                for (int j = 0; j < d; j++) {
                    x[t][j] += ctx[j];
                }
            }
            double[][] f = layerNorm(x, s + "ffn_norm");
            f = times(f, w.get(s + "ffn.up.weight"), w.get(s + "ffn.up.bias"));
            for (double[] row : f) {
                for (int j = 0; j < d; j++) {
                    row[j] = Math.max(0, row[j]);
                }
            }
            f = times(f, w.get(s + "ffn.down.weight"), w.get(s + "ffn.down.bias"));
            for (int t = 0; t < m; t++) {
                for (int j = 0; j < d; j++) {
                    x[t][j] += f[t][j];
                }
            }
        }
        return x;
    }

    /** Scores of every item after the history (item rows + 1, the last maxLength are read). */
    double[] scores(int[] ids) {
        int from = Math.max(0, ids.length - c.maxLength());
        int[] kept = java.util.Arrays.copyOfRange(ids, from, ids.length);
        double[][] x = encode(kept);
        return logits(layerNorm(new double[][] {x[x.length - 1]}, "final_norm")[0]);
    }

    /** Full-softmax cross-entropy summed over a window's positions (item rows + 1). */
    double crossEntropySum(int[] window) {
        int m = window.length - 1;
        double[][] h = layerNorm(encode(java.util.Arrays.copyOf(window, m)), "final_norm");
        double sum = 0;
        for (int t = 0; t < m; t++) {
            double[] z = logits(h[t]);
            double max = Double.NEGATIVE_INFINITY;
            for (double v : z) {
                max = Math.max(max, v);
            }
            double s = 0;
            for (double v : z) {
                s += Math.exp(v - max);
            }
            sum += max + Math.log(s) - z[window[t + 1] - 1];
        }
        return sum;
    }

    /**
     * The paper's binary cross-entropy summed over a window's positions, with the given negative
     * rows (0-based) per position.
     */
    double binaryCrossEntropySum(int[] window, long[] negatives, int negOffset) {
        int m = window.length - 1;
        double[][] h = layerNorm(encode(java.util.Arrays.copyOf(window, m)), "final_norm");
        double sum = 0;
        for (int t = 0; t < m; t++) {
            double[] z = logits(h[t]);
            double pos = z[window[t + 1] - 1];
            double neg = z[(int) negatives[negOffset + t]];
            sum += -Math.log(1 / (1 + Math.exp(-pos))) - Math.log(1 - 1 / (1 + Math.exp(-neg)));
        }
        return sum;
    }

    private double[] logits(double[] h) {
        int d = c.hiddenSize();
        double[] e = w.get("item_embedding.weight");
        double[] z = new double[items];
        for (int i = 0; i < items; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                s += h[j] * e[i * d + j];
            }
            z[i] = s;
        }
        return z;
    }

    private double[][] layerNorm(double[][] x, String name) {
        int d = c.hiddenSize();
        double[] g = w.get(name + ".weight");
        double[] b = w.get(name + ".bias");
        double[][] y = new double[x.length][d];
        for (int t = 0; t < x.length; t++) {
            double mean = 0;
            for (double v : x[t]) {
                mean += v;
            }
            mean /= d;
            double var = 0;
            for (double v : x[t]) {
                var += (v - mean) * (v - mean);
            }
            var /= d;
            double inv = 1 / Math.sqrt(var + SasRecGraph.LN_EPS);
            for (int j = 0; j < d; j++) {
                y[t][j] = (x[t][j] - mean) * inv * g[j] + b[j];
            }
        }
        return y;
    }

    /** {@code x W + b} with W {@code [in, out]} row-major. */
    private static double[][] times(double[][] x, double[] wt, double[] bias) {
        int in = x[0].length;
        int out = wt.length / in;
        double[][] y = new double[x.length][out];
        for (int t = 0; t < x.length; t++) {
            for (int o = 0; o < out; o++) {
                double s = bias == null ? 0 : bias[o];
                for (int j = 0; j < in; j++) {
                    s += x[t][j] * wt[j * out + o];
                }
                y[t][o] = s;
            }
        }
        return y;
    }
}
