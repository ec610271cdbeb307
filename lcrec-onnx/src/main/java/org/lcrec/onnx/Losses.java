package org.lcrec.onnx;

/**
 * Loss functions as graph compositions. All return a scalar; all are differentiable by {@link
 * Autodiff}.
 */
public final class Losses {
    private Losses() {}

    /** Mean squared error over all elements. */
    public static Tensor mse(GraphBuilder g, Tensor pred, Tensor target) {
        Tensor d = g.sub(pred, target);
        return g.reduceMean(g.mul(d, d), false);
    }

    /** Mean absolute error over all elements. */
    public static Tensor l1(GraphBuilder g, Tensor pred, Tensor target) {
        return g.reduceMean(g.abs(g.sub(pred, target)), false);
    }

    /**
     * Cross-entropy of {@code logits [..., V]} against int64 {@code targets [...]}, averaged over
     * positions whose target is not {@code ignoreIndex} (PyTorch's {@code ignore_index=-100}
     * semantics; a batch with no valid position gives 0).
     */
    public static Tensor crossEntropy(
            GraphBuilder g, Tensor logits, Tensor targets, long ignoreIndex) {
        if (targets.dtype() != DType.INT64) {
            throw new IllegalArgumentException(
                    "crossEntropy: targets " + targets + " must be INT64");
        }
        if (logits.rank() != targets.rank() + 1) {
            throw new IllegalArgumentException(
                    "crossEntropy: logits "
                            + logits.shape()
                            + " must have one more axis than targets "
                            + targets.shape());
        }
        Tensor l2 =
                logits.rank() == 2
                        ? logits
                        : g.reshape(logits, g.shapeTensor(-1, g.dimOf(logits, -1)));
        Tensor t1 = targets.rank() == 1 ? targets : g.reshape(targets, -1);
        Tensor logp = g.logSoftmax(l2, -1);
        Tensor ignore = g.constant(HostTensor.filled(DType.INT64, ignoreIndex));
        Tensor valid = g.not(g.equal(t1, ignore));
        Tensor safe = g.where(valid, t1, g.constant(HostTensor.filled(DType.INT64, 0)));
        Tensor picked = g.squeeze(g.gatherElements(logp, g.unsqueeze(safe, -1), 1), 1);
        Tensor mask = g.cast(valid, logits.dtype());
        Tensor num = g.reduceSum(g.mul(picked, mask), false);
        Tensor den = g.max(g.reduceSum(mask, false), g.scalarLike(1, mask));
        return g.neg(g.div(num, den));
    }

    /**
     * Straight-through estimator: forward value {@code q}, gradient passed to {@code z} unchanged
     * ({@code z + stop(q - z)}, van den Oord et al. 2017).
     */
    public static Tensor straightThrough(GraphBuilder g, Tensor z, Tensor q) {
        return g.add(z, g.stopGradient(g.sub(q, z)));
    }

    /** VQ codebook loss {@code ||stop(z) - q||^2} (mean): moves codes towards encodings. */
    public static Tensor vqCodebook(GraphBuilder g, Tensor z, Tensor q) {
        return mse(g, q, g.stopGradient(z));
    }

    /** VQ commitment loss {@code ||z - stop(q)||^2} (mean): keeps encodings near their codes. */
    public static Tensor vqCommitment(GraphBuilder g, Tensor z, Tensor q) {
        return mse(g, z, g.stopGradient(q));
    }
}
