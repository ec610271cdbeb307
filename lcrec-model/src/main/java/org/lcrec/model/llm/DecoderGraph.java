package org.lcrec.model.llm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.lcrec.onnx.DType;
import org.lcrec.onnx.GraphBuilder;
import org.lcrec.onnx.HostTensor;
import org.lcrec.onnx.Init;
import org.lcrec.onnx.Tensor;

/**
 * The LLaMA-architecture decoder as an lcrec-onnx graph: token embedding, {@code numLayers} blocks
 * of RMSNorm → grouped-query attention with rotary position embeddings (Hugging Face's rotate-half
 * convention, base {@code rope_theta}) under a causal and padding mask → residual → RMSNorm →
 * SwiGLU MLP → residual, then the final RMSNorm and the (tied or untied) LM head.
 *
 * <p>One definition serves training (no past) and inference (with a key/value cache), so the parity
 * of the two is by construction. Hidden states are kept as rows {@code [b*s, d]} so every
 * projection is one 2-D GEMM in both directions.
 *
 * <p>Attention follows Hugging Face: a query at cache index {@code past + i} sees keys at cache
 * indices {@code <= past + i} whose {@code attention_mask} is 1; masked scores get {@value
 * #MASK_VALUE} (exp underflows to exactly 0, and a fully masked padding row stays finite).
 */
public final class DecoderGraph {
    /** Added to masked attention scores. */
    public static final float MASK_VALUE = -1e9f;

    private DecoderGraph() {}

    /**
     * How the graph obtains weights. An instance serves one {@link GraphBuilder}; it declares each
     * tensor once (a tied head reuses the embedding).
     */
    public interface Weights {
        /** The tensor of a checkpoint weight with a Hugging Face name and shape. */
        Tensor tensor(GraphBuilder g, String name, long... shape);

        /**
         * A projection {@code x W^T + b} for the module {@code prefix} (e.g. {@code
         * model.layers.0.self_attn.q_proj}) on rows {@code x [n, in]}.
         */
        default Tensor project(
                GraphBuilder g, Tensor x, String prefix, long in, long out, boolean bias) {
            Tensor w = tensor(g, prefix + ".weight", out, in);
            Tensor b = bias ? tensor(g, prefix + ".bias", out) : null;
            return g.gemm(x, w, b, 1f, 1f, false, true);
        }

        /** The embedding rows of token {@code ids} (any shape): {@code [..., d]}. */
        default Tensor embed(GraphBuilder g, Tensor ids, long vocab, long d) {
            return g.gather(tensor(g, LlamaParameters.EMBED, vocab, d), ids, 0);
        }

        /**
         * The LM head {@code name} ({@code [vocab, d]}, possibly the tied embedding) on rows {@code
         * [n, d]}: logits {@code [n, vocab]}.
         */
        default Tensor head(GraphBuilder g, Tensor rows, String name, long vocab, long d) {
            return g.gemm(rows, tensor(g, name, vocab, d), null, 1f, 0f, false, true);
        }
    }

    /**
     * Weights declared as graph parameters named as in the checkpoint.
     *
     * @param trainable whether they are trainable (graph inputs) or frozen (initialisers)
     */
    public static Weights parameters(boolean trainable) {
        return new Weights() {
            private final Map<String, Tensor> declared = new HashMap<>();

            @Override
            public Tensor tensor(GraphBuilder g, String name, long... shape) {
                return declared.computeIfAbsent(
                        name,
                        n -> g.parameter(n, Init.zeros(), trainable, shape.length >= 2, shape));
            }
        };
    }

    /**
     * The cache tensors of one forward pass.
     *
     * @param hidden the last hidden state
     * @param presentKeys each layer's key cache (an unmodifiable copy)
     * @param presentValues each layer's value cache (an unmodifiable copy)
     */
    public record Result(Tensor hidden, List<Tensor> presentKeys, List<Tensor> presentValues) {
        /** Copies the lists. */
        public Result {
            presentKeys = List.copyOf(presentKeys);
            presentValues = List.copyOf(presentValues);
        }
    }

