package org.lcrec.model.sasrec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lcrec.core.MalformedFileException;
import org.lcrec.core.UnknownItemPolicy;
import org.lcrec.core.io.AtomicFiles;
import org.lcrec.onnx.DType;
import org.lcrec.onnx.HostTensor;
import org.lcrec.onnx.OnnxExport;
import org.lcrec.onnx.Parameter;
import org.lcrec.onnx.ParameterSpec;
import org.lcrec.onnx.ParameterStore;
import org.lcrec.onnx.Safetensors;
import org.lcrec.onnx.runtime.DirectTensor;
import org.lcrec.onnx.runtime.InferenceSession;
import org.lcrec.onnx.runtime.SessionConfig;

/**
 * A trained SASRec: scores every item after a history with one ONNX Runtime call per batch of
 * histories (see {@link SasRecGraph} for the architecture).
 *
 * <p>Histories are item ids, oldest first. Only the most recent {@code maxLength} items are read.
 * Items the model does not know are handled by an {@link UnknownItemPolicy} ({@link
 * UnknownItemPolicy#FAIL} in the single-history methods); an empty history is an error. Scores are
 * indexed like {@link #items()} (ascending ids); rankings order by score, then by lower id. A
 * history's scores may differ in the last bits with the batch it is scored in (padding to another
 * length changes how ORT blocks its kernels); the same batch always gives the same scores.
 *
 * <p>Files ({@link #save}): a directory with {@value #CONFIG_FILE} (format {@value #FORMAT},
 * version {@value #VERSION}, the configuration and the training history) and {@value #WEIGHTS_FILE}
 * (every parameter as F32 and the item ids as {@value #ITEM_IDS}, I32 in row order).
 *
 * @implNote holds an ORT session: close it. Scoring and recommending are safe to call from several
 *     threads; a batch of {@code b} histories takes {@code b * items} floats of scores, and batches
 *     are split so that one call holds at most {@value #MAX_SCORES_PER_CALL} of them.
 */
public final class SasRecModel implements AutoCloseable {
    /** The configuration file of a saved model. */
    public static final String CONFIG_FILE = "sasrec.json";

    /** The weights file of a saved model. */
    public static final String WEIGHTS_FILE = "model.safetensors";

    /** The format name in {@value #CONFIG_FILE}. */
    public static final String FORMAT = "lcrec-sasrec";

    /** The format version this build writes and reads. */
    public static final int VERSION = 1;

    /** The tensor of item ids in {@value #WEIGHTS_FILE}. */
    static final String ITEM_IDS = "item_ids";

    /** Histories per ORT call at most (more gain nothing on CPU). */
    static final int MAX_ROWS_PER_CALL = 256;

    /** Scores per ORT call at most (16 MB of floats), which bounds memory for large catalogues. */
    static final int MAX_SCORES_PER_CALL = 1 << 22;

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final SasRecConfig config;
    private final ItemVocabulary vocab;
    private final ParameterStore store;
    private final SasRecHistory history;
    private final InferenceSession session;
    private final Map<String, DirectTensor> parameterFeeds = new LinkedHashMap<>();
    private final int rowsPerCall;
    private volatile boolean closed;

    /**
     * A model over trained parameters; the session gets a copy of their values (later changes to
     * {@code store} do not reach it).
     */
    SasRecModel(
            SasRecConfig config,
            ItemVocabulary vocab,
            ParameterStore store,
            SasRecHistory history) {
        this(config, vocab, store, history, false);
    }

    /**
     * A model that reads the parameters from {@code store} at every call (fed to ORT without
     * copying), so one session follows a training run; the trainer's validation uses it.
     */
    static SasRecModel following(SasRecConfig config, ItemVocabulary vocab, ParameterStore store) {
        return new SasRecModel(config, vocab, store, null, true);
    }

