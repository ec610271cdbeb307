package org.lcrec.model.sasrec;

import java.util.List;
import org.lcrec.onnx.DType;
import org.lcrec.onnx.Graph;
import org.lcrec.onnx.GraphBuilder;
import org.lcrec.onnx.HostTensor;
import org.lcrec.onnx.Init;
import org.lcrec.onnx.Losses;
import org.lcrec.onnx.ParameterSpec;
import org.lcrec.onnx.Tensor;

/**
 * SASRec as lcrec-onnx graphs (Kang &amp; McAuley 2018, section III), one definition for training
 * and inference.
 *
 * <p>Inputs are left-padded windows {@code input_ids [batch, seq]} of item rows + 1 ({@code 0} =
 * padding) and {@code position_ids [batch, seq]}; the last column is always the most recent item
 * and has position {@code maxLength - 1}, so a position counts back from the newest item whatever
 * the padded length (the paper pads every window to {@code maxLength} on the left; padding to the
 * batch's longest window instead gives the same values at real positions, since padding is masked
 * out as a key, and costs less).
 *
 * <ul>
 *   <li>Embedding: {@code E[item] + P[position]} (padding embeds as the zero vector), then dropout.
 *   <li>Each block, pre-norm with residuals as in the paper's {@code x + Dropout(g(LayerNorm(x)))}:
 *       causal self-attention {@code softmax(Q K^T / sqrt(d_head)) V} with {@code Q, K, V} the
 *       normalised input times {@code W_Q, W_K, W_V} (no biases, no output projection: the paper's
 *       single-head form; several heads split d and are concatenated), keys at padding and at later
 *       positions masked; then the point-wise feed-forward {@code ReLU(x W1 + b1) W2 + b2} (inner
 *       width d).
 *   <li>A final LayerNorm; the score of item {@code i} is {@code <h_t, E[i]>} (embeddings shared
 *       between input and output).
 * </ul>
 *
 * <p>Hidden states are kept as rows {@code [batch*seq, d]}, so every projection is one 2-D GEMM in
 * both directions; branch outputs are reshaped back to exactly the rows' symbolic shape, which
 * keeps the residual additions free of run-time broadcast reductions in the backward pass. Training
 * applies the final norm and the output layer only at the positions that carry a loss ({@code
 * loss_positions}, flat indices {@code row*seq + t}); inference only at the last column.
 */
final class SasRecGraph {
    /** Input: item rows + 1, 0 = padding, left-padded {@code [batch, seq]}. */
    static final String INPUT_IDS = "input_ids";

    /** Input: learned-position index of each column {@code [batch, seq]}. */
    static final String POSITION_IDS = "position_ids";

    /** Input (training): flat positions {@code row*seq + t} that carry a loss {@code [targets]}. */
    static final String LOSS_POSITIONS = "loss_positions";

    /** Input (training): the item row (0-based) to predict at each loss position. */
    static final String LABELS = "labels";

    /** Input (training, sampled BCE): a negative item row per loss position. */
    static final String NEGATIVES = "negatives";

    /** Output (inference): scores of every item after the last column {@code [batch, items]}. */
    static final String SCORES = "sasrec.scores";

    /** Output (training): the mean loss over the loss positions. */
    static final String LOSS = "sasrec.loss";

    static final String ITEM_EMBEDDING = "item_embedding.weight";
    static final String POSITION_EMBEDDING = "position_embedding.weight";
    static final String FINAL_NORM = "final_norm";

    /**
     * Added to masked attention scores: {@code exp} underflows to exactly 0, and a padding row with
     * every key masked stays finite (uniform weights; its output is never used).
     */
    static final float MASK_VALUE = -1e9f;

    /**
     * LayerNorm epsilon: far below the variance of any trained or initialised row (the embeddings
     * start with variance 1/d), and it turns the all-zero rows of padding into 0 instead of 0/0.
     */
    static final double LN_EPS = 1e-6;

    private SasRecGraph() {}

    /** A training graph: the builder (the trainer adds the backward pass) and its loss. */
    record Training(GraphBuilder builder, Tensor loss) {}

