package org.lcrec.bench.onnx;

import org.lcrec.onnx.DType;
import org.lcrec.onnx.Dim;
import org.lcrec.onnx.GraphBuilder;
import org.lcrec.onnx.Init;
import org.lcrec.onnx.Losses;
import org.lcrec.onnx.Tensor;

/** The benchmarked models and their matrix-multiply FLOP counts. */
final class BenchModels {
    private BenchModels() {}

    /** LC-Rec's RQ-VAE shape: 768 -> 2048 -> ... -> 32 and back, ReLU, MSE reconstruction. */
    static final int[] MLP = {
        768, 2048, 1024, 512, 256, 128, 64, 32, 64, 128, 256, 512, 1024, 2048, 768
    };

    static Tensor mlp(GraphBuilder g) {
        Tensor x = g.input("x", DType.FLOAT, Dim.dim("batch"), MLP[0]);
        Tensor h = x;
        for (int i = 0; i + 1 < MLP.length; i++) {
            g.pushScope("layers." + i);
            Tensor w = g.parameter("weight", Init.xavierNormal(), MLP[i], MLP[i + 1]);
            Tensor b = g.parameter("bias", Init.zeros(), MLP[i + 1]);
            h = g.linear(h, w, b);
            if (i + 2 < MLP.length) {
                h = g.relu(h);
            }
            g.popScope();
        }
        return Losses.mse(g, h, x);
    }

    /** Forward + backward matmul FLOPs of one MLP step (no input gradient for the first layer). */
    static double mlpFlops(int batch) {
        double f = 0;
        for (int i = 0; i + 1 < MLP.length; i++) {
            double mm = 2.0 * batch * MLP[i] * MLP[i + 1];
            f += i == 0 ? 2 * mm : 3 * mm;
        }
        return f;
    }

    /** A LLaMA-style decoder stack with embedding and LM head; returns the CE loss. */
    static Tensor transformer(GraphBuilder g, int vocab, int d, int heads, int layers, int ffn) {
        int hd = d / heads;
        Tensor ids = g.input("input_ids", DType.INT64, Dim.dim("batch"), Dim.dim("seq"));
        Tensor labels = g.input("labels", DType.INT64, Dim.dim("batch"), Dim.dim("seq"));
        Tensor x =
                g.gather(g.parameter("embed_tokens.weight", Init.normal(0.02), vocab, d), ids, 0);
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
        Tensor ones = g.constantOfShape(g.shapeTensor(seq, seq), 1.0, DType.FLOAT);
        Tensor causal = g.mul(g.trilu(ones, true, 1), -1e4);
        Tensor scale = g.scalar(1.0 / Math.sqrt(hd), DType.FLOAT);
        for (int l = 0; l < layers; l++) {
            g.pushScope("layers." + l);
            Tensor h = g.rmsNorm(x, g.parameter("input_layernorm.weight", Init.ones(), d), 1e-6);
            Tensor q =
                    heads(
                            g,
                            g.matMul(
                                    h,
                                    g.parameter(
                                            "self_attn.q_proj.weight", Init.xavierNormal(), d, d)),
                            heads,
                            hd);
            Tensor k =
                    heads(
                            g,
                            g.matMul(
                                    h,
                                    g.parameter(
                                            "self_attn.k_proj.weight", Init.xavierNormal(), d, d)),
                            heads,
                            hd);
            Tensor v =
                    heads(
                            g,
                            g.matMul(
                                    h,
                                    g.parameter(
                                            "self_attn.v_proj.weight", Init.xavierNormal(), d, d)),
                            heads,
                            hd);
            q = rope(g, q, cos, sin, hd);
            k = rope(g, k, cos, sin, hd);
            Tensor scores = g.add(g.matMul(g.mul(q, scale), g.transposeLast2(k)), causal);
            Tensor o = g.transpose(g.matMul(g.softmax(scores, -1), v), 0, 2, 1, 3);
            o = g.reshape(o, g.shapeTensor(0, 0, d));
            x =
                    g.add(
                            x,
                            g.matMul(
                                    o,
                                    g.parameter(
                                            "self_attn.o_proj.weight", Init.xavierNormal(), d, d)));
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
                                            "mlp.gate_proj.weight", Init.xavierNormal(), d, ffn)));
            Tensor up =
                    g.matMul(h2, g.parameter("mlp.up_proj.weight", Init.xavierNormal(), d, ffn));
            x =
                    g.add(
                            x,
                            g.matMul(
                                    g.mul(gate, up),
                                    g.parameter(
                                            "mlp.down_proj.weight", Init.xavierNormal(), ffn, d)));
            g.popScope();
        }
        Tensor hf = g.rmsNorm(x, g.parameter("norm.weight", Init.ones(), d), 1e-6);
        Tensor logits = g.matMul(hf, g.parameter("lm_head.weight", Init.xavierNormal(), d, vocab));
        return Losses.crossEntropy(g, logits, labels, -100);
    }

    /** Forward + backward matmul FLOPs of one transformer step (3x forward). */
    static double transformerFlops(int batch, int seq, int vocab, int d, int layers, int ffn) {
        double t = (double) batch * seq;
        double perLayer = 2 * t * d * d * 4 + 2 * t * d * ffn * 3 + 2 * 2 * t * seq * d;
        return 3 * (layers * perLayer + 2 * t * d * vocab);
    }

    private static Tensor heads(GraphBuilder g, Tensor x, int heads, int hd) {
        return g.transpose(g.reshape(x, g.shapeTensor(0, 0, heads, hd)), 0, 2, 1, 3);
    }

    private static Tensor rope(GraphBuilder g, Tensor x, Tensor cos, Tensor sin, int hd) {
        Tensor x1 = g.slice(x, -1, 0, hd / 2);
        Tensor x2 = g.slice(x, -1, hd / 2, hd);
        return g.add(g.mul(x, cos), g.mul(g.concat(-1, g.neg(x2), x1), sin));
    }
}