    private SasRecModel(
            SasRecConfig config,
            ItemVocabulary vocab,
            ParameterStore store,
            SasRecHistory history,
            boolean live) {
        this.config = config;
        this.vocab = vocab;
        this.store = store;
        this.history = history;
        OnnxExport.Builder export =
                OnnxExport.builder().parameterValues(store).outputs(List.of(SasRecGraph.SCORES));
        if (live) {
            export.parametersAsInputs(store.names());
        }
        byte[] model = export.build().toBytes(SasRecGraph.inference(vocab.size(), config));
        this.session =
                InferenceSession.create(
                        model, SessionConfig.cpu().withIntraOpThreads(config.numThreads()));
        if (live) {
            for (Parameter p : store.all()) {
                parameterFeeds.put(p.name(), DirectTensor.wrap(p.data(), p.shape()));
            }
        }
        this.rowsPerCall =
                Math.max(1, Math.min(MAX_ROWS_PER_CALL, MAX_SCORES_PER_CALL / vocab.size()));
    }

    /**
     * @return the configuration it was built and trained with
     */
    public SasRecConfig config() {
        return config;
    }

    /**
     * @return how it was trained
     */
    public SasRecHistory history() {
        return history;
    }

    /**
     * @return the item ids it scores, ascending; {@code scores(h)[j]} is the score of {@code
     *     items()[j]}
     */
    public int[] items() {
        return vocab.ids();
    }

    /**
     * @return the number of items
     */
    public int itemCount() {
        return vocab.size();
    }

    /**
     * @param item an item id
     * @return whether the model has an embedding for it
     */
    public boolean knows(int item) {
        return vocab.row(item) >= 0;
    }

    /** The parameters (package-private: tests compare and edit them). */
    ParameterStore parameters() {
        return store;
    }