    /**
     * The training graph: mean cross-entropy of the full softmax, or mean sampled binary
     * cross-entropy, over the loss positions; dropout masks are inputs the trainer fills.
     */
    static Training training(int items, SasRecConfig c) {
        GraphBuilder g = new GraphBuilder("sasrec");
        Tensor ids = g.input(INPUT_IDS, DType.INT64, "batch", "seq");
        Tensor pos = g.input(POSITION_IDS, DType.INT64, "batch", "seq");
        Tensor where = g.input(LOSS_POSITIONS, DType.INT64, "targets");
        Tensor labels = g.input(LABELS, DType.INT64, "targets");
        Tensor emb = itemEmbedding(g, items, c);
        Tensor rows = g.gather(encode(g, c, emb, ids, pos), where, 0);
        Tensor h = finalNorm(g, c, rows);
        Tensor loss;
        if (c.loss() == TrainingLoss.FULL_SOFTMAX) {
            Tensor logits = g.gemm(h, emb, null, 1f, 0f, false, true);
            loss = Losses.crossEntropy(g, logits, labels, -100);
        } else {
            Tensor negatives = g.input(NEGATIVES, DType.INT64, "targets");
            Tensor positive = rowDot(g, h, g.gather(emb, labels, 0));
            Tensor negative = rowDot(g, h, g.gather(emb, negatives, 0));
            // -log sigmoid(p) - log(1 - sigmoid(n)) = softplus(-p) + softplus(n)
            loss = g.reduceMean(g.add(softplus(g, g.neg(positive)), softplus(g, negative)), false);
        }
        g.output(LOSS, loss);
        return new Training(g, loss);
    }

    /** The inference graph: scores of every item after the last column of each row. */
    static Graph inference(int items, SasRecConfig c) {
        GraphBuilder g = new GraphBuilder("sasrec").training(false);
        Tensor ids = g.input(INPUT_IDS, DType.INT64, "batch", "seq");
        Tensor pos = g.input(POSITION_IDS, DType.INT64, "batch", "seq");
        Tensor emb = itemEmbedding(g, items, c);
        long d = c.hiddenSize();
        Tensor h3 = g.reshape(encode(g, c, emb, ids, pos), g.shapeTensor(g.dimOf(ids, 0), -1, d));
        Tensor last = g.reshape(g.slice(h3, 1, -1, Long.MAX_VALUE), -1, d);
        g.output(SCORES, g.gemm(finalNorm(g, c, last), emb, null, 1f, 0f, false, true));
        return g.build();
    }

    /** The parameters of a model over {@code items} items, in declaration order. */
    static List<ParameterSpec> parameters(int items, SasRecConfig c) {
        return inference(items, c).parameters();
    }

    private static String block(int i) {
        return "blocks." + i;
    }

    private static Tensor itemEmbedding(GraphBuilder g, int items, SasRecConfig c) {
        return g.parameter(ITEM_EMBEDDING, embeddingInit(c), items, c.hiddenSize());
    }

    /** Normal with std {@code 1/sqrt(d)}: an embedding row starts with unit expected norm. */
    private static Init embeddingInit(SasRecConfig c) {
        return Init.normal(1 / Math.sqrt(c.hiddenSize()));
    }

