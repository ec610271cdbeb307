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
    /** Copies the loss list. */
    public SftResult {
        losses = List.copyOf(losses);
    }

    /** The last step's loss, or NaN. */
    public double finalLoss() {
        return losses.isEmpty() ? Double.NaN : losses.get(losses.size() - 1);
    }

    @Override
    public String toString() {
        return String.format(
                "SftResult(steps=%d, finalLoss=%.5f, tokens=%d, %.0f tok/s, examples=%d, truncatedPrompts=%d,"
                        + " droppedExamples=%d, resumedFrom=%d, bestMetric=%s at %d, model=%s)",
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
                modelDir);
    }
}
