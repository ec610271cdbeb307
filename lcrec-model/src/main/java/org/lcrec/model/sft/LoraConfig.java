package org.lcrec.model.sft;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.lcrec.model.llm.LlamaParameters;

/**
 * Low-rank adaptation (Hu et al., "LoRA: Low-Rank Adaptation of Large Language Models", 2021): each
 * target projection {@code y = x W^T} becomes {@code y = x W^T + (alpha/r) dropout(x) A^T B^T} with
 * trainable {@code A [r, in]} (Kaiming-uniform) and {@code B [out, r]} (zeros), and {@code W}
 * frozen. Merged on export as {@code W + (alpha/r) B A}.
 *
 * @param rank r
 * @param alpha scaling numerator
 * @param dropout dropout on the LoRA input
 * @param targets projection names ({@code q_proj}, ..., {@code down_proj})
 * @param trainAllEmbeddings whether the whole embedding and head are trained (LC-Rec's {@code
 *     modules_to_save}); when false only the rows of added tokens are
 */
public record LoraConfig(
        int rank, double alpha, double dropout, Set<String> targets, boolean trainAllEmbeddings) {
    private static final List<String> ALL =
            List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

    /** Validates. */
    public LoraConfig {
        if (rank <= 0 || !(alpha > 0) || dropout < 0 || dropout >= 1) {
            throw new IllegalArgumentException(
                    "LoRA: need rank > 0, alpha > 0, 0 <= dropout < 1; found "
                            + rank
                            + ", "
                            + alpha
                            + ", "
                            + dropout);
        }
        targets = Set.copyOf(targets);
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("LoRA: no target projections");
        }
        for (String t : targets) {
            if (!LlamaParameters.ATTENTION.contains(t) && !LlamaParameters.MLP.contains(t)) {
                throw new IllegalArgumentException(
                        "LoRA: unknown target '" + t + "', expected one of " + ALL);
            }
        }
    }

    /**
     * LC-Rec's LoRA: r 8, alpha 32, dropout 0.05 on all projections, embeddings and head trained.
     */
    public static LoraConfig lcRec() {
        return new LoraConfig(8, 32, 0.05, new LinkedHashSet<>(ALL), true);
    }

    /** r 8, alpha 32, dropout 0.05 on all projections, only the added tokens' rows trained. */
    public static LoraConfig newRowsOnly() {
        return new LoraConfig(8, 32, 0.05, new LinkedHashSet<>(ALL), false);
    }

    /** alpha / r. */
    public double scale() {
        return alpha / rank;
    }

    public LoraConfig withRank(int r) {
        return new LoraConfig(r, alpha, dropout, targets, trainAllEmbeddings);
    }

    public LoraConfig withDropout(double d) {
        return new LoraConfig(rank, alpha, d, targets, trainAllEmbeddings);
    }

    public LoraConfig withTrainAllEmbeddings(boolean b) {
        return new LoraConfig(rank, alpha, dropout, targets, b);
    }

    @Override
    public String toString() {
        return "LoraConfig(r="
                + rank
                + ", alpha="
                + alpha
                + ", dropout="
                + dropout
                + ", targets="
                + ALL.stream().filter(targets::contains).toList()
                + ", trainAllEmbeddings="
                + trainAllEmbeddings
                + ")";
    }
}
