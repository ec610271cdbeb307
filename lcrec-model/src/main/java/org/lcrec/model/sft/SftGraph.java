package org.lcrec.model.sft;

import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;
import org.lcrec.model.llm.DecoderGraph;
import org.lcrec.model.llm.LlamaConfig;
import org.lcrec.model.llm.LlamaModel;
import org.lcrec.model.llm.LlamaParameters;
import org.lcrec.onnx.DType;
import org.lcrec.onnx.GraphBuilder;
import org.lcrec.onnx.HostTensor;
import org.lcrec.onnx.Init;
import org.lcrec.onnx.Losses;
import org.lcrec.onnx.Parameter;
import org.lcrec.onnx.ParameterSpec;
import org.lcrec.onnx.ParameterStore;
import org.lcrec.onnx.Tensor;

/**
 * The SFT training graph: the decoder on right-padded {@code input_ids/attention_mask/position_ids
 * [batch, seq]}, then the hidden rows at {@code loss_positions [targets]} (flat indices {@code
 * row*seq + t}) are gathered <em>before</em> the final norm and the LM head, so the head runs only
 * where the loss is taken; cross-entropy against {@code labels [targets]} averaged over targets.
 *
 * <p>Under LoRA the base weights are frozen parameters (initialisers of the ORT model; they never
 * cross between Java and ORT), LoRA factors are trainable, and the embedding and head are either
 * fully trainable or split into frozen base rows and trainable added rows ({@code
 * model.embed_tokens.base_rows.weight} / {@code new_rows}), concatenated in the graph.
 */
public final class SftGraph {
    /** Input: token ids {@code [batch, seq]}. */
    public static final String INPUT_IDS = "input_ids";

    /** Input: 1 for real tokens, 0 for padding {@code [batch, seq]}. */
    public static final String ATTENTION_MASK = "attention_mask";

    /** Input: positions {@code [batch, seq]}. */
    public static final String POSITION_IDS = "position_ids";

    /** Input: flat positions whose next token carries loss {@code [targets]}. */
    public static final String LOSS_POSITIONS = "loss_positions";

    /** Input: the next token at each loss position {@code [targets]}. */
    public static final String LABELS = "labels";

    /** Output: logits at the loss positions {@code [targets, vocab]}. */
    public static final String LOGITS = "sft.logits";

    /** Output: the mean cross-entropy over the targets (a scalar). */
    public static final String LOSS = "sft.loss";

    static final String BASE_ROWS = ".base_rows.weight";
    static final String NEW_ROWS = ".new_rows.weight";

    private final GraphBuilder builder;
    private final Tensor loss;
    private final LlamaConfig config;
    private final LoraConfig lora;
    private final int addedTokens;

    private SftGraph(
            GraphBuilder builder,
            Tensor loss,
            LlamaConfig config,
            LoraConfig lora,
            int addedTokens) {
        this.builder = builder;
        this.loss = loss;
        this.config = config;
        this.lora = lora;
        this.addedTokens = addedTokens;
    }

    /**
     * Builds the graph.
     *
     * @param lora LoRA settings or null (every weight trainable)
     * @param addedTokens trailing vocabulary rows trained under LoRA when not all embeddings are
     */
    public static SftGraph build(LlamaConfig c, LoraConfig lora, int addedTokens) {
        return build(c, lora, addedTokens, 0);
    }

