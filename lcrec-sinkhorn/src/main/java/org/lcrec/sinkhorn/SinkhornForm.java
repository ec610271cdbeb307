package org.lcrec.sinkhorn;

/** Which arithmetic form of Sinkhorn-Knopp a {@link SinkhornSolver} runs. */
public enum SinkhornForm {
    /**
     * Scaling vectors {@code u, v} on the Gibbs kernel {@code K = exp(-C / epsilon)}: one fused
     * streaming pass over {@code K} per iteration, the fastest form. The kernel's entries must be
     * representable: on costs spanning a range {@code r} this needs roughly {@code r / epsilon <
     * 700}; the solver fails with an {@link ArithmeticException} rather than return NaN.
     */
    PLAIN,
    /**
     * Dual potentials {@code f, g} updated with log-sum-exp ("log-domain stabilised"): never
     * overflows, works for epsilon down to 1e-4 and below on costs in [-1, 1], at the price of one
     * {@code exp} per matrix entry per half-iteration.
     */
    LOG_DOMAIN
}
