package org.lcrec.model.llm;

import java.util.ArrayList;
import java.util.List;
import org.lcrec.onnx.Init;
import org.lcrec.onnx.ParameterSpec;

/**
 * Hugging Face tensor names and shapes of a LLaMA-family checkpoint. Linear weights keep the
 * PyTorch layout {@code [out, in]}; the graph multiplies by their transpose.
 */
public final class LlamaParameters {
    /** Std of the normal initialiser of linear and embedding weights (HF initializer_range). */
    public static final double INIT_STD = 0.02;

    /** Embedding matrix {@code [vocab, d]}. */
    public static final String EMBED = "model.embed_tokens.weight";

    /** Final RMSNorm weight {@code [d]}. */
    public static final String FINAL_NORM = "model.norm.weight";

    /** Untied LM head {@code [vocab, d]}. */
    public static final String LM_HEAD = "lm_head.weight";

    /** The attention projections, in checkpoint order. */
    public static final List<String> ATTENTION = List.of("q_proj", "k_proj", "v_proj", "o_proj");

    /** The MLP projections, in checkpoint order. */
    public static final List<String> MLP = List.of("gate_proj", "up_proj", "down_proj");

    private LlamaParameters() {}

    /** The prefix of layer {@code i}: {@code model.layers.i}. */
    public static String layer(int i) {
        return "model.layers." + i;
    }

    /** The module prefix of a projection, e.g. {@code model.layers.3.self_attn.q_proj}. */
    public static String projection(int layer, String proj) {
        return layer(layer) + (MLP.contains(proj) ? ".mlp." : ".self_attn.") + proj;
    }

    /** The name of the head matrix: the embedding when tied. */
    public static String headName(LlamaConfig c) {
        return c.tieWordEmbeddings() ? EMBED : LM_HEAD;
    }

    /** {@code [in, out]} widths of a projection. */
    public static long[] projectionShape(LlamaConfig c, String proj) {
        long d = c.hiddenSize();
        long q = (long) c.numHeads() * c.headDim();
        long kv = (long) c.numKvHeads() * c.headDim();
        long f = c.intermediateSize();
        return switch (proj) {
            case "q_proj" -> new long[] {d, q};
            case "k_proj", "v_proj" -> new long[] {d, kv};
            case "o_proj" -> new long[] {q, d};
            case "gate_proj", "up_proj" -> new long[] {d, f};
            case "down_proj" -> new long[] {f, d};
            default -> throw new IllegalArgumentException("unknown projection '" + proj + "'");
        };
    }

    /** Whether a projection carries a bias under this config. */
    public static boolean hasBias(LlamaConfig c, String proj) {
        return switch (proj) {
            case "q_proj", "k_proj", "v_proj" -> c.qkvBias();
            case "o_proj" -> c.outputBias();
            default -> false;
        };
    }

    /**
     * All tensors of a checkpoint in Hugging Face order with their shapes and the HF initialisers
     * (normal(0, 0.02) for matrices, ones for norms, zeros for biases). All are trainable; decay
     * applies to matrices only.
     */
    public static List<ParameterSpec> specs(LlamaConfig c) {
        List<ParameterSpec> r = new ArrayList<>();
        long d = c.hiddenSize();
        r.add(
                new ParameterSpec(
                        EMBED, new long[] {c.vocabSize(), d}, Init.normal(INIT_STD), true, true));
        for (int i = 0; i < c.numLayers(); i++) {
            for (String p : ATTENTION) {
                addProjection(r, c, i, p);
            }
            for (String p : MLP) {
                addProjection(r, c, i, p);
            }
            r.add(
                    new ParameterSpec(
                            layer(i) + ".input_layernorm.weight",
                            new long[] {d},
                            Init.ones(),
                            true,
                            false));
            r.add(
                    new ParameterSpec(
                            layer(i) + ".post_attention_layernorm.weight",
                            new long[] {d},
                            Init.ones(),
                            true,
                            false));
        }
        r.add(new ParameterSpec(FINAL_NORM, new long[] {d}, Init.ones(), true, false));
        if (!c.tieWordEmbeddings()) {
            r.add(
                    new ParameterSpec(
                            LM_HEAD,
                            new long[] {c.vocabSize(), d},
                            Init.normal(INIT_STD),
                            true,
                            true));
        }
        return r;
    }

    private static void addProjection(List<ParameterSpec> r, LlamaConfig c, int i, String p) {
        long[] io = projectionShape(c, p);
        String prefix = projection(i, p);
        r.add(
                new ParameterSpec(
                        prefix + ".weight",
                        new long[] {io[1], io[0]},
                        Init.normal(INIT_STD),
                        true,
                        true));
        if (hasBias(c, p)) {
            r.add(
                    new ParameterSpec(
                            prefix + ".bias", new long[] {io[1]}, Init.zeros(), true, false));
        }
    }
}