    /**
     * Builds the graph with hidden dropout (see {@link DecoderGraph#forward(GraphBuilder,
     * LlamaConfig, DecoderGraph.Weights, Tensor, Tensor, Tensor, java.util.List, java.util.List,
     * Tensor, double)}).
     *
     * @param dropout the rate in {@code [0, 1)}
     */
    public static SftGraph build(LlamaConfig c, LoraConfig lora, int addedTokens, double dropout) {
        if (addedTokens > c.vocabSize()) {
            throw new IllegalArgumentException(
                    "addedTokens " + addedTokens + " exceeds the vocabulary of " + c.vocabSize());
        }
        GraphBuilder g = new GraphBuilder("sft");
        Tensor ids = g.input(INPUT_IDS, DType.INT64, "batch", "seq");
        Tensor mask = g.input(ATTENTION_MASK, DType.INT64, "batch", "seq");
        Tensor pos = g.input(POSITION_IDS, DType.INT64, "batch", "seq");
        Tensor where = g.input(LOSS_POSITIONS, DType.INT64, "targets");
        Tensor labels = g.input(LABELS, DType.INT64, "targets");
        Weights w = new Weights(c, lora, addedTokens, ids);
        DecoderGraph.Result r =
                DecoderGraph.forward(g, c, w, ids, mask, pos, null, null, null, dropout);
        Tensor rows = g.gather(r.hidden(), where, 0);
        Tensor logits = DecoderGraph.logits(g, c, w, rows);
        g.output(LOGITS, logits);
        Tensor loss = Losses.crossEntropy(g, logits, labels, SftBatches.IGNORED);
        g.output(LOSS, loss);
        return new SftGraph(g, loss, c, lora, addedTokens);
    }

    /** The builder (the trainer adds the backward pass to it). */
    public GraphBuilder builder() {
        return builder;
    }

    /** The scalar mean cross-entropy. */
    public Tensor loss() {
        return loss;
    }

    /**
     * The parameter store for this graph from a model's weights: base values, split embedding rows,
     * LoRA factors initialised from {@code seed} (A Kaiming-uniform, B zeros). Frozen weights (the
     * LoRA base, the base rows of a split vocabulary matrix) are views of the model's own memory,
     * not copies, so a 0.5B-parameter model is held once; trainable ones are copies.
     */
    public ParameterStore initialStore(LlamaModel model, long seed) {
        if (!model.config().equals(config)) {
            throw new IllegalArgumentException(
                    "model " + model.config() + " does not match the graph's " + config);
        }
        ParameterStore s = new ParameterStore();
        ParameterStore base = model.weights();
        int v0 = config.vocabSize() - addedTokens;
        int d = config.hiddenSize();
        for (ParameterSpec p : builder.parameters()) {
            String n = p.name();
            boolean baseRows = n.endsWith(BASE_ROWS);
            if (!p.trainable() && (base.contains(n) || baseRows)) {
                // frozen weights share the model's memory: a large model is held once
                s.addView(p, base.get(baseRows ? fullName(n) : n), 0);
                continue;
            }
            Parameter par = s.addInitialized(p, seed);
            if (base.contains(n)) {
                par.data().put(0, base.get(n).data(), 0, par.size());
            } else if (n.endsWith(NEW_ROWS)) {
                par.data().put(0, base.get(fullName(n)).data(), v0 * d, par.size());
            }
            // LoRA factors keep their seeded initialisation
        }
        return s;
    }

    private static String fullName(String split) {
        String stem =
                split.endsWith(BASE_ROWS)
                        ? split.substring(0, split.length() - BASE_ROWS.length())
                        : split.substring(0, split.length() - NEW_ROWS.length());
        return stem + ".weight";
    }

    /**
     * The Hugging Face weights of the trained model: LoRA merged ({@code W + (alpha/r) B A}), split
     * embedding rows concatenated; everything else copied.
     */
    public LlamaModel merged(ParameterStore trained) {
        ParameterStore out = new ParameterStore();
        for (ParameterSpec spec : LlamaParameters.specs(config)) {
            String n = spec.name();
            Parameter p = out.add(n, spec.shape(), true, spec.decay());
            String stem = n.substring(0, n.length() - ".weight".length());
            // buffer to buffer: a 0.5B model is not copied through the heap on the way
            if (trained.contains(n)) {
                p.data().put(0, trained.get(n).data(), 0, p.size());
            } else if (trained.contains(stem + BASE_ROWS)) {
                Parameter a = trained.get(stem + BASE_ROWS);
                Parameter b = trained.get(stem + NEW_ROWS);
                p.data().put(0, a.data(), 0, a.size());
                p.data().put(a.size(), b.data(), 0, b.size());
            } else {
                throw new IllegalStateException("trained store lacks '" + n + "'");
            }
            if (lora != null && trained.contains(stem + ".lora_A.weight")) {
                mergeLora(
                        p,
                        trained.get(stem + ".lora_A.weight"),
                        trained.get(stem + ".lora_B.weight"),
                        lora.scale());
            }
        }
        return new LlamaModel(config, out);
    }