    /**
     * The decoder blocks.
     *
     * @param inputIds int64 {@code [b, s]}
     * @param attentionMask int64 {@code [b, past + s]} (1 = attend, 0 = padding)
     * @param positionIds int64 {@code [b, s]}
     * @param pastKeys per layer {@code [b, kvHeads, past, headDim]}, or null for no cache
     * @param pastValues as pastKeys
     * @param beamIdx int64 {@code [b]} that reorders the past along the batch, or null
     * @return the last hidden states as rows {@code [b*s, d]} before the final norm, and the
     *     presents {@code [b, kvHeads, past + s, headDim]} (keys after RoPE)
     */
    public static Result forward(
            GraphBuilder g,
            LlamaConfig c,
            Weights w,
            Tensor inputIds,
            Tensor attentionMask,
            Tensor positionIds,
            List<Tensor> pastKeys,
            List<Tensor> pastValues,
            Tensor beamIdx) {
        return forward(
                g,
                c,
                w,
                inputIds,
                attentionMask,
                positionIds,
                pastKeys,
                pastValues,
                beamIdx,
                0,
                null);
    }

    /**
     * A key/value prefix shared by groups of rows: the prompt of each of {@code U} prompts, cached
     * once, that each of its {@code W} beams (rows {@code u*W .. u*W+W-1} of the batch) attends to
     * before its own positions. The batch must hold {@code U*W} rows.
     *
     * @param keys per layer {@code [U, kvHeads, P, headDim]} (after RoPE, as a present is)
     * @param values per layer {@code [U, kvHeads, P, headDim]}
     * @param mask int64 {@code [U, P]}: 1 for a real prefix position, 0 for padding
     */
    public record SharedPrefix(List<Tensor> keys, List<Tensor> values, Tensor mask) {
        /** Copies the lists. */
        public SharedPrefix {
            keys = List.copyOf(keys);
            values = List.copyOf(values);
        }
    }

    /**
     * The decoder blocks over rows that also attend to a {@link SharedPrefix}: every query sees its
     * prompt's real prefix positions and then its own cached and new positions (causal, under
     * {@code attentionMask}), in one softmax over both. The prefix is read in place by one batched
     * product per prompt, never copied per row; reordering ({@code beamIdx}) and the presents cover
     * the rows' own positions only.
     *
     * @param prefix the shared prefix
     * @see #forward(GraphBuilder, LlamaConfig, Weights, Tensor, Tensor, Tensor, List, List, Tensor)
     */
    public static Result forwardWithPrefix(
            GraphBuilder g,
            LlamaConfig c,
            Weights w,
            Tensor inputIds,
            Tensor attentionMask,
            Tensor positionIds,
            List<Tensor> pastKeys,
            List<Tensor> pastValues,
            Tensor beamIdx,
            SharedPrefix prefix) {
        return forward(
                g,
                c,
                w,
                inputIds,
                attentionMask,
                positionIds,
                pastKeys,
                pastValues,
                beamIdx,
                0,
                prefix);
    }

    /**
     * The decoder blocks with hidden dropout: in a training graph, inverted dropout at {@code
     * dropout} on the token embeddings and on the output of every attention and feed-forward block
     * before its residual add (the GPT-2 / T5 placement); a no-op in inference graphs or at rate 0.
     *
     * @param dropout the dropout rate in {@code [0, 1)}
     * @see #forward(GraphBuilder, LlamaConfig, Weights, Tensor, Tensor, Tensor, List, List, Tensor)
     */
    public static Result forward(
            GraphBuilder g,
            LlamaConfig c,
            Weights w,
            Tensor inputIds,
            Tensor attentionMask,
            Tensor positionIds,
            List<Tensor> pastKeys,
            List<Tensor> pastValues,
            Tensor beamIdx,
            double dropout) {
        return forward(
                g,
                c,
                w,
                inputIds,
                attentionMask,
                positionIds,
                pastKeys,
                pastValues,
                beamIdx,
                dropout,
                null);
    }

