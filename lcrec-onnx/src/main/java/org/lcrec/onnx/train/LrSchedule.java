package org.lcrec.onnx.train;

/**
 * A learning-rate schedule over optimiser steps (0-based), each with linear warmup from 0. {@link
 * #describe()} is stored in checkpoints and compared on resume.
 */
public sealed interface LrSchedule {
    /** The learning rate for optimiser step {@code step}. */
    double lr(long step);

    /** A stable description, e.g. {@code cosine(lr=0.001, warmup=100, total=1000, min=0.0)}. */
    String describe();

    static LrSchedule constant(double lr, long warmup) {
        return new Constant(lr, warmup);
    }

    static LrSchedule linear(double lr, long warmup, long total) {
        return new Linear(lr, warmup, total);
    }

    static LrSchedule cosine(double lr, long warmup, long total, double minLr) {
        return new Cosine(lr, warmup, total, minLr);
    }

    private static double warm(long step, long warmup) {
        return warmup > 0 && step < warmup ? (double) (step + 1) / warmup : 1.0;
    }

    private static void check(double lr, long warmup) {
        if (!(lr >= 0) || warmup < 0) {
            throw new IllegalArgumentException(
                    "schedule: lr must be >= 0 and warmup >= 0, found lr="
                            + lr
                            + ", warmup="
                            + warmup);
        }
    }

    /** Constant after warmup. */
    record Constant(double peak, long warmup) implements LrSchedule {
        public Constant {
            check(peak, warmup);
        }

        @Override
        public double lr(long step) {
            return peak * warm(step, warmup);
        }

        @Override
        public String describe() {
            return "constant(lr=" + peak + ", warmup=" + warmup + ")";
        }
    }

    /** Linear decay to 0 at {@code total} after warmup (Hugging Face {@code linear}). */
    record Linear(double peak, long warmup, long total) implements LrSchedule {
        public Linear {
            check(peak, warmup);
            if (total <= warmup) {
                throw new IllegalArgumentException(
                        "linear schedule: total " + total + " must exceed warmup " + warmup);
            }
        }

        @Override
        public double lr(long step) {
            if (step < warmup) {
                return peak * warm(step, warmup);
            }
            return peak * Math.max(0.0, (double) (total - step) / (total - warmup));
        }

        @Override
        public String describe() {
            return "linear(lr=" + peak + ", warmup=" + warmup + ", total=" + total + ")";
        }
    }

    /** Cosine decay from the peak to {@code minLr} at {@code total} after warmup. */
    record Cosine(double peak, long warmup, long total, double minLr) implements LrSchedule {
        public Cosine {
            check(peak, warmup);
            if (total <= warmup) {
                throw new IllegalArgumentException(
                        "cosine schedule: total " + total + " must exceed warmup " + warmup);
            }
        }

        @Override
        public double lr(long step) {
            if (step < warmup) {
                return peak * warm(step, warmup);
            }
            double p = Math.min(1.0, (double) (step - warmup) / (total - warmup));
            return minLr + (peak - minLr) * 0.5 * (1 + Math.cos(Math.PI * p));
        }

        @Override
        public String describe() {
            return "cosine(lr="
                    + peak
                    + ", warmup="
                    + warmup
                    + ", total="
                    + total
                    + ", min="
                    + minLr
                    + ")";
        }
    }
}
