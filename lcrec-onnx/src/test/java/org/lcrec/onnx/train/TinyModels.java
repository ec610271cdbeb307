package org.lcrec.onnx.train;

import org.lcrec.onnx.DType;
import org.lcrec.onnx.Dim;
import org.lcrec.onnx.GraphBuilder;
import org.lcrec.onnx.HostTensor;
import org.lcrec.onnx.Init;
import org.lcrec.onnx.Losses;
import org.lcrec.onnx.Tensor;

/** Small models for trainer tests. */
final class TinyModels {
    private TinyModels() {}

    /** An MLP regression {@code in -> hidden... -> out} with ReLU; returns the MSE loss. */
    static Tensor mlp(GraphBuilder g, int... widths) {
        Tensor x = g.input("x", DType.FLOAT, Dim.dim("batch"), widths[0]);
        Tensor y = g.input("y", DType.FLOAT, Dim.dim("batch"), widths[widths.length - 1]);
        Tensor h = x;
        for (int i = 0; i + 1 < widths.length; i++) {
            g.pushScope("layers." + i);
            {
                Tensor w = g.parameter("weight", Init.xavierNormal(), widths[i], widths[i + 1]);
                Tensor b = g.parameter("bias", Init.zeros(), widths[i + 1]);
                h = g.linear(h, w, b);
                if (i + 2 < widths.length) {
                    h = g.relu(h);
                }
            }
            g.popScope();
        }
        g.output("pred", h);
        return Losses.mse(g, h, y);
    }

    /**
     * A LLaMA-style causal LM: embedding, RMSNorm, RoPE, multi-head attention with causal and
     * padding masks, SwiGLU, LM head; returns the cross-entropy loss (ignore index -100).
     */
    static Tensor transformer(
            GraphBuilder g, int vocab, int d, int heads, int layers, int ffn, double dropout) {
        int hd = d / heads;
        Tensor ids = g.input("input_ids", DType.INT64, Dim.dim("batch"), Dim.dim("seq"));
        Tensor mask = g.input("attention_mask", DType.INT64, Dim.dim("batch"), Dim.dim("seq"));
        Tensor labels = g.input("labels", DType.INT64, Dim.dim("batch"), Dim.dim("seq"));
        Tensor emb = g.parameter("embed_tokens.weight", Init.normal(0.02), vocab, d);
        Tensor x = g.gather(emb, ids, 0);
        // RoPE tables from positions: cos/sin of pos * inv_freq, duplicated halves
        Tensor seq = g.dimOf(ids, 1);
        Tensor pos = g.cast(g.arange(seq), DType.FLOAT);
        float[] inv = new float[hd / 2];
        for (int i = 0; i < inv.length; i++) {
            inv[i] = (float) (1.0 / Math.pow(10000, 2.0 * i / hd));
        }
        Tensor freqs = g.mul(g.unsqueeze(pos, 1), g.constant(inv, 1, hd / 2));
        Tensor ang = g.concat(-1, freqs, freqs);
        Tensor cos = g.cos(ang);
        Tensor sin = g.sin(ang);
        // additive mask [batch, 1, seq, seq]: causal (upper triangle) and padding (masked keys)
        Tensor ones = g.constantOfShape(g.shapeTensor(seq, seq), 1.0, DType.FLOAT);
        Tensor causal = g.mul(g.trilu(ones, true, 1), -1e4);
        Tensor pad = g.mul(g.sub(g.scalar(1, DType.FLOAT), g.cast(mask, DType.FLOAT)), -1e4);
        Tensor addMask = g.add(causal, g.unsqueeze(pad, 1, 2));
        Tensor scale = g.scalar(1.0 / Math.sqrt(hd), DType.FLOAT);
        for (int l = 0; l < layers; l++) {
            g.pushScope("layers." + l);
            {
                Tensor h =
                        g.rmsNorm(x, g.parameter("input_layernorm.weight", Init.ones(), d), 1e-6);
                Tensor q =
                        heads(
                                g,
                                g.matMul(
                                        h,
                                        g.parameter(
                                                "self_attn.q_proj.weight",
                                                Init.xavierNormal(),
                                                d,
                                                d)),
                                heads,
                                hd);
                Tensor k =
                        heads(
                                g,
                                g.matMul(
                                        h,
                                        g.parameter(
                                                "self_attn.k_proj.weight",
                                                Init.xavierNormal(),
                                                d,
                                                d)),
                                heads,
                                hd);
                Tensor v =
                        heads(
                                g,
                                g.matMul(
                                        h,
                                        g.parameter(
                                                "self_attn.v_proj.weight",
                                                Init.xavierNormal(),
                                                d,
                                                d)),
                                heads,
                                hd);
                q = rope(g, q, cos, sin, hd);
                k = rope(g, k, cos, sin, hd);
                Tensor scores = g.add(g.mul(g.matMul(q, g.transposeLast2(k)), scale), addMask);
                Tensor att = g.dropout(g.softmax(scores, -1), dropout);
                Tensor o = g.transpose(g.matMul(att, v), 0, 2, 1, 3);
                o = g.reshape(o, g.shapeTensor(0, 0, d));
                x =
                        g.add(
                                x,
                                g.matMul(
                                        o,
                                        g.parameter(
                                                "self_attn.o_proj.weight",
                                                Init.xavierNormal(),
                                                d,
                                                d)));
                Tensor h2 =
                        g.rmsNorm(
                                x,
                                g.parameter("post_attention_layernorm.weight", Init.ones(), d),
                                1e-6);
                Tensor gate =
                        g.silu(
                                g.matMul(
                                        h2,
                                        g.parameter(
                                                "mlp.gate_proj.weight",
                                                Init.xavierNormal(),
                                                d,
                                                ffn)));
                Tensor up =
                        g.matMul(
                                h2, g.parameter("mlp.up_proj.weight", Init.xavierNormal(), d, ffn));
                x =
                        g.add(
                                x,
                                g.matMul(
                                        g.mul(gate, up),
                                        g.parameter(
                                                "mlp.down_proj.weight",
                                                Init.xavierNormal(),
                                                ffn,
                                                d)));
            }
            g.popScope();
        }
        Tensor hf = g.rmsNorm(x, g.parameter("norm.weight", Init.ones(), d), 1e-6);
        Tensor logits = g.matMul(hf, g.parameter("lm_head.weight", Init.xavierNormal(), d, vocab));
        g.output("logits", logits);
        return Losses.crossEntropy(g, logits, labels, -100);
    }

    private static Tensor heads(GraphBuilder g, Tensor x, int heads, int hd) {
        return g.transpose(g.reshape(x, g.shapeTensor(0, 0, heads, hd)), 0, 2, 1, 3);
    }

    private static Tensor rope(GraphBuilder g, Tensor x, Tensor cos, Tensor sin, int hd) {
        Tensor x1 = g.slice(x, -1, 0, hd / 2);
        Tensor x2 = g.slice(x, -1, hd / 2, hd);
        Tensor rot = g.concat(-1, g.neg(x2), x1);
        return g.add(g.mul(x, cos), g.mul(rot, sin));
    }

    /** Unused marker to keep HostTensor imported for helpers. */
    static HostTensor none() {
        return null;
    }
}
