package org.lcrec.onnx;

import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * A seeded parameter initialiser. Each parameter's values depend only on the store seed and the
 * parameter's name, so adding a parameter never changes the others.
 *
 * <p>Fan-in and fan-out follow PyTorch: for a shape {@code [d0, d1, rest...]} with receptive field
 * {@code r = prod(rest)}, fan-in is {@code d1*r} and fan-out {@code d0*r}. Xavier is symmetric in
 * the two, so the {@code [in, out]} layout of {@code MatMul(x, W)} and Hugging Face's {@code [out,
 * in]} give the same scale.
 */
@FunctionalInterface
public interface Init {
    /** Fills {@code out} (positions 0..n-1) for a tensor of {@code shape}. */
    void fill(FloatBuffer out, long[] shape, SplittableRandom rng);

    /** Glorot &amp; Bengio (2010) normal: std = gain * sqrt(2 / (fanIn + fanOut)). */
    static Init xavierNormal() {
        return xavierNormal(1.0);
    }

    static Init xavierNormal(double gain) {
        return (out, shape, rng) -> {
            double std = gain * Math.sqrt(2.0 / (fanIn(shape) + fanOut(shape)));
            gaussian(out, std, rng);
        };
    }

    /** Glorot uniform: U(-a, a), a = gain * sqrt(6 / (fanIn + fanOut)). */
    static Init xavierUniform() {
        return (out, shape, rng) -> {
            double a = Math.sqrt(6.0 / (fanIn(shape) + fanOut(shape)));
            uniformFill(out, -a, a, rng);
        };
    }

    /**
     * Kaiming uniform as in PyTorch's {@code nn.Linear} default: U(-1/sqrt(fanIn), 1/sqrt(fanIn)).
     */
    static Init linearDefault() {
        return (out, shape, rng) -> {
            double a = 1.0 / Math.sqrt(fanIn(shape));
            uniformFill(out, -a, a, rng);
        };
    }

    /** Normal(0, std). */
    static Init normal(double std) {
        return (out, shape, rng) -> gaussian(out, std, rng);
    }

    /** U(lo, hi). */
    static Init uniform(double lo, double hi) {
        return (out, shape, rng) -> uniformFill(out, lo, hi, rng);
    }

    static Init zeros() {
        return constant(0f);
    }

    static Init ones() {
        return constant(1f);
    }

    static Init constant(float v) {
        return (out, shape, rng) -> {
            int n = (int) HostTensor.numElements(shape);
            for (int i = 0; i < n; i++) {
                out.put(i, v);
            }
        };
    }

    /** Fan-in of a weight of the given shape (PyTorch convention, see class doc). */
    static double fanIn(long[] shape) {
        if (shape.length < 2) {
            return Math.max(1, shape.length == 1 ? shape[0] : 1);
        }
        return shape[1] * receptive(shape);
    }

    /** Fan-out of a weight of the given shape. */
    static double fanOut(long[] shape) {
        if (shape.length < 2) {
            return Math.max(1, shape.length == 1 ? shape[0] : 1);
        }
        return shape[0] * receptive(shape);
    }

    private static double receptive(long[] shape) {
        long r = 1;
        for (int i = 2; i < shape.length; i++) {
            r *= shape[i];
        }
        return r;
    }

    private static void gaussian(FloatBuffer out, double std, SplittableRandom rng) {
        int n = out.limit();
        for (int i = 0; i < n; i++) {
            out.put(i, (float) (rng.nextGaussian() * std));
        }
    }

    private static void uniformFill(FloatBuffer out, double lo, double hi, SplittableRandom rng) {
        int n = out.limit();
        for (int i = 0; i < n; i++) {
            out.put(i, (float) (lo + (hi - lo) * rng.nextDouble()));
        }
    }

    /** The generator for one parameter: a function of the seed and the name only. */
    static SplittableRandom rngFor(long seed, String name) {
        long h = seed;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ b) * 0x100000001b3L;
        }
        return new SplittableRandom(h ^ 0x9E3779B97F4A7C15L);
    }
}
