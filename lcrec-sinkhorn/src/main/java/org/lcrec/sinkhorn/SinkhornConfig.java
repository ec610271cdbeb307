package org.lcrec.sinkhorn;

/**
 * Settings of a {@link SinkhornSolver}. Immutable; validated on construction.
 *
 * @param form the arithmetic form
 * @param epsilon the entropic regularisation strength, {@code > 0} (smaller is closer to the
 *     unregularised optimum and needs more iterations)
 * @param maxIterations the iteration cap, {@code >= 1}; each iteration scales rows then columns
 * @param tolerance stop once the L1 error of the row marginals (the columns are exact after each
 *     iteration) is at most this; {@code 0} runs exactly {@code maxIterations} iterations
 * @param numThreads worker threads over rows, {@code >= 1}; a pool is created per call and closed
 *     before it returns
 * @param centreCosts whether to first map the costs affinely onto [-1, 1] as LC-Rec does ({@code
 *     mid = (max + min) / 2}, {@code amp = max - mid + 1e-5}, {@code c = (c - mid) / amp}), which
 *     makes epsilon independent of the cost scale
 */
public record SinkhornConfig(
        SinkhornForm form,
        double epsilon,
        int maxIterations,
        double tolerance,
        int numThreads,
        boolean centreCosts) {

    /** LC-Rec's default iteration count ({@code --sk_iters}). */
    public static final int LCREC_ITERATIONS = 50;

    /**
     * Default tolerance: 1e-12 in L1 over the marginals, far below the 1e-9 per-entry accuracy the
     * tests require and still above the ~1e-15 rounding floor of double sums of 1e4 terms.
     */
    public static final double DEFAULT_TOLERANCE = 1e-12;

    /** Default cap: enough for epsilon 0.01 on adversarial costs in [-1, 1]. */
    public static final int DEFAULT_MAX_ITERATIONS = 100_000;

    /** Validates the settings. */
    public SinkhornConfig {
        if (form == null) {
            throw new IllegalArgumentException("Sinkhorn form must be given, found null");
        }
        if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException(
                    "Sinkhorn epsilon must be finite and > 0, found " + epsilon);
        }
        if (maxIterations < 1) {
            throw new IllegalArgumentException(
                    "Sinkhorn maxIterations must be >= 1, found " + maxIterations);
        }
        if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
            throw new IllegalArgumentException(
                    "Sinkhorn tolerance must be finite and >= 0, found " + tolerance);
        }
        if (numThreads < 1) {
            throw new IllegalArgumentException(
                    "Sinkhorn numThreads must be >= 1, found " + numThreads);
        }
    }

    /**
     * A converging configuration: given form and epsilon, default tolerance and cap, one thread,
     * costs used as given.
     *
     * @param form the form
     * @param epsilon the regularisation
     * @return the configuration
     */
    public static SinkhornConfig of(SinkhornForm form, double epsilon) {
        return new SinkhornConfig(
                form, epsilon, DEFAULT_MAX_ITERATIONS, DEFAULT_TOLERANCE, 1, false);
    }

    /**
     * LC-Rec's variant (its {@code sinkhorn_algorithm} with {@code
     * center_distance_for_constraint}): costs centred and scaled to [-1, 1], double precision,
     * plain form, a fixed number of iterations and no early stop. Pair with {@link
     * TransportPlan#argmaxPerRow()}.
     *
     * @param epsilon LC-Rec's {@code sk_epsilon} (0.003 on the last level in its scripts)
     * @param iterations LC-Rec's {@code sk_iters} (default {@value #LCREC_ITERATIONS})
     * @return the configuration
     */
    public static SinkhornConfig lcRec(double epsilon, int iterations) {
        return new SinkhornConfig(SinkhornForm.PLAIN, epsilon, iterations, 0, 1, true);
    }

    /**
     * @param value the form
     * @return a copy with that form
     */
    public SinkhornConfig withForm(SinkhornForm value) {
        return new SinkhornConfig(
                value, epsilon, maxIterations, tolerance, numThreads, centreCosts);
    }

    /**
     * @param value the epsilon
     * @return a copy with that epsilon
     */
    public SinkhornConfig withEpsilon(double value) {
        return new SinkhornConfig(form, value, maxIterations, tolerance, numThreads, centreCosts);
    }

    /**
     * @param value the iteration cap
     * @return a copy with that cap
     */
    public SinkhornConfig withMaxIterations(int value) {
        return new SinkhornConfig(form, epsilon, value, tolerance, numThreads, centreCosts);
    }

    /**
     * @param value the tolerance
     * @return a copy with that tolerance
     */
    public SinkhornConfig withTolerance(double value) {
        return new SinkhornConfig(form, epsilon, maxIterations, value, numThreads, centreCosts);
    }

    /**
     * @param value the thread count
     * @return a copy with that thread count
     */
    public SinkhornConfig withNumThreads(int value) {
        return new SinkhornConfig(form, epsilon, maxIterations, tolerance, value, centreCosts);
    }

    /**
     * @param value whether to centre costs
     * @return a copy with that choice
     */
    public SinkhornConfig withCentreCosts(boolean value) {
        return new SinkhornConfig(form, epsilon, maxIterations, tolerance, numThreads, value);
    }

    @Override
    public String toString() {
        return "SinkhornConfig(form="
                + form
                + ", epsilon="
                + epsilon
                + ", maxIterations="
                + maxIterations
                + ", tolerance="
                + tolerance
                + ", numThreads="
                + numThreads
                + ", centreCosts="
                + centreCosts
                + ")";
    }
}
