package org.lcrec.model.sft;

import org.lcrec.model.llm.LlamaModel;

/**
 * Scores a model during training (e.g. validation HR@10 from lcrec-inference); higher is better.
 * The trainer keeps the best-scoring model in {@code out/best}.
 */
@FunctionalInterface
public interface ModelScorer {
    /** The metric of {@code model} (merged weights) after {@code step} optimiser steps. */
    double evaluate(LlamaModel model, long step);
}