    ItemVocabulary vocabulary() {
        return vocab;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("SasRecModel is closed");
        }
    }

    // ------------------------------------------------------------------ scoring

    /**
     * Scores every item after one history.
     *
     * @param history item ids, oldest first; every id must be known
     * @return scores indexed like {@link #items()}
     * @throws IllegalArgumentException when the history is empty or holds an unknown item
     */
    public float[] scores(int[] history) {
        return scores(List.of(history), UnknownItemPolicy.FAIL)[0];
    }

    /**
     * Scores every item after each history, one ORT call per batch.
     *
     * @param histories item ids per history, oldest first
     * @param policy what to do with unknown items
     * @return per history, scores indexed like {@link #items()}
     * @throws IllegalArgumentException when a history is empty (after skipping) or, under {@link
     *     UnknownItemPolicy#FAIL}, holds an unknown item; the message gives its index
     */
    public float[][] scores(List<int[]> histories, UnknownItemPolicy policy) {
        int[][] rows = toRows(histories, policy);
        int n = vocab.size();
        float[][] out = new float[rows.length][];
        scoreRows(
                rows, (i, block, offset) -> out[i] = Arrays.copyOfRange(block, offset, offset + n));
        return out;
    }

    /**
     * The {@code k} best items after one history.
     *
     * @param history item ids, oldest first; every id must be known
     * @param k how many items (fewer when fewer are allowed)
     * @param excludeHistory whether items of the history are left out
     * @return item ids, best first; ties go to the lower id
     * @throws IllegalArgumentException when {@code k < 1}, the history is empty or holds an unknown
     *     item
     */
    public int[] recommend(int[] history, int k, boolean excludeHistory) {
        return recommend(List.of(history), k, excludeHistory, UnknownItemPolicy.FAIL)[0];
    }

    /**
     * The {@code k} best items after each history, one ORT call per batch.
     *
     * @param histories item ids per history, oldest first
     * @param k how many items per history (fewer when fewer are allowed)
     * @param excludeHistory whether items of each history are left out of its list
     * @param policy what to do with unknown items
     * @return item ids per history, best first; ties go to the lower id
     */
    public int[][] recommend(
            List<int[]> histories, int k, boolean excludeHistory, UnknownItemPolicy policy) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, found " + k);
        }
        int[][] rows = toRows(histories, policy);
        int n = vocab.size();
        int[][] out = new int[rows.length][];
        scoreRows(
                rows,
                (i, block, offset) -> {
                    boolean[] excluded = excludeHistory ? excluded(rows[i]) : null;
                    int[] top = Ranking.topK(block, offset, n, k, excluded);
                    for (int j = 0; j < top.length; j++) {
                        top[j] = vocab.id(top[j]);
                    }
                    out[i] = top;
                });
        return out;
    }

    /**
     * Mean NDCG@{@code k} of the targets after their histories (the trainer's validation metric).
     *
     * @param rows histories as item rows + 1
     * @param targets the item row (0-based) to find per history, -1 when the item is unknown
     * @param excludeHistory whether history items are left out of the ranking
     */
    double ndcg(int[][] rows, int[] targets, int k, boolean excludeHistory) {
        int n = vocab.size();
        double[] sum = {0};
        scoreRows(
                rows,
                (i, block, offset) -> {
                    boolean[] ex = excludeHistory ? excluded(rows[i]) : null;
                    int rank = Ranking.rank(block, offset, n, targets[i], ex);
                    if (rank <= k) {
                        sum[0] += 1 / (Math.log(rank + 1) / Math.log(2));
                    }
                });
        return rows.length == 0 ? 0 : sum[0] / rows.length;
    }

    private boolean[] excluded(int[] rows) {
        boolean[] e = new boolean[vocab.size()];
        for (int r : rows) {
            e[r - 1] = true;
        }
        return e;
    }

    @FunctionalInterface
    private interface RowConsumer {
        void accept(int history, float[] block, int offset);
    }

    /** Histories as item rows + 1 (all known items, oldest first; the graph reads the last L). */
    private int[][] toRows(List<int[]> histories, UnknownItemPolicy policy) {
        if (policy == null) {
            throw new IllegalArgumentException("policy must not be null");
        }
        int[][] rows = new int[histories.size()][];
        for (int h = 0; h < rows.length; h++) {
            int[] items = histories.get(h);
            if (items == null || items.length == 0) {
                throw new IllegalArgumentException(
                        "history " + h + " is empty: SASRec needs at least one item");
            }
            int[] r = new int[items.length];
            int n = 0;
            for (int i = 0; i < items.length; i++) {
                int row = vocab.row(items[i]);
                if (row >= 0) {
                    r[n++] = row + 1;
                } else if (policy == UnknownItemPolicy.FAIL) {
                    throw new IllegalArgumentException(
                            "history "
                                    + h
                                    + ": item "
                                    + items[i]
                                    + " at position "
                                    + i
                                    + " is not one of the model's "
                                    + vocab.size()
                                    + " items (UnknownItemPolicy.SKIP leaves such items out)");
                }
            }
            if (n == 0) {
                throw new IllegalArgumentException(
                        "history "
                                + h
                                + ": none of its "
                                + items.length
                                + " items is known to the model, so nothing is left to score"
                                + " from");
            }
            rows[h] = n == r.length ? r : Arrays.copyOf(r, n);
        }
        return rows;
    }

    /** Runs the graph on batches of histories and hands each history's scores to {@code out}. */
    private void scoreRows(int[][] rows, RowConsumer out) {
        checkOpen();
        int n = vocab.size();
        int maxLength = config.maxLength();
        for (int from = 0; from < rows.length; from += rowsPerCall) {
            int b = Math.min(rowsPerCall, rows.length - from);
            int t = 0;
            for (int i = 0; i < b; i++) {
                t = Math.max(t, Math.min(maxLength, rows[from + i].length));
            }
            long[] ids = new long[b * t];
            long[] pos = new long[b * t];
            for (int i = 0; i < b; i++) {
                int[] r = rows[from + i];
                int m = Math.min(maxLength, r.length);
                int offset = t - m;
                for (int j = 0; j < t; j++) {
                    pos[i * t + j] = maxLength - t + j;
                }
                for (int j = 0; j < m; j++) {
                    ids[i * t + offset + j] = r[r.length - m + j];
                }
            }
            Map<String, Object> feeds = new LinkedHashMap<>(parameterFeeds);
            feeds.put(SasRecGraph.INPUT_IDS, HostTensor.ofLongs(ids, b, t));
            feeds.put(SasRecGraph.POSITION_IDS, HostTensor.ofLongs(pos, b, t));
            float[] block = session.run(feeds).get(SasRecGraph.SCORES).toFloatArray();
            for (int i = 0; i < b; i++) {
                out.accept(from + i, block, i * n);
            }
        }
    }

    // ------------------------------------------------------------------ files

    /**
     * Writes {@value #WEIGHTS_FILE} and then {@value #CONFIG_FILE} into {@code dir}, each
     * atomically (a directory with the configuration file is complete).
     *
     * @param dir the directory, created when missing
     */
    public void save(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("creating " + dir, e);
        }
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        for (Parameter p : store.all()) {
            tensors.put(p.name(), p.toHostTensor());
        }
        tensors.put(ITEM_IDS, HostTensor.ofInts(vocab.ids(), vocab.size()));
        Safetensors.write(
                dir.resolve(WEIGHTS_FILE),
                tensors,
                Map.of("format", FORMAT, "version", Integer.toString(VERSION)));
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("items", vocab.size());
        root.set("config", configToJson(config));
        root.set("history", historyToJson(history));
        String text;
        try {
            text = JSON.writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AtomicFiles.writeString(dir.resolve(CONFIG_FILE), text + "\n");
    }

    /**
     * Loads a model written by {@link #save}.
     *
     * @param dir the directory
     * @return the model (close it)
     * @throws SasRecException naming the file and the key or tensor when the directory is not a
     *     SASRec model of a known version, a tensor is missing, mis-shaped or holds NaN or infinity
     */
    public static SasRecModel load(Path dir) {
        Path cfgFile = dir.resolve(CONFIG_FILE);
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(cfgFile, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new SasRecException(
                    dir + ": not a SASRec model directory (no " + CONFIG_FILE + ")", e);
        } catch (IOException e) {
            throw new SasRecException(cfgFile + ": cannot read: " + e.getMessage(), e);
        }
        String format = root.path("format").asText("");
        if (!FORMAT.equals(format)) {
            throw new SasRecException(
                    cfgFile + ": format: expected \"" + FORMAT + "\", found \"" + format + "\"");
        }
        JsonNode version = root.path("version");
        if (!version.isInt() || version.asInt() != VERSION) {
            throw new SasRecException(
                    cfgFile
                            + ": unknown "
                            + FORMAT
                            + " version "
                            + version
                            + " (this build reads version "
                            + VERSION
                            + ")");
        }
        SasRecConfig config = configFromJson(root.path("config"), cfgFile);
        SasRecHistory history = historyFromJson(root.path("history"), cfgFile);
        int items = requireInt(root, "items", cfgFile);

        Path wFile = dir.resolve(WEIGHTS_FILE);
        Safetensors.Contents c;
        try {
            c = Safetensors.read(wFile);
        } catch (UncheckedIOException | MalformedFileException e) {
            throw new SasRecException(wFile + ": cannot read: " + e.getMessage(), e);
        }
        HostTensor idTensor = c.tensors().get(ITEM_IDS);
        if (idTensor == null || idTensor.shape().length != 1 || idTensor.shape()[0] != items) {
            throw new SasRecException(
                    wFile
                            + ": tensor '"
                            + ITEM_IDS
                            + "': expected shape ["
                            + items
                            + "] (the item count of "
                            + CONFIG_FILE
                            + "), found "
                            + (idTensor == null ? "none" : Arrays.toString(idTensor.shape())));
        }
        long[] idsLong = idTensor.toLongArray();
        int[] ids = new int[items];
        for (int i = 0; i < items; i++) {
            ids[i] = (int) idsLong[i];
            if (ids[i] != idsLong[i] || (i > 0 && ids[i] <= ids[i - 1])) {
                throw new SasRecException(
                        wFile
                                + ": tensor '"
                                + ITEM_IDS
                                + "': expected strictly ascending int ids, found "
                                + idsLong[i]
                                + " at index "
                                + i);
            }
        }
        checkSizes(wFile, c, config, items);
        List<ParameterSpec> specs = SasRecGraph.parameters(items, config);
        List<String> unexpected = new ArrayList<>(c.tensors().keySet());
        unexpected.remove(ITEM_IDS);
        for (ParameterSpec s : specs) {
            unexpected.remove(s.name());
            HostTensor t = c.tensors().get(s.name());
            if (t == null) {
                throw new SasRecException(wFile + ": tensor '" + s.name() + "' is missing");
            }
            if (!Arrays.equals(t.shape(), s.shape())) {
                throw new SasRecException(
                        wFile
                                + ": tensor '"
                                + s.name()
                                + "': expected shape "
                                + Arrays.toString(s.shape())
                                + ", found "
                                + Arrays.toString(t.shape()));
            }
            if (t.dtype() != DType.FLOAT) {
                throw new SasRecException(
                        wFile + ": tensor '" + s.name() + "': expected F32, found " + t.dtype());
            }
        }
        if (!unexpected.isEmpty()) {
            throw new SasRecException(wFile + ": unexpected tensors " + unexpected);
        }
        // allocated only now that every shape the config implies is backed by the file
        ParameterStore store = ParameterStore.initialize(specs, 0);
        for (ParameterSpec s : specs) {
            float[] v = c.tensors().get(s.name()).toFloatArray();
            for (int i = 0; i < v.length; i++) {
                if (!Float.isFinite(v[i])) {
                    throw new SasRecException(
                            wFile
                                    + ": tensor '"
                                    + s.name()
                                    + "': expected finite values, found "
                                    + v[i]
                                    + " at index "
                                    + i);
                }
            }
            store.get(s.name()).set(v);
        }
        return new SasRecModel(config, ItemVocabulary.of(ids), store, history);
    }

    /**
     * The sizes in the config (width, positions, blocks) must be those of the weights before the
     * graph they describe is built: a config edited to 65,536 blocks or a width of 2^30 would
     * otherwise allocate gigabytes before any tensor is compared.
     */
    private static void checkSizes(
            Path wFile, Safetensors.Contents c, SasRecConfig config, int items) {
        HostTensor pos = c.tensors().get(SasRecGraph.POSITION_EMBEDDING);
        long[] expected = {config.maxLength(), config.hiddenSize()};
        if (pos == null || !Arrays.equals(pos.shape(), expected)) {
            throw new SasRecException(
                    wFile
                            + ": tensor '"
                            + SasRecGraph.POSITION_EMBEDDING
                            + "': expected shape "
                            + Arrays.toString(expected)
                            + " (maxLength, hiddenSize of "
                            + CONFIG_FILE
                            + "), found "
                            + (pos == null ? "none" : Arrays.toString(pos.shape())));
        }
        java.util.Set<String> blocks = new java.util.TreeSet<>();
        for (String name : c.tensors().keySet()) {
            if (name.startsWith("blocks.")) {
                int dot = name.indexOf('.', "blocks.".length());
                blocks.add(dot < 0 ? name : name.substring(0, dot));
            }
        }
        if (blocks.size() != config.numBlocks()) {
            throw new SasRecException(
                    wFile
                            + ": expected the tensors of "
                            + config.numBlocks()
                            + " blocks (numBlocks of "
                            + CONFIG_FILE
                            + "), found "
                            + blocks.size());
        }
    }

    private static int requireInt(JsonNode n, String key, Path file) {
        JsonNode v = n.get(key);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new SasRecException(
                    file
                            + ": "
                            + key
                            + ": expected an integer, found "
                            + (v == null ? "nothing" : v));
        }
        return v.asInt();
    }

    private static double requireDouble(JsonNode n, String key, Path file) {
        JsonNode v = n.get(key);
        if (v == null || !v.isNumber()) {
            throw new SasRecException(
                    file
                            + ": "
                            + key
                            + ": expected a number, found "
                            + (v == null ? "nothing" : v));
        }
        return v.asDouble();
    }

    private static boolean requireBoolean(JsonNode n, String key, Path file) {
        JsonNode v = n.get(key);
        if (v == null || !v.isBoolean()) {
            throw new SasRecException(
                    file
                            + ": "
                            + key
                            + ": expected true or false, found "
                            + (v == null ? "nothing" : v));
        }
        return v.asBoolean();
    }

    private static String requireText(JsonNode n, String key, Path file) {
        JsonNode v = n.get(key);
        if (v == null || !v.isTextual()) {
            throw new SasRecException(
                    file
                            + ": "
                            + key
                            + ": expected a string, found "
                            + (v == null ? "nothing" : v));
        }
        return v.asText();
    }

    static ObjectNode configToJson(SasRecConfig c) {
        ObjectNode o = JSON.createObjectNode();
        o.put("maxLength", c.maxLength());
        o.put("hiddenSize", c.hiddenSize());
        o.put("numBlocks", c.numBlocks());
        o.put("numHeads", c.numHeads());
        o.put("dropout", c.dropout());
        o.put("learningRate", c.learningRate());
        o.put("weightDecay", c.weightDecay());
        o.put("batchSize", c.batchSize());
        o.put("maxEpochs", c.maxEpochs());
        o.put("warmupSteps", c.warmupSteps());
        o.put("clipNorm", c.clipNorm());
        o.put("loss", c.loss().name());
        o.put("windows", c.windows().name());
        o.put("validationUsers", c.validationUsers());
        o.put("excludeHistory", c.excludeHistory());
        o.put("patience", c.patience());
        o.put("seed", c.seed());
        o.put("numThreads", c.numThreads());
        return o;
    }

    static SasRecConfig configFromJson(JsonNode o, Path file) {
        if (!o.isObject()) {
            throw new SasRecException(file + ": config: expected an object, found " + o);
        }
        try {
            return SasRecConfig.builder()
                    .maxLength(requireInt(o, "maxLength", file))
                    .hiddenSize(requireInt(o, "hiddenSize", file))
                    .numBlocks(requireInt(o, "numBlocks", file))
                    .numHeads(requireInt(o, "numHeads", file))
                    .dropout(requireDouble(o, "dropout", file))
                    .learningRate(requireDouble(o, "learningRate", file))
                    .weightDecay(requireDouble(o, "weightDecay", file))
                    .batchSize(requireInt(o, "batchSize", file))
                    .maxEpochs(requireInt(o, "maxEpochs", file))
                    .warmupSteps(requireInt(o, "warmupSteps", file))
                    .clipNorm(requireDouble(o, "clipNorm", file))
                    .loss(TrainingLoss.valueOf(requireText(o, "loss", file)))
                    .windows(WindowPolicy.valueOf(requireText(o, "windows", file)))
                    .validationUsers(requireInt(o, "validationUsers", file))
                    .excludeHistory(requireBoolean(o, "excludeHistory", file))
                    .patience(requireInt(o, "patience", file))
                    .seed(o.path("seed").asLong())
                    .numThreads(requireInt(o, "numThreads", file))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new SasRecException(file + ": config: " + e.getMessage(), e);
        }
    }

    private static ObjectNode historyToJson(SasRecHistory h) {
        ObjectNode o = JSON.createObjectNode();
        doubles(o.putArray("epochLoss"), h.epochLoss());
        doubles(o.putArray("epochSeconds"), h.epochSeconds());
        doubles(o.putArray("validationNdcg"), h.validationNdcg());
        o.put("bestEpoch", h.bestEpoch());
        o.put("stoppedEarly", h.stoppedEarly());
        o.put("resumedFromEpoch", h.resumedFromEpoch());
        o.put("windows", h.windows());
        o.put("positions", h.positions());
        return o;
    }

    /** Writes doubles, NaN as null (JSON has no NaN). */
    static void doubles(ArrayNode a, List<Double> v) {
        for (double d : v) {
            if (Double.isNaN(d)) {
                a.addNull();
            } else {
                a.add(d);
            }
        }
    }

    /** Reads doubles written by {@link #doubles(ArrayNode, List)}. */
    static List<Double> doubles(JsonNode a, String key, Path file) {
        if (!a.isArray()) {
            throw new SasRecException(file + ": " + key + ": expected an array, found " + a);
        }
        List<Double> out = new ArrayList<>();
        for (JsonNode x : a) {
            out.add(x.isNull() ? Double.NaN : x.asDouble());
        }
        return out;
    }

    private static SasRecHistory historyFromJson(JsonNode o, Path file) {
        if (!o.isObject()) {
            throw new SasRecException(file + ": history: expected an object, found " + o);
        }
        return new SasRecHistory(
                doubles(o.path("epochLoss"), "history.epochLoss", file),
                doubles(o.path("epochSeconds"), "history.epochSeconds", file),
                doubles(o.path("validationNdcg"), "history.validationNdcg", file),
                requireInt(o, "bestEpoch", file),
                o.path("stoppedEarly").asBoolean(),
                requireInt(o, "resumedFromEpoch", file),
                requireInt(o, "windows", file),
                o.path("positions").asLong());
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            session.close();
            parameterFeeds.values().forEach(DirectTensor::close);
        }
    }

    @Override
    public String toString() {
        return "SasRecModel(items=" + vocab.size() + ", " + config + ", " + history + ")";
    }
}