    /**
     * {@link #merged} written into {@code model}'s own weights instead of a new model: the values
     * are the same, but no second copy of the weights is made (for a 0.5B model, 2 GB less and no
     * fresh pages to fault in). Frozen weights of a store from {@link #initialStore} are already
     * views of {@code model}'s memory; trained ones and new rows are copied in, and LoRA is merged
     * in place.
     *
     * @param model the model {@code trained} was made from by {@link #initialStore}; overwritten
     * @param trained the trained store
     * @return {@code model}, now holding the trained weights
     */
    public LlamaModel mergeInto(LlamaModel model, ParameterStore trained) {
        if (!model.config().equals(config)) {
            throw new IllegalArgumentException(
                    "model " + model.config() + " does not match the graph's " + config);
        }
        ParameterStore w = model.weights();
        for (ParameterSpec spec : LlamaParameters.specs(config)) {
            String n = spec.name();
            Parameter p = w.get(n);
            String stem = n.substring(0, n.length() - ".weight".length());
            if (trained.contains(n)) {
                Parameter t = trained.get(n);
                if (!t.sharesMemoryWith(p)) {
                    p.data().put(0, t.data(), 0, p.size());
                }
            } else if (trained.contains(stem + BASE_ROWS)) {
                Parameter a = trained.get(stem + BASE_ROWS);
                Parameter b = trained.get(stem + NEW_ROWS);
                if (!a.sharesMemoryWith(p)) {
                    p.data().put(0, a.data(), 0, a.size());
                }
                p.data().put(a.size(), b.data(), 0, b.size());
            } else {
                throw new IllegalStateException("trained store lacks '" + n + "'");
            }
            if (lora != null && trained.contains(stem + ".lora_A.weight")) {
                mergeLora(
                        p,
                        trained.get(stem + ".lora_A.weight"),
                        trained.get(stem + ".lora_B.weight"),
                        lora.scale());
            }
        }
        return model;
    }

