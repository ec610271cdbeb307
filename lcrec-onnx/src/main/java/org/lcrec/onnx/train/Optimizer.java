package org.lcrec.onnx.train;

/** The parameter update rule. The learning rate comes from the {@link LrSchedule}. */
public sealed interface Optimizer {
    /** Number of state tensors per parameter (Adam moments, momentum buffer). */
    int slots();

    /** Names of the state slots, used in checkpoints. */
    String[] slotNames();

    String describe();

    /** AdamW with PyTorch defaults (betas 0.9/0.999, eps 1e-8, weight decay 0.01). */
    static AdamW adamW() {
        return new AdamW(0.9, 0.999, 1e-8, 0.01);
    }

    /**
     * AdamW (Loshchilov &amp; Hutter 2019): decoupled weight decay {@code p -= lr*wd*p} applied to
     * parameters whose {@code decay} flag is set (by default rank &gt;= 2: not biases or norms),
     * with bias-corrected moments.
     */
    record AdamW(double beta1, double beta2, double eps, double weightDecay) implements Optimizer {
        public AdamW {
            if (!(beta1 >= 0
                    && beta1 < 1
                    && beta2 >= 0
                    && beta2 < 1
                    && eps > 0
                    && weightDecay >= 0)) {
                throw new IllegalArgumentException(
                        "AdamW: need 0 <= betas < 1, eps > 0, weightDecay >= 0; found "
                                + beta1
                                + ", "
                                + beta2
                                + ", "
                                + eps
                                + ", "
                                + weightDecay);
            }
        }

        public AdamW withWeightDecay(double wd) {
            return new AdamW(beta1, beta2, eps, wd);
        }

        @Override
        public int slots() {
            return 2;
        }

        @Override
        public String[] slotNames() {
            return new String[] {"exp_avg", "exp_avg_sq"};
        }

        @Override
        public String describe() {
            return "adamw(beta1="
                    + beta1
                    + ", beta2="
                    + beta2
                    + ", eps="
                    + eps
                    + ", weight_decay="
                    + weightDecay
                    + ")";
        }
    }

    /** SGD with (PyTorch-style) momentum and L2 weight decay on decay-flagged parameters. */
    record Sgd(double momentum, double weightDecay) implements Optimizer {
        public Sgd {
            if (!(momentum >= 0 && momentum < 1 && weightDecay >= 0)) {
                throw new IllegalArgumentException(
                        "SGD: need 0 <= momentum < 1 and weightDecay >= 0; found "
                                + momentum
                                + ", "
                                + weightDecay);
            }
        }

        @Override
        public int slots() {
            return 1;
        }

        @Override
        public String[] slotNames() {
            return new String[] {"momentum_buffer"};
        }

        @Override
        public String describe() {
            return "sgd(momentum=" + momentum + ", weight_decay=" + weightDecay + ")";
        }
    }
}
