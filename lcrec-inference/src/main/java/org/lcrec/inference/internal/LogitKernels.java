package org.lcrec.inference.internal;

/**
 * Row kernels over logits: maximum, log-sum-exp, and a plain streaming pass (the memory-bound
 * reference the benchmarks compare against).
 *
 * @implNote all methods are allocation-free and thread-safe.
 */
public final class LogitKernels {
    /** log2(e). */
    private static final float LOG2E = 1.44269504088896341f;

    /** ln(2), split in a high part exact in float and a low correction (Cody-Waite). */
    private static final float LN2_HI = 0.693145751953125f;

    private static final float LN2_LO = 1.428606765330187045e-06f;

    /**
     * Below this argument exp underflows to 0 in float32 (e^-87.3 is the smallest normal); clamping
     * there keeps the exponent bit trick in range.
     */
    private static final float EXP_MIN_ARG = -87f;

    /** 1.5·2^23: adding it rounds a float of magnitude below 2^22 to an integer. */
    private static final float ROUND_MAGIC = 12582912f;

    /** The bit pattern of {@link #ROUND_MAGIC}. */
    private static final int ROUND_MAGIC_BITS = 0x4B400000;

    private LogitKernels() {}

    /**
     * @param x the array
     * @param offset first element
     * @param length number of elements (at least 1)
     * @return the largest element
     */
    public static float max(float[] x, int offset, int length) {
        float m0 = x[offset];
        float m1 = m0;
        float m2 = m0;
        float m3 = m0;
        int i = offset;
        int end = offset + length;
        for (; i + 3 < end; i += 4) {
            m0 = x[i] > m0 ? x[i] : m0;
            m1 = x[i + 1] > m1 ? x[i + 1] : m1;
            m2 = x[i + 2] > m2 ? x[i + 2] : m2;
            m3 = x[i + 3] > m3 ? x[i + 3] : m3;
        }
        for (; i < end; i++) {
            m0 = x[i] > m0 ? x[i] : m0;
        }
        return Math.max(Math.max(m0, m1), Math.max(m2, m3));
    }

    /**
     * A plain sum over the elements with four independent accumulators: the cheapest pass that must
     * read every logit, used as the physical reference in benchmarks.
     *
     * @param x the array
     * @param offset first element
     * @param length number of elements
     * @return the sum
     */
    public static float sum(float[] x, int offset, int length) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int i = offset;
        int end = offset + length;
        for (; i + 3 < end; i += 4) {
            s0 += x[i];
            s1 += x[i + 1];
            s2 += x[i + 2];
            s3 += x[i + 3];
        }
        for (; i < end; i++) {
            s0 += x[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * The log of the sum of exponentials, {@code log Σ exp(x[i])}, computed stably as {@code m +
     * log Σ exp(x[i] - m)} with {@code m} the maximum. Relative error of each exponential below
     * 5e-7 (see {@link #exp(float)}).
     *
     * @param x the array
     * @param offset first element
     * @param length number of elements (at least 1)
     * @return the log-sum-exp
     */
    public static float logSumExp(float[] x, int offset, int length) {
        float m = max(x, offset, length);
        if (m == Float.NEGATIVE_INFINITY || m == Float.POSITIVE_INFINITY || Float.isNaN(m)) {
            return m;
        }
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int i = offset;
        int end = offset + length;
        for (; i + 3 < end; i += 4) {
            s0 += exp(x[i] - m);
            s1 += exp(x[i + 1] - m);
            s2 += exp(x[i + 2] - m);
            s3 += exp(x[i + 3] - m);
        }
        for (; i < end; i++) {
            s0 += exp(x[i] - m);
        }
        return m + (float) Math.log((s0 + s1) + (s2 + s3));
    }

    /**
     * A branch-free float exponential for arguments {@code <= 0} (larger arguments are accepted up
     * to 88): {@code 2^n · e^r} with {@code n = rint(t·log2 e)}, {@code |r| <= ln2/2} by Cody-Waite
     * reduction, and a degree-6 Taylor polynomial for {@code e^r} (truncation error below 0.35^7/7!
     * ≈ 1.3e-7 relative). Arguments below -87 return about e^-87 (≈ 1.6e-38), not 0, which is
     * harmless in a sum whose largest term is 1.
     *
     * @param t the argument
     * @return approximately {@code e^t}
     */
    public static float exp(float t) {
        if (t < EXP_MIN_ARG) {
            t = EXP_MIN_ARG;
        }
        // round t·log2(e) to the nearest integer n without a call: adding 1.5·2^23 pushes the
        // fraction out of the float's mantissa, whose low bits then hold n
        float shifted = t * LOG2E + ROUND_MAGIC;
        int n = Float.floatToRawIntBits(shifted) - ROUND_MAGIC_BITS;
        float nf = shifted - ROUND_MAGIC;
        float r = (t - nf * LN2_HI) - nf * LN2_LO;
        float p = 1f / 720;
        p = p * r + 1f / 120;
        p = p * r + 1f / 24;
        p = p * r + 1f / 6;
        p = p * r + 0.5f;
        p = p * r + 1f;
        p = p * r + 1f;
        return p * Float.intBitsToFloat((n + 127) << 23);
    }
}