    /**
     * Embeddings and blocks on {@code ids/pos [batch, seq]}: hidden rows {@code [batch*seq, d]}
     * before the final norm.
     */
    private static Tensor encode(
            GraphBuilder g, SasRecConfig c, Tensor emb, Tensor ids, Tensor pos) {
        long d = c.hiddenSize();
        long heads = c.numHeads();
        long dh = d / heads;
        Tensor bDim = g.dimOf(ids, 0);
        Tensor sDim = g.dimOf(ids, 1);

        Tensor table = g.concat(0, g.constant(new float[(int) d], 1, d), emb);
        Tensor posTable =
                g.parameter(POSITION_EMBEDDING, embeddingInit(c), c.maxLength(), c.hiddenSize());
        Tensor x = g.add(g.gather(table, ids, 0), g.gather(posTable, pos, 0));
        Tensor h = g.reshape(g.dropout(x, c.dropout()), -1, d);

        // additive mask [batch, 1, seq(query), seq(key)]: key <= query and key not padding
        Tensor zero = g.constant(HostTensor.filled(DType.INT64, 0));
        Tensor one = g.constant(HostTensor.filled(DType.INT64, 1));
        Tensor idx = g.range(zero, g.squeeze(sDim, 0), one);
        Tensor causal = g.lessOrEqual(g.unsqueeze(idx, 0), g.unsqueeze(idx, 1));
        Tensor keyOk = g.unsqueeze(g.greater(ids, zero), 1);
        Tensor bias =
                g.unsqueeze(
                        g.where(
                                g.and(causal, keyOk),
                                g.scalar(0, DType.FLOAT),
                                g.scalar(MASK_VALUE, DType.FLOAT)),
                        1);
        Tensor scale = g.scalar(1 / Math.sqrt(dh), DType.FLOAT);

        for (int i = 0; i < c.numBlocks(); i++) {
            g.pushScope(block(i));
            Tensor a = norm(g, c, "attention_norm", h);
            Tensor q = heads(g, g.matMul(a, weight(g, "attention.query.weight", d)), bDim, sDim, c);
            Tensor k = heads(g, g.matMul(a, weight(g, "attention.key.weight", d)), bDim, sDim, c);
            Tensor v = heads(g, g.matMul(a, weight(g, "attention.value.weight", d)), bDim, sDim, c);
            Tensor scores = g.add(g.mul(g.matMul(q, g.transposeLast2(k)), scale), bias);
            Tensor ctx = g.matMul(g.softmax(scores, -1), v); // [b, heads, s, dh]
            Tensor ctx3 =
                    g.reshape(g.transpose(ctx, 0, 2, 1, 3), g.shapeTensor(bDim, sDim, heads * dh));
            h = g.add(h, g.reshapeLike(g.dropout(ctx3, c.dropout()), h));

            Tensor f = norm(g, c, "ffn_norm", h);
            f =
                    g.relu(
                            g.linear(
                                    f,
                                    weight(g, "ffn.up.weight", d),
                                    g.parameter("ffn.up.bias", Init.zeros(), d)));
            f =
                    g.linear(
                            f,
                            weight(g, "ffn.down.weight", d),
                            g.parameter("ffn.down.bias", Init.zeros(), d));
            Tensor f3 = g.reshape(f, g.shapeTensor(bDim, sDim, d));
            h = g.add(h, g.reshapeLike(g.dropout(f3, c.dropout()), h));
            g.popScope();
        }
        return h;
    }

    /** A {@code [d, d]} weight in {@code x W} layout, Glorot-normal initialised. */
    private static Tensor weight(GraphBuilder g, String name, long d) {
        return g.parameter(name, Init.xavierNormal(), d, d);
    }

    /** Rows {@code [b*s, d]} to {@code [b, heads, s, d/heads]}. */
    private static Tensor heads(
            GraphBuilder g, Tensor rows, Tensor bDim, Tensor sDim, SasRecConfig c) {
        long heads = c.numHeads();
        long dh = c.hiddenSize() / heads;
        return g.transpose(g.reshape(rows, g.shapeTensor(bDim, sDim, heads, dh)), 0, 2, 1, 3);
    }

    private static Tensor norm(GraphBuilder g, SasRecConfig c, String name, Tensor x) {
        Tensor gamma = g.parameter(name + ".weight", Init.ones(), c.hiddenSize());
        Tensor beta = g.parameter(name + ".bias", Init.zeros(), c.hiddenSize());
        return g.layerNorm(x, gamma, beta, LN_EPS);
    }

    private static Tensor finalNorm(GraphBuilder g, SasRecConfig c, Tensor rows) {
        return norm(g, c, FINAL_NORM, rows);
    }

    /** Row-wise dot products of two {@code [n, d]} tensors: {@code [n]}. */
    private static Tensor rowDot(GraphBuilder g, Tensor a, Tensor b) {
        return g.reduceSum(g.mul(a, b), false, -1);
    }

    /** {@code log(1 + e^x)} without overflow: {@code max(x, 0) + log(1 + e^-|x|)}. */
    private static Tensor softplus(GraphBuilder g, Tensor x) {
        Tensor tail = g.log(g.add(g.exp(g.neg(g.abs(x))), g.scalarLike(1, x)));
        return g.add(g.relu(x), tail);
    }
}