    private static Result forward(
            GraphBuilder g,
            LlamaConfig c,
            Weights w,
            Tensor inputIds,
            Tensor attentionMask,
            Tensor positionIds,
            List<Tensor> pastKeys,
            List<Tensor> pastValues,
            Tensor beamIdx,
            double dropout,
            SharedPrefix prefix) {
        long d = c.hiddenSize();
        long hd = c.headDim();
        long kvh = c.numKvHeads();
        long rep = c.groupSize();
        Tensor bDim = g.dimOf(inputIds, 0);
        Tensor sDim = g.dimOf(inputIds, 1);

        Tensor h = g.reshape(w.embed(g, inputIds, c.vocabSize(), d), -1, d);
        Tensor bsd = g.shapeTensor(bDim, sDim, d);
        h = dropoutRows(g, h, bsd, d, dropout);

        // rotary tables [b, s, hd] from position ids (HF: emb = cat(freqs, freqs))
        float[] invFreq = new float[(int) hd / 2];
        for (int i = 0; i < invFreq.length; i++) {
            invFreq[i] = (float) (1.0 / Math.pow(c.ropeTheta(), (2.0 * i) / hd));
        }
        Tensor pos = g.unsqueeze(g.cast(positionIds, DType.FLOAT), -1);
        Tensor freqs = g.mul(pos, g.constant(invFreq, invFreq.length));
        Tensor angles = g.concat(-1, freqs, freqs);
        Tensor cos = g.cos(angles);
        Tensor sin = g.sin(angles);
        Tensor cos4 = g.unsqueeze(cos, 1);
        Tensor sin4 = g.unsqueeze(sin, 1);
        Tensor cos5 = g.unsqueeze(cos, 1, 2);
        Tensor sin5 = g.unsqueeze(sin, 1, 2);

        // additive mask [b, 1, 1, s, T]
        Tensor tDim = g.dimOf(attentionMask, 1);
        Tensor tScalar = g.squeeze(tDim, 0);
        Tensor sScalar = g.squeeze(sDim, 0);
        Tensor one = g.constant(HostTensor.filled(DType.INT64, 1));
        Tensor zero = g.constant(HostTensor.filled(DType.INT64, 0));
        Tensor qIdx = g.range(g.sub(tScalar, sScalar), tScalar, one);
        Tensor kIdx = g.range(zero, tScalar, one);
        Tensor causal = g.lessOrEqual(g.unsqueeze(kIdx, 0), g.unsqueeze(qIdx, 1));
        Tensor keyOk =
                g.unsqueeze(
                        g.greater(attentionMask, g.constant(HostTensor.filled(DType.INT64, 0))), 1);
        Tensor allowed = g.and(causal, keyOk);
        Tensor bias =
                g.unsqueeze(
                        g.where(
                                allowed,
                                g.scalar(0, DType.FLOAT),
                                g.scalar(MASK_VALUE, DType.FLOAT)),
                        1,
                        2);
        Tensor scale = g.scalar(1.0 / Math.sqrt(hd), DType.FLOAT);
        // the prefix's additive mask [U, 1, 1, P]
        Tensor prefixBias =
                prefix == null
                        ? null
                        : g.unsqueeze(
                                g.where(
                                        g.greater(
                                                prefix.mask(),
                                                g.constant(HostTensor.filled(DType.INT64, 0))),
                                        g.scalar(0, DType.FLOAT),
                                        g.scalar(MASK_VALUE, DType.FLOAT)),
                                1,
                                2);

        List<Tensor> presentsK = new ArrayList<>();
        List<Tensor> presentsV = new ArrayList<>();
        for (int i = 0; i < c.numLayers(); i++) {
            String L = LlamaParameters.layer(i);
            Tensor xn = g.rmsNorm(h, w.tensor(g, L + ".input_layernorm.weight", d), c.rmsNormEps());
            Tensor q = proj(g, c, w, xn, i, "q_proj");
            Tensor k = proj(g, c, w, xn, i, "k_proj");
            Tensor v = proj(g, c, w, xn, i, "v_proj");
            // q: [b, s, kv, rep, hd] -> [b, kv, rep, s, hd]; k, v: [b, s, kv, hd] -> [b, kv, s, hd]
            Tensor q5 =
                    g.transpose(
                            g.reshape(q, g.shapeTensor(bDim, sDim, kvh, rep, hd)), 0, 2, 3, 1, 4);
            Tensor k4 = g.transpose(g.reshape(k, g.shapeTensor(bDim, sDim, kvh, hd)), 0, 2, 1, 3);
            Tensor v4 = g.transpose(g.reshape(v, g.shapeTensor(bDim, sDim, kvh, hd)), 0, 2, 1, 3);
            q5 = rope(g, q5, cos5, sin5, hd);
            k4 = rope(g, k4, cos4, sin4, hd);
            if (pastKeys != null) {
                Tensor pk = pastKeys.get(i);
                Tensor pv = pastValues.get(i);
                if (beamIdx != null) {
                    pk = g.gather(pk, beamIdx, 0);
                    pv = g.gather(pv, beamIdx, 0);
                }
                k4 = g.concat(2, pk, k4);
                v4 = g.concat(2, pv, v4);
            }
            presentsK.add(k4);
            presentsV.add(v4);
            Tensor scores = g.matMul(q5, g.transposeLast2(g.unsqueeze(k4, 2)));
            scores = g.add(g.mul(scores, scale), bias);
            Tensor ctx =
                    prefix == null
                            ? g.matMul(g.softmax(scores, -1), g.unsqueeze(v4, 2))
                            : attendWithPrefix(
                                    g,
                                    c,
                                    q5,
                                    scores,
                                    v4,
                                    prefix.keys().get(i),
                                    prefix.values().get(i),
                                    prefixBias,
                                    scale,
                                    sDim);
            ctx = g.reshape(g.transpose(ctx, 0, 3, 1, 2, 4), -1, (long) c.numHeads() * hd);
            h = g.add(h, dropoutRows(g, proj(g, c, w, ctx, i, "o_proj"), bsd, d, dropout));

            Tensor xn2 =
                    g.rmsNorm(
                            h,
                            w.tensor(g, L + ".post_attention_layernorm.weight", d),
                            c.rmsNormEps());
            Tensor gate = proj(g, c, w, xn2, i, "gate_proj");
            Tensor up = proj(g, c, w, xn2, i, "up_proj");
            Tensor mlp = proj(g, c, w, g.mul(g.silu(gate), up), i, "down_proj");
            h = g.add(h, dropoutRows(g, mlp, bsd, d, dropout));
        }
        return new Result(h, presentsK, presentsV);
    }