    /** {@code W[o, i] += scale * sum_k B[o, k] A[k, i]} in double, rounded once. */
    static void mergeLora(Parameter w, Parameter a, Parameter b, double scale) {
        long[] ws = w.shape();
        int out = (int) ws[0];
        int in = (int) ws[1];
        int r = (int) a.shape()[0];
        FloatBuffer wd = w.data();
        float[] av = a.toArray();
        float[] bv = b.toArray();
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                double acc = 0;
                for (int k = 0; k < r; k++) {
                    acc += (double) bv[o * r + k] * av[k * in + i];
                }
                int idx = o * in + i;
                wd.put(idx, (float) (wd.get(idx) + scale * acc));
            }
        }
    }

    /** Declares weights for training: full, or LoRA with frozen base. */
    private static final class Weights implements DecoderGraph.Weights {
        private final LlamaConfig c;
        private final LoraConfig lora;
        private final int added;
        private final Tensor ids;
        private final Map<String, Tensor> declared = new HashMap<>();

        Weights(LlamaConfig c, LoraConfig lora, int added, Tensor ids) {
            this.c = c;
            this.lora = lora;
            this.added = added;
            this.ids = ids;
        }

        @Override
        public Tensor tensor(GraphBuilder g, String name, long... shape) {
            Tensor t = declared.get(name);
            if (t != null) {
                return t;
            }
            boolean matrix = shape.length >= 2;
            boolean vocabMatrix =
                    name.equals(LlamaParameters.EMBED) || name.equals(LlamaParameters.LM_HEAD);
            if (lora == null || (vocabMatrix && lora.trainAllEmbeddings())) {
                t = g.parameter(name, Init.zeros(), true, matrix, shape);
            } else if (vocabMatrix && added > 0) {
                Tensor[] parts = rows(g, name, shape[0], shape[1]);
                t = g.concat(0, parts[0], parts[1]);
            } else {
                t = g.parameter(name, Init.zeros(), false, false, shape);
            }
            declared.put(name, t);
            return t;
        }

        /** Whether the vocabulary matrices are split into frozen base rows and trained new rows. */
        private boolean splitRows() {
            return lora != null && !lora.trainAllEmbeddings() && added > 0;
        }

        /**
         * The frozen base rows {@code [vocab - added, d]} and the trained new rows {@code [added,
         * d]} of a vocabulary matrix, declared once.
         */
        private Tensor[] rows(GraphBuilder g, String name, long vocab, long d) {
            String stem = name.substring(0, name.length() - ".weight".length());
            Tensor base = declared.get(stem + BASE_ROWS);
            if (base == null) {
                base = g.parameter(stem + BASE_ROWS, Init.zeros(), false, false, vocab - added, d);
                declared.put(stem + BASE_ROWS, base);
                declared.put(
                        stem + NEW_ROWS,
                        g.parameter(stem + NEW_ROWS, Init.zeros(), true, true, added, d));
            }
            return new Tensor[] {base, declared.get(stem + NEW_ROWS)};
        }

        /**
         * With split rows, the lookup never forms the whole {@code [vocab, d]} matrix: base and new
         * tokens are gathered from their own rows and merged by a select, so the backward pass
         * scatters into the {@code [added, d]} new rows only (a gather from the concatenated matrix
         * scattered its gradient into a fresh {@code [vocab, d]} buffer every step, 545 MB at
         * Qwen2-0.5B's 151,936 x 896, and then sliced it).
         */
        @Override
        public Tensor embed(GraphBuilder g, Tensor tokenIds, long vocab, long d) {
            if (!splitRows()) {
                return DecoderGraph.Weights.super.embed(g, tokenIds, vocab, d);
            }
            Tensor[] parts = rows(g, LlamaParameters.EMBED, vocab, d);
            Tensor first = g.constant(HostTensor.filled(DType.INT64, vocab - added));
            Tensor zero = g.constant(HostTensor.filled(DType.INT64, 0));
            Tensor isNew = g.greaterOrEqual(tokenIds, first);
            Tensor base = g.gather(parts[0], g.where(isNew, zero, tokenIds), 0);
            Tensor fresh = g.gather(parts[1], g.where(isNew, g.sub(tokenIds, first), zero), 0);
            return g.where(g.unsqueeze(isNew, -1), fresh, base);
        }

        /**
         * With split rows, the head is two GEMMs whose logits are concatenated: the gradient of the
         * new rows is {@code [added, d]}, never the whole matrix's.
         */
        @Override
        public Tensor head(GraphBuilder g, Tensor hiddenRows, String name, long vocab, long d) {
            if (!splitRows()) {
                return DecoderGraph.Weights.super.head(g, hiddenRows, name, vocab, d);
            }
            Tensor[] parts = rows(g, name, vocab, d);
            return g.concat(
                    1,
                    g.gemm(hiddenRows, parts[0], null, 1f, 0f, false, true),
                    g.gemm(hiddenRows, parts[1], null, 1f, 0f, false, true));
        }

        @Override
        public Tensor project(
                GraphBuilder g, Tensor x, String prefix, long in, long out, boolean bias) {
            Tensor y = DecoderGraph.Weights.super.project(g, x, prefix, in, out, bias);
            String proj = prefix.substring(prefix.lastIndexOf('.') + 1);
            if (lora == null || !lora.targets().contains(proj)) {
                return y;
            }
            Tensor a =
                    g.parameter(
                            prefix + ".lora_A.weight",
                            Init.linearDefault(),
                            true,
                            true,
                            lora.rank(),
                            in);
            Tensor b =
                    g.parameter(
                            prefix + ".lora_B.weight", Init.zeros(), true, true, out, lora.rank());
            Tensor xd = x;
            if (lora.dropout() > 0) {
                // the mask input is [batch, seq, in] so the trainer can size it from the data
                // inputs
                Tensor x3 = g.reshape(x, g.shapeTensor(g.dimOf(ids, 0), g.dimOf(ids, 1), in));
                xd = g.reshape(g.dropout(x3, lora.dropout()), -1, in);
            }
            Tensor low = g.gemm(xd, a, null, 1f, 0f, false, true);
            Tensor delta = g.gemm(low, b, null, (float) lora.scale(), 0f, false, true);
            return g.add(y, delta);
        }
    }

    @Override
    public String toString() {
        return "SftGraph(" + config + ", lora=" + lora + ", addedTokens=" + addedTokens + ")";
    }
}
