package org.lcrec.model.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.lcrec.core.io.AtomicFiles;
import org.lcrec.core.io.FileChecks;

/**
 * The architecture of a LLaMA-family decoder (LLaMA, Qwen2/2.5, SmolLM, TinyLlama), read from and
 * written to a Hugging Face {@code config.json}.
 *
 * @param modelType {@code llama} or {@code qwen2} (decides the config.json dialect)
 * @param vocabSize embedding rows
 * @param hiddenSize model width d
 * @param intermediateSize SwiGLU inner width
 * @param numLayers decoder blocks
 * @param numHeads query heads
 * @param numKvHeads key/value heads (grouped-query attention; divides numHeads)
 * @param headDim width of one head (usually hiddenSize / numHeads)
 * @param rmsNormEps RMSNorm epsilon
 * @param ropeTheta rotary base
 * @param maxPositions maximum positions (informational; RoPE is computed in the graph)
 * @param tieWordEmbeddings whether the LM head reuses the embedding matrix
 * @param qkvBias whether q/k/v projections have biases (Qwen2: always)
 * @param outputBias whether o_proj has a bias (LLaMA {@code attention_bias})
 * @param bosTokenId begin-of-sequence id, or -1
 * @param eosTokenId end-of-sequence id, or -1
 * @param padTokenId padding id, or -1
 */