    /**
     * Attention over a shared prefix and the rows' own positions, as one softmax: {@code q5 [R, kv,
     * rep, S, hd]} with {@code R = U*W}; {@code ownScores [R, kv, rep, S, T]} already scaled and
     * masked; the prefix {@code [U, kv, P, hd]}. The queries of a prompt's W rows are regrouped to
     * {@code [U, kv, W*rep*S, hd]} so the prefix enters one product per prompt and KV head.
     *
     * @return the context {@code [R, kv, rep, S, hd]}
     */
    private static Tensor attendWithPrefix(
            GraphBuilder g,
            LlamaConfig c,
            Tensor q5,
            Tensor ownScores,
            Tensor ownValues,
            Tensor prefixKeys,
            Tensor prefixValues,
            Tensor prefixBias,
            Tensor scale,
            Tensor sDim) {
        long kvh = c.numKvHeads();
        long rep = c.groupSize();
        long hd = c.headDim();
        Tensor uDim = g.dimOf(prefixKeys, 0);
        Tensor pDim = g.dimOf(prefixKeys, 2);
        Tensor rDim = g.dimOf(q5, 0);
        // [R, kv, rep, S, hd] -> [U, W, kv, rep, S, hd] -> [U, kv, W, rep, S, hd] -> [U, kv, M, hd]
        Tensor qg = g.reshape(q5, g.shapeTensor(uDim, -1L, kvh, rep, sDim, hd));
        qg = g.reshape(g.transpose(qg, 0, 2, 1, 3, 4, 5), g.shapeTensor(uDim, kvh, -1L, hd));
        Tensor ps = g.add(g.mul(g.matMul(qg, g.transposeLast2(prefixKeys)), scale), prefixBias);
        // [U, kv, M, P] -> [U, kv, W, rep, S, P] -> [U, W, kv, rep, S, P] -> [R, kv, rep, S, P]
        ps = g.reshape(ps, g.shapeTensor(uDim, kvh, -1L, rep, sDim, pDim));
        ps =
                g.reshape(
                        g.transpose(ps, 0, 2, 1, 3, 4, 5),
                        g.shapeTensor(rDim, kvh, rep, sDim, pDim));
        // one softmax over [prefix | own]: a shared maximum, both exponentials, one normaliser
        Tensor m = g.max(g.reduceMax(ps, true, -1), g.reduceMax(ownScores, true, -1));
        Tensor ep = g.exp(g.sub(ps, m));
        Tensor eo = g.exp(g.sub(ownScores, m));
        Tensor z = g.add(g.reduceSum(ep, true, -1), g.reduceSum(eo, true, -1));
        // prefix context: [R, kv, rep, S, P] -> [U, kv, M, P] @ [U, kv, P, hd] -> [R, kv, rep, S,
        // hd]
        Tensor epg = g.reshape(ep, g.shapeTensor(uDim, -1L, kvh, rep, sDim, pDim));
        epg = g.reshape(g.transpose(epg, 0, 2, 1, 3, 4, 5), g.shapeTensor(uDim, kvh, -1L, pDim));
        Tensor cp = g.matMul(epg, prefixValues);
        cp = g.reshape(cp, g.shapeTensor(uDim, kvh, -1L, rep, sDim, hd));
        cp = g.reshape(g.transpose(cp, 0, 2, 1, 3, 4, 5), g.shapeTensor(rDim, kvh, rep, sDim, hd));
        Tensor co = g.matMul(eo, g.unsqueeze(ownValues, 2));
        return g.div(g.add(cp, co), z);
    }

