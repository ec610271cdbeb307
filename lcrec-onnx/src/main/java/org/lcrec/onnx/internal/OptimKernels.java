package org.lcrec.onnx.internal;

import java.nio.FloatBuffer;

/**
 * Optimiser update loops over {@code [from, to)} of a parameter; no allocation. Parameters and
 * gradients are direct buffers (what ORT reads and writes), state is on-heap float arrays.
 */
public final class OptimKernels {
    private OptimKernels() {}

    /**
     * AdamW: {@code p = p*decayFactor - stepSize * m' / (sqrt(v') * invSqrtBc2 + eps)} with {@code
     * m' = b1 m + (1-b1) g s}, {@code v' = b2 v + (1-b2) (g s)^2}; {@code s} scales gradients
     * (clipping, accumulation averaging).
     */
    public static void adamw(
            FloatBuffer p,
            FloatBuffer g,
            float[] m,
            float[] v,
            int from,
            int to,
            float b1,
            float b2,
            float eps,
            float decayFactor,
            float stepSize,
            float invSqrtBc2,
            float gScale) {
        final float c1 = 1f - b1;
        final float c2 = 1f - b2;
        for (int i = from; i < to; i++) {
            float gi = g.get(i) * gScale;
            float mi = b1 * m[i] + c1 * gi;
            float vi = b2 * v[i] + c2 * gi * gi;
            m[i] = mi;
            v[i] = vi;
            p.put(
                    i,
                    p.get(i) * decayFactor
                            - stepSize * mi / ((float) Math.sqrt(vi) * invSqrtBc2 + eps));
        }
    }

    /** SGD with momentum: {@code b = mu b + (g s + wd p)}, {@code p -= lr b}. */
    public static void sgd(
            FloatBuffer p,
            FloatBuffer g,
            float[] buf,
            int from,
            int to,
            float lr,
            float mu,
            float wd,
            float gScale,
            boolean first) {
        for (int i = from; i < to; i++) {
            float pi = p.get(i);
            float gi = g.get(i) * gScale + wd * pi;
            float bi = first ? gi : mu * buf[i] + gi;
            if (buf != null) {
                buf[i] = bi;
            }
            p.put(i, pi - lr * bi);
        }
    }

    /** Sum of squares in double. */
    public static double sumSquares(FloatBuffer x, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            float v = x.get(i);
            s += (double) v * v;
        }
        return s;
    }

    /** {@code acc[i] += x[i]} (or {@code =} when {@code first}). */
    public static void accumulate(FloatBuffer acc, FloatBuffer x, int from, int to, boolean first) {
        for (int i = from; i < to; i++) {
            acc.put(i, first ? x.get(i) : acc.get(i) + x.get(i));
        }
    }
}
