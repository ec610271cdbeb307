package org.lcrec.model.sft;

import java.nio.file.Path;
import java.util.List;
import org.lcrec.model.llm.LlamaModel;

/**
 * The outcome of {@link SftTrainer#train}.
 *
 * @param model the trained model (LoRA merged), also saved in {@code out/model}
 * @param steps optimiser steps taken in total (including those before a resume)
 * @param losses the loss of every optimiser step from the start (restored on resume)
 * @param tokens input tokens trained on (without padding)
 * @param tokensPerSecond tokens per second in this process
 * @param examples examples used
 * @param truncatedPrompts examples whose prompt lost history tokens on the left
 * @param truncatedTokens prompt tokens removed in total
 * @param droppedExamples examples whose response did not fit {@code maxLength}
 * @param resumedFromStep the step of the checkpoint this run resumed from, or 0
 * @param bestMetric the best evaluation metric, or NaN without an evaluator
 * @param bestStep the step of the best metric, or -1
 * @param modelDir {@code out/model}
 * @param bestDir {@code out/best}, or null without an evaluator
 */
public record SftResult(
        LlamaModel model,
        long steps,
        List<Double> losses,
        long tokens,
        double tokensPerSecond,
        int examples,
        int truncatedPrompts,
        long truncatedTokens,
        int droppedExamples,
        long resumedFromStep,
        double bestMetric,
        long bestStep,
        Path modelDir,
        Path bestDir) {
    /** Widest loss sparkline {@link #toString()} shows, in characters. */
    static final int SPARKLINE_WIDTH = 40;

    /** Copies the loss list. */
    public SftResult {
        losses = List.copyOf(losses);
    }

    /** The last step's loss, or NaN. */
    public double finalLoss() {
        return losses.isEmpty() ? Double.NaN : losses.get(losses.size() - 1);
    }

    /**
     * The step losses as a Unicode-block sparkline: one character per step, or per group of
     * adjacent steps (averaged) when there are more than {@code width}; the lowest loss is drawn
     * lowest. Non-finite losses are left out of the averages.
     *
     * @param width the most characters, {@code >= 1}
     * @return the sparkline; empty without steps
     */
    public String sparkline(int width) {
        if (width < 1) {
            throw new IllegalArgumentException("sparkline width must be >= 1, found " + width);
        }
        int cols = Math.min(width, losses.size());
        double[] v = new double[cols];
        int[] n = new int[cols];
        for (int i = 0; i < losses.size(); i++) {
            double x = losses.get(i);
            if (Double.isFinite(x)) {
                int c = (int) ((long) i * cols / losses.size());
                v[c] += x;
                n[c]++;
            }
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < cols; c++) {
            v[c] = n[c] == 0 ? Double.NaN : v[c] / n[c];
            if (n[c] > 0) {
                lo = Math.min(lo, v[c]);
                hi = Math.max(hi, v[c]);
            }
        }
        String blocks = "▁▂▃▄▅▆▇█";
        StringBuilder b = new StringBuilder(cols);
        for (int c = 0; c < cols; c++) {
            if (Double.isNaN(v[c])) {
                b.append(' ');
            } else {
                b.append(
                        blocks.charAt(hi > lo ? (int) Math.round(7 * (v[c] - lo) / (hi - lo)) : 0));
            }
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return String.format(
                "SftResult(steps=%d, finalLoss=%.5f, tokens=%d, %.0f tok/s, examples=%d, truncatedPrompts=%d,"
                        + " droppedExamples=%d, resumedFrom=%d, bestMetric=%s at %d, model=%s,"
                        + " loss=%s)",
                steps,
                finalLoss(),
                tokens,
                tokensPerSecond,
                examples,
                truncatedPrompts,
                droppedExamples,
                resumedFromStep,
                bestMetric,
                bestStep,
                modelDir,
                sparkline(SPARKLINE_WIDTH));
    }
}