    /**
     * Dropout on hidden rows {@code [b*s, d]}: the mask is declared as {@code [b, s, d]} so the
     * trainer can size it from the inputs' symbolic dimensions.
     */
    private static Tensor dropoutRows(
            GraphBuilder g, Tensor rows, Tensor bsd, long d, double rate) {
        if (rate == 0 || !g.isTraining()) {
            return rows;
        }
        return g.reshape(g.dropout(g.reshape(rows, bsd), rate), -1, d);
    }

    private static Tensor proj(
            GraphBuilder g, LlamaConfig c, Weights w, Tensor x, int layer, String p) {
        long[] io = LlamaParameters.projectionShape(c, p);
        return w.project(
                g,
                x,
                LlamaParameters.projection(layer, p),
                io[0],
                io[1],
                LlamaParameters.hasBias(c, p));
    }

    /** {@code x cos + rotate_half(x) sin} with {@code rotate_half(x) = [-x2, x1]}. */
    private static Tensor rope(GraphBuilder g, Tensor x, Tensor cos, Tensor sin, long hd) {
        int last = x.rank() - 1;
        Tensor x1 = g.slice(x, last, 0, hd / 2);
        Tensor x2 = g.slice(x, last, hd / 2, hd);
        Tensor rot = g.concat(last, g.neg(x2), x1);
        return g.add(g.mul(x, cos), g.mul(rot, sin));
    }

    /**
     * The final RMSNorm and the LM head on hidden rows {@code [n, d]}: logits {@code [n, vocab]}.
     */
    public static Tensor logits(GraphBuilder g, LlamaConfig c, Weights w, Tensor hiddenRows) {
        long d = c.hiddenSize();
        Tensor normed =
                g.rmsNorm(hiddenRows, w.tensor(g, LlamaParameters.FINAL_NORM, d), c.rmsNormEps());
        return w.head(g, normed, LlamaParameters.headName(c), c.vocabSize(), d);
    }
}