public record LlamaConfig(
        String modelType,
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int headDim,
        double rmsNormEps,
        double ropeTheta,
        int maxPositions,
        boolean tieWordEmbeddings,
        boolean qkvBias,
        boolean outputBias,
        int bosTokenId,
        int eosTokenId,
        int padTokenId) {

    /** The model types this SDK builds. */
    public static final Set<String> MODEL_TYPES = Set.of("llama", "qwen2");

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The most values one weight matrix may have: the longest float array HotSpot allocates. */
    private static final long MAX_TENSOR = Integer.MAX_VALUE - 8;

    /** Validates the fields. */
    public LlamaConfig {
        if (!MODEL_TYPES.contains(modelType)) {
            throw new IllegalArgumentException(
                    "model type: expected one of " + MODEL_TYPES + ", found '" + modelType + "'");
        }
        positive("vocabSize", vocabSize);
        positive("hiddenSize", hiddenSize);
        positive("intermediateSize", intermediateSize);
        positive("numLayers", numLayers);
        positive("numHeads", numHeads);
        positive("numKvHeads", numKvHeads);
        positive("headDim", headDim);
        if (numHeads % numKvHeads != 0) {
            throw new IllegalArgumentException(
                    "numHeads " + numHeads + " must be a multiple of numKvHeads " + numKvHeads);
        }
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("headDim must be even for RoPE, found " + headDim);
        }
        if (!(rmsNormEps > 0) || !(ropeTheta > 0)) {
            throw new IllegalArgumentException(
                    "rmsNormEps and ropeTheta must be > 0, found " + rmsNormEps + ", " + ropeTheta);
        }
        if (modelType.equals("llama") && qkvBias != outputBias) {
            throw new IllegalArgumentException(
                    "llama: attention_bias covers q, k, v and o together; found qkvBias="
                            + qkvBias
                            + ", outputBias="
                            + outputBias);
        }
        if (modelType.equals("qwen2") && (!qkvBias || outputBias)) {
            throw new IllegalArgumentException(
                    "qwen2: q/k/v projections have biases and o_proj has none; found qkvBias="
                            + qkvBias
                            + ", outputBias="
                            + outputBias);
        }
        // each matrix is one float array; the whole count must be a long
        long q = (long) numHeads * headDim;
        long kv = (long) numKvHeads * headDim;
        for (long[] m :
                new long[][] {
                    {vocabSize, hiddenSize},
                    {q, hiddenSize},
                    {kv, hiddenSize},
                    {intermediateSize, hiddenSize}
                }) {
            if (m[0] * m[1] > MAX_TENSOR) {
                throw new IllegalArgumentException(
                        "a ["
                                + m[0]
                                + ", "
                                + m[1]
                                + "] weight has "
                                + m[0] * m[1]
                                + " values, more than one float array holds ("
                                + MAX_TENSOR
                                + ")");
            }
        }
        try {
            count(
                    vocabSize,
                    hiddenSize,
                    intermediateSize,
                    numLayers,
                    q,
                    kv,
                    qkvBias,
                    outputBias,
                    tieWordEmbeddings);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(
                    "the parameter count of "
                            + numLayers
                            + " layers of width "
                            + hiddenSize
                            + " overflows a 64-bit integer");
        }
        for (int id : new int[] {bosTokenId, eosTokenId, padTokenId}) {
            if (id < -1 || id >= vocabSize) {
                throw new IllegalArgumentException(
                        "special token id " + id + " outside the vocabulary of " + vocabSize);
            }
        }
    }

    private static void positive(String what, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(what + " must be > 0, found " + v);
        }
    }

    /** Query heads per key/value head. */
    public int groupSize() {
        return numHeads / numKvHeads;
    }

    /** A copy with another vocabulary size (after vocabulary extension). */
    public LlamaConfig withVocabSize(int v) {
        return toBuilder().vocabSize(v).build();
    }

    /** A builder with LLaMA defaults (eps 1e-6, theta 10000, untied, no biases). */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder initialised from this config. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.modelType = modelType;
        b.vocabSize = vocabSize;
        b.hiddenSize = hiddenSize;
        b.intermediateSize = intermediateSize;
        b.numLayers = numLayers;
        b.numHeads = numHeads;
        b.numKvHeads = numKvHeads;
        b.headDim = headDim;
        b.rmsNormEps = rmsNormEps;
        b.ropeTheta = ropeTheta;
        b.maxPositions = maxPositions;
        b.tieWordEmbeddings = tieWordEmbeddings;
        b.qkvBias = qkvBias;
        b.outputBias = outputBias;
        b.bosTokenId = bosTokenId;
        b.eosTokenId = eosTokenId;
        b.padTokenId = padTokenId;
        return b;
    }

    /** Builder for {@link LlamaConfig}. */
    public static final class Builder {
        private String modelType = "llama";
        private int vocabSize = 32000;
        private int hiddenSize = 256;
        private int intermediateSize = 688;
        private int numLayers = 4;
        private int numHeads = 4;
        private int numKvHeads = -1;
        private int headDim = -1;
        private double rmsNormEps = 1e-6;
        private double ropeTheta = 10000;
        private int maxPositions = 2048;
        private boolean tieWordEmbeddings;
        private boolean qkvBias;
        private boolean outputBias;
        private int bosTokenId = -1;
        private int eosTokenId = -1;
        private int padTokenId = -1;

        private Builder() {}

        /** {@code llama} or {@code qwen2}; qwen2 turns on q/k/v biases. */
        public Builder modelType(String t) {
            this.modelType = t;
            if (t.equals("qwen2")) {
                qkvBias = true;
                outputBias = false;
            }
            return this;
        }

        public Builder vocabSize(int v) {
            this.vocabSize = v;
            return this;
        }

        public Builder hiddenSize(int v) {
            this.hiddenSize = v;
            return this;
        }

        public Builder intermediateSize(int v) {
            this.intermediateSize = v;
            return this;
        }

        public Builder numLayers(int v) {
            this.numLayers = v;
            return this;
        }

        public Builder numHeads(int v) {
            this.numHeads = v;
            return this;
        }

        /** Key/value heads; defaults to numHeads. */
        public Builder numKvHeads(int v) {
            this.numKvHeads = v;
            return this;
        }

        /** Head width; defaults to hiddenSize / numHeads. */
        public Builder headDim(int v) {
            this.headDim = v;
            return this;
        }

        public Builder rmsNormEps(double v) {
            this.rmsNormEps = v;
            return this;
        }

        public Builder ropeTheta(double v) {
            this.ropeTheta = v;
            return this;
        }

        public Builder maxPositions(int v) {
            this.maxPositions = v;
            return this;
        }

        public Builder tieWordEmbeddings(boolean v) {
            this.tieWordEmbeddings = v;
            return this;
        }

        /** LLaMA's {@code attention_bias}: biases on q, k, v and o. */
        public Builder attentionBias(boolean v) {
            this.qkvBias = v;
            this.outputBias = v;
            return this;
        }

        public Builder bosTokenId(int v) {
            this.bosTokenId = v;
            return this;
        }

        public Builder eosTokenId(int v) {
            this.eosTokenId = v;
            return this;
        }

        public Builder padTokenId(int v) {
            this.padTokenId = v;
            return this;
        }

        public LlamaConfig build() {
            int kv = numKvHeads < 0 ? numHeads : numKvHeads;
            int hd = headDim < 0 ? (numHeads > 0 ? hiddenSize / numHeads : 0) : headDim;
            return new LlamaConfig(
                    modelType,
                    vocabSize,
                    hiddenSize,
                    intermediateSize,
                    numLayers,
                    numHeads,
                    kv,
                    hd,
                    rmsNormEps,
                    ropeTheta,
                    maxPositions,
                    tieWordEmbeddings,
                    qkvBias,
                    outputBias,
                    bosTokenId,
                    eosTokenId,
                    padTokenId);
        }
    }

    // ------------------------------------------------------------------ config.json

    /** The {@code architectures} entries accepted in config.json. */
    private static final Set<String> ARCHITECTURES = Set.of("LlamaForCausalLM", "Qwen2ForCausalLM");

    /**
     * Reads a Hugging Face {@code config.json}.
     *
     * @throws CheckpointException naming the file and key when a field is missing, malformed or
     *     names an architecture feature this SDK does not implement (rope scaling, other
     *     activations, MLP biases, sliding windows)
     */
    public static LlamaConfig read(Path configJson) {
        JsonNode n;
        try {
            n = JSON.readTree(Files.readString(configJson, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CheckpointException(
                    configJson + ": cannot read: " + FileChecks.describe(e), e);
        }
        if (n == null || !n.isObject()) {
            throw new CheckpointException(configJson + ": expected a JSON object");
        }
        return fromJson(n, configJson.toString());
    }

    /** Parses a config.json tree; {@code where} names the source in messages. */
    public static LlamaConfig fromJson(JsonNode n, String where) {
        String type = text(n, "model_type", where, null);
        if (!MODEL_TYPES.contains(type)) {
            throw new CheckpointException(
                    where
                            + ": model_type: expected one of "
                            + MODEL_TYPES
                            + ", found '"
                            + FileChecks.abbreviate(type)
                            + "'");
        }
        JsonNode arch = n.get("architectures");
        if (arch != null && arch.isArray()) {
            for (JsonNode a : arch) {
                if (!ARCHITECTURES.contains(a.asText())) {
                    throw new CheckpointException(
                            where
                                    + ": architectures: expected one of "
                                    + ARCHITECTURES
                                    + ", found '"
                                    + FileChecks.abbreviate(a.asText())
                                    + "'");
                }
            }
        }
        checkUnsupported(n, where);
        int hidden = integer(n, "hidden_size", where, null);
        int heads = integer(n, "num_attention_heads", where, null);
        Builder b =
                builder()
                        .modelType(type)
                        .vocabSize(integer(n, "vocab_size", where, null))
                        .hiddenSize(hidden)
                        .intermediateSize(integer(n, "intermediate_size", where, null))
                        .numLayers(integer(n, "num_hidden_layers", where, null))
                        .numHeads(heads)
                        .numKvHeads(integer(n, "num_key_value_heads", where, heads))
                        .headDim(integer(n, "head_dim", where, hidden / Math.max(1, heads)))
                        .rmsNormEps(number(n, "rms_norm_eps", where, 1e-6))
                        .ropeTheta(number(n, "rope_theta", where, 10000.0))
                        .maxPositions(integer(n, "max_position_embeddings", where, 2048))
                        .tieWordEmbeddings(bool(n, "tie_word_embeddings", where, false))
                        .bosTokenId(tokenId(n, "bos_token_id", where))
                        .eosTokenId(tokenId(n, "eos_token_id", where))
                        .padTokenId(tokenId(n, "pad_token_id", where));
        if (type.equals("llama")) {
            b.attentionBias(bool(n, "attention_bias", where, false));
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(where + ": " + e.getMessage(), e);
        }
    }

    private static void checkUnsupported(JsonNode n, String where) {
        JsonNode rs = n.get("rope_scaling");
        if (rs != null && !rs.isNull()) {
            throw new CheckpointException(
                    where
                            + ": rope_scaling: only null (plain RoPE) is supported, found "
                            + FileChecks.abbreviate(rs));
        }
        JsonNode act = n.get("hidden_act");
        if (act != null && !act.asText().equals("silu")) {
            throw new CheckpointException(
                    where
                            + ": hidden_act: only 'silu' (SwiGLU) is supported, found '"
                            + FileChecks.abbreviate(act.asText())
                            + "'");
        }
        if (bool(n, "mlp_bias", where, false)) {
            throw new CheckpointException(
                    where + ": mlp_bias: only false is supported, found true");
        }
        if (bool(n, "use_sliding_window", where, false)) {
            throw new CheckpointException(
                    where + ": use_sliding_window: only false is supported, found true");
        }
        JsonNode pt = n.get("pretraining_tp");
        if (pt != null && pt.asInt(1) != 1) {
            throw new CheckpointException(
                    where
                            + ": pretraining_tp: only 1 is supported, found "
                            + FileChecks.abbreviate(pt));
        }
    }

    private static JsonNode field(JsonNode n, String key, String where, boolean required) {
        JsonNode v = n.get(key);
        if ((v == null || v.isNull()) && required) {
            throw new CheckpointException(where + ": missing required key '" + key + "'");
        }
        return v == null || v.isNull() ? null : v;
    }

    private static String text(JsonNode n, String key, String where, String dflt) {
        JsonNode v = field(n, key, where, dflt == null);
        return v == null ? dflt : v.asText();
    }

    /** A size field: an integer in [1, 2^31 - 1], written without a fraction or exponent. */
    private static int integer(JsonNode n, String key, String where, Integer dflt) {
        JsonNode v = field(n, key, where, dflt == null);
        if (v == null) {
            return dflt;
        }
        return strictInt(v, 1, key, where);
    }

    /**
     * @return {@code v} as an int in {@code [min, Integer.MAX_VALUE]}
     * @throws CheckpointException naming the file and key if {@code v} is not an integral JSON
     *     number in that range (a double such as {@code 1e20} or {@code 16.5} is not)
     */
    private static int strictInt(JsonNode v, int min, String key, String where) {
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < min) {
            throw new CheckpointException(
                    where
                            + ": "
                            + key
                            + ": expected an integer in ["
                            + min
                            + ", "
                            + Integer.MAX_VALUE
                            + "], found "
                            + FileChecks.abbreviate(v));
        }
        return v.intValue();
    }

    private static double number(JsonNode n, String key, String where, double dflt) {
        JsonNode v = field(n, key, where, false);
        if (v == null) {
            return dflt;
        }
        if (!v.isNumber()) {
            throw new CheckpointException(where + ": " + key + ": expected a number, found " + v);
        }
        return v.asDouble();
    }

    private static boolean bool(JsonNode n, String key, String where, boolean dflt) {
        JsonNode v = field(n, key, where, false);
        if (v == null) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw new CheckpointException(
                    where
                            + ": "
                            + key
                            + ": expected true or false, found "
                            + FileChecks.abbreviate(v));
        }
        return v.asBoolean();
    }

    private static int tokenId(JsonNode n, String key, String where) {
        JsonNode v = field(n, key, where, false);
        if (v == null) {
            return -1;
        }
        if (v.isArray()) {
            // e.g. Llama 3 lists several end tokens; the first is the one appended in training
            Iterator<JsonNode> it = v.elements();
            return it.hasNext() ? strictInt(it.next(), -1, key + "[0]", where) : -1;
        }
        return strictInt(v, -1, key, where);
    }

    /** This config as a Hugging Face config.json tree (float32 weights). */
    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.putArray("architectures")
                .add(modelType.equals("qwen2") ? "Qwen2ForCausalLM" : "LlamaForCausalLM");
        o.put("model_type", modelType);
        o.put("vocab_size", vocabSize);
        o.put("hidden_size", hiddenSize);
        o.put("intermediate_size", intermediateSize);
        o.put("num_hidden_layers", numLayers);
        o.put("num_attention_heads", numHeads);
        o.put("num_key_value_heads", numKvHeads);
        o.put("head_dim", headDim);
        o.put("hidden_act", "silu");
        o.put("rms_norm_eps", rmsNormEps);
        o.put("rope_theta", ropeTheta);
        o.putNull("rope_scaling");
        o.put("max_position_embeddings", maxPositions);
        o.put("tie_word_embeddings", tieWordEmbeddings);
        if (modelType.equals("llama")) {
            o.put("attention_bias", qkvBias);
            o.put("mlp_bias", false);
        } else {
            o.put("use_sliding_window", false);
        }
        for (Map.Entry<String, Integer> e :
                Map.of(
                                "bos_token_id",
                                bosTokenId,
                                "eos_token_id",
                                eosTokenId,
                                "pad_token_id",
                                padTokenId)
                        .entrySet()) {
            if (e.getValue() >= 0) {
                o.put(e.getKey(), e.getValue());
            }
        }
        o.put("torch_dtype", "float32");
        o.put("use_cache", true);
        return o;
    }

    /** Writes config.json atomically. */
    public void write(Path configJson) {
        try {
            String s = JSON.writeValueAsString(toJson()) + "\n";
            AtomicFiles.writeString(configJson, s);
        } catch (IOException e) {
            throw new CheckpointException(configJson + ": cannot write: " + e.getMessage(), e);
        }
    }

    /** Number of parameters (HF counting: the tied head is not counted twice). */
    public long parameterCount() {
        return count(
                vocabSize,
                hiddenSize,
                intermediateSize,
                numLayers,
                (long) numHeads * headDim,
                (long) numKvHeads * headDim,
                qkvBias,
                outputBias,
                tieWordEmbeddings);
    }

    /**
     * The parameter count, overflow-checked: every factor is below 2^31, so a product of two fits
     * in a long; the sums and the multiplication by the layer count are checked.
     *
     * @throws ArithmeticException if the count overflows a long
     */
    private static long count(
            long vocab,
            long d,
            long ffn,
            long layers,
            long q,
            long kv,
            boolean qkvBias,
            boolean outputBias,
            boolean tied) {
        long attn =
                Math.addExact(
                        Math.addExact(Math.multiplyExact(2 * d, q), Math.multiplyExact(2 * d, kv)),
                        (qkvBias ? q + 2 * kv : 0) + (outputBias ? d : 0));
        long mlp = Math.multiplyExact(3 * d, ffn);
        long layer = Math.addExact(Math.addExact(attn, mlp), 2 * d);
        long emb = vocab * d;
        return Math.addExact(
                Math.addExact(emb, tied ? 0 : emb),
                Math.addExact(Math.multiplyExact(layers, layer), d));
    }

    @Override
    public String toString() {
        return "LlamaConfig(type="
                + modelType
                + ", vocab="
                + vocabSize
                + ", d="
                + hiddenSize
                + ", ffn="
                + intermediateSize
                + ", layers="
                + numLayers
                + ", heads="
                + numHeads
                + ", kvHeads="
                + numKvHeads
                + ", headDim="
                + headDim
                + ", eps="
                + rmsNormEps
                + ", theta="
                + ropeTheta
                + ", tied="
                + tieWordEmbeddings
                + ", qkvBias="
                + qkvBias
                + ", oBias="
                + outputBias
                + ", eos="
                + eosTokenId
                + ")";
    }
}
