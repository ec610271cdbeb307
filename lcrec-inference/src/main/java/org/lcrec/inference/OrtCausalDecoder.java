package org.lcrec.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.lcrec.core.MalformedFileException;
import org.lcrec.core.io.FileChecks;
import org.lcrec.inference.internal.LogProbsOutput;
import org.lcrec.inference.internal.OrtLogSoftmax;
import org.lcrec.onnx.OnnxModel;
import org.lcrec.onnx.runtime.Ort;

/**
 * A {@link CausalDecoder} on ONNX Runtime for graphs in the Hugging Face Optimum decoder layout:
 *
 * <ul>
 *   <li>inputs {@code input_ids} [batch, seq] int64, {@code attention_mask} [batch, past + seq]
 *       int64, optional {@code position_ids} [batch, seq] int64, {@code past_key_values.{i}.key}
 *       and {@code .value} [batch, kv_heads, past, head_dim] float32, optional {@code beam_idx}
 *       [batch] int64 (the past is reordered by it inside the graph, as OpenVINO-style stateless
 *       exports do);
 *   <li>outputs {@code logits} [batch, seq, vocab] and {@code present.{i}.key/.value}.
 * </ul>
 *
 * <p>The names are read from the session, so models with or without {@code position_ids} and {@code
 * beam_idx} work alike; anything else (e.g. the {@code use_cache_branch} of merged Optimum exports)
 * is rejected when opening, by name. The cache stays in ORT-owned tensors between steps;
 * decode-step outputs are written into pinned direct buffers.
 *
 * <p>When opening, the graph gets a log-softmax of the last position's {@code logits} as the extra
 * output {@code lcrec.log_probs} ({@link LogProbsOutput}), so that a beam step is one ORT call
 * returning normalised scores. Weights in external data files (Optimum's layout past 2 GB) are
 * found through the session option {@code session.model_external_initializers_file_folder_path}.
 * Models that cannot be edited that way (a graph file over {@value #MAX_EDITED_BYTES} bytes, or one
 * that ORT rejects once edited, such as an opset below 12) are opened as they are, and the
 * log-softmax runs as a second, one-node session.
 *
 * @implNote the session is shared: {@link #newRun()} may be called from any number of threads, each
 *     run being confined to one thread. One {@link OrtEnvironment} per process, lcrec-onnx's {@link
 *     Ort#env()}. Opening logs through {@link System.Logger} why a model keeps the two-session
 *     path: at DEBUG for a graph file too large to edit (expected for large models), at WARNING
 *     when ORT rejects the edited graph (with ORT's reason).
 */
public final class OrtCausalDecoder implements CausalDecoder {
    private static final System.Logger LOG = System.getLogger(OrtCausalDecoder.class.getName());
    private static final String INPUT_IDS = "input_ids";
    private static final String ATTENTION_MASK = "attention_mask";
    private static final String POSITION_IDS = "position_ids";
    private static final String BEAM_IDX = "beam_idx";
    private static final String LOGITS = "logits";

    /**
     * The beam-search graph this SDK's exports write beside {@code model.onnx} (lcrec-model's
     * {@code DecoderExport.beamGraph}): the decoder with each prompt's keys and values held once as
     * a shared prefix of its beams, and the LM head at the last position only.
     */
    public static final String BEAM_MODEL_FILE = "beam_decoder.onnx";

    /** The beam-search graph's output: the log-softmax of each row's last logits. */
    public static final String BEAM_LOG_PROBS = "log_probs";

    /** The beam-search graph's shared-prefix mask input {@code [prompts, prefix_length]}. */
    public static final String BEAM_PREFIX_MASK = "prefix_mask";

    /**
     * Models up to this size are read into memory to add the log-softmax output (ORT takes a model
     * from a Java array of at most 2 GiB; past 1 GiB the second session's cost is negligible
     * against the decoder's anyway).
     */
    static final long MAX_EDITED_BYTES = 1L << 30;

    /** ORT's session config key for the external data folder of a model loaded from bytes. */
    private static final String EXTERNAL_DATA_FOLDER =
            "session.model_external_initializers_file_folder_path";

    private final OrtEnvironment env;
    private final OrtSession.SessionOptions sessionOptions;
    private final OrtSession session;
    private final DecoderConfig config;
    private final boolean hasPositionIds;
    private final boolean hasBeamIdx;
    private final String[] pastNames;
    private final String[] presentNames;
    private final Set<String> presentSet;
    private final String source;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** The standalone log-softmax, for graphs without {@link LogProbsOutput#NAME}; else null. */
    private final OrtLogSoftmax logSoftmax;

    /** The beam-search graph's session, or null where the model has none. */
    private OrtSession beamSession;

    private String[] prefixNames;

    private OrtCausalDecoder(
            OrtEnvironment env,
            OrtSession.SessionOptions sessionOptions,
            OrtSession session,
            DecoderConfig config,
            String source) {
        this.env = env;
        this.sessionOptions = sessionOptions;
        this.session = session;
        this.config = config;
        this.source = source;
        int layers = config.layers();
        Set<String> inputs = session.getInputNames();
        Set<String> outputs = session.getOutputNames();
        // a key and a value input per layer: a config claiming more layers than the graph has
        // inputs fails here, before 4 × layers names are built and listed as missing
        if (2L * layers > inputs.size()) {
            throw new MalformedFileException(
                    source
                            + ": not a decoder with a KV cache for "
                            + layers
                            + " layers (config.json num_hidden_layers): expected "
                            + 2L * layers
                            + " past_key_values inputs, found "
                            + inputs.size()
                            + " inputs in all "
                            + FileChecks.listed(new TreeSet<>(inputs)));
        }
        pastNames = new String[2 * layers];
        presentNames = new String[2 * layers];
        for (int i = 0; i < layers; i++) {
            pastNames[2 * i] = "past_key_values." + i + ".key";
            pastNames[2 * i + 1] = "past_key_values." + i + ".value";
            presentNames[2 * i] = "present." + i + ".key";
            presentNames[2 * i + 1] = "present." + i + ".value";
        }
        presentSet = Set.of(presentNames);
        Set<String> known = new HashSet<>(List.of(pastNames));
        known.addAll(List.of(INPUT_IDS, ATTENTION_MASK, POSITION_IDS, BEAM_IDX));
        Set<String> unknown = new TreeSet<>(inputs);
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw new MalformedFileException(
                    source
                            + ": unsupported decoder inputs "
                            + FileChecks.listed(unknown)
                            + " (expected input_ids, attention_mask, [position_ids],"
                            + " past_key_values.{0.."
                            + (layers - 1)
                            + "}.key/.value, [beam_idx]; merged Optimum exports with"
                            + " use_cache_branch are not supported: export with"
                            + " --no-post-process or use decoder_with_past)");
        }
        Set<String> missing = new TreeSet<>(known);
        missing.removeAll(inputs);
        missing.remove(POSITION_IDS);
        missing.remove(BEAM_IDX);
        Set<String> needOut = new TreeSet<>(presentSet);
        needOut.add(LOGITS);
        needOut.removeAll(outputs);
        missing.addAll(needOut);
        if (!missing.isEmpty()) {
            throw new MalformedFileException(
                    source
                            + ": not a decoder with a KV cache for "
                            + layers
                            + " layers (config.json num_hidden_layers): missing "
                            + FileChecks.listed(missing)
                            + "; found inputs "
                            + FileChecks.listed(new TreeSet<>(inputs))
                            + ", outputs "
                            + FileChecks.listed(new TreeSet<>(outputs)));
        }
        hasPositionIds = inputs.contains(POSITION_IDS);
        hasBeamIdx = inputs.contains(BEAM_IDX);
        logSoftmax = outputs.contains(LogProbsOutput.NAME) ? null : new OrtLogSoftmax(env);
    }

    /**
     * Opens a model directory holding {@code config.json} and {@code model.onnx} (or Optimum's
     * {@code decoder_with_past_model.onnx} / {@code decoder_model.onnx}), or a model file with its
     * {@code config.json} beside it.
     *
     * @param model the directory or {@code .onnx} file
     * @param options device and threads
     * @return the decoder
     * @throws MalformedFileException naming the path if files are missing or the graph does not fit
     *     the layout
     * @throws org.lcrec.onnx.runtime.ExecutionProviderUnavailableException if CUDA is requested but
     *     not available
     */
    public static OrtCausalDecoder open(Path model, DecoderOptions options) {
        Path file = model;
        if (Files.isDirectory(model)) {
            file = null;
            for (String name :
                    new String[] {
                        "model.onnx", "decoder_with_past_model.onnx", "decoder_model.onnx"
                    }) {
                if (Files.isRegularFile(model.resolve(name))) {
                    file = model.resolve(name);
                    break;
                }
            }
            if (file == null) {
                throw new MalformedFileException(
                        model
                                + ": expected model.onnx, decoder_with_past_model.onnx or"
                                + " decoder_model.onnx in the model directory");
            }
        } else if (!Files.isRegularFile(model)) {
            throw new MalformedFileException(model + ": no such model file or directory");
        }
        Path dir = file.toAbsolutePath().getParent();
        Path configFile = dir.resolve("config.json");
        if (!Files.isRegularFile(configFile)) {
            throw new MalformedFileException(
                    configFile + ": missing (the decoder's Hugging Face config)");
        }
        return open(file, DecoderConfig.read(configFile), options);
    }

    /**
     * Opens a model file with an explicit config.
     *
     * @param modelFile the {@code .onnx} file
     * @param config its shape facts
     * @param options device and threads
     * @return the decoder
     */
    public static OrtCausalDecoder open(
            Path modelFile, DecoderConfig config, DecoderOptions options) {
        return open(modelFile, config, options, true, true);
    }

    /**
     * @param addLogProbs whether to try adding the in-graph log-softmax (tests switch it off to
     *     exercise the two-session path)
     */
    static OrtCausalDecoder open(
            Path modelFile, DecoderConfig config, DecoderOptions options, boolean addLogProbs) {
        return open(modelFile, config, options, addLogProbs, true);
    }

    /**
     * @param addLogProbs whether to try adding the in-graph log-softmax (tests switch it off to
     *     exercise the two-session path)
     * @param useBeamGraph whether to open {@value #BEAM_MODEL_FILE} beside the model where there is
     *     one (tests switch it off to compare the general path)
     */
    static OrtCausalDecoder open(
            Path modelFile,
            DecoderConfig config,
            DecoderOptions options,
            boolean addLogProbs,
            boolean useBeamGraph) {
        // ORT follows external-data locations as they are: check them before it reads any
        OnnxModel.checkExternalData(modelFile);
        OrtEnvironment env = Ort.env();
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        OrtCausalDecoder d;
        try {
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (options.intraOpThreads() > 0) {
                so.setIntraOpNumThreads(options.intraOpThreads());
            }
            if (options.device() == Device.CUDA) {
                Ort.addCuda(so, options.deviceId());
            }
            OrtSession session = addLogProbs ? openWithLogProbs(env, modelFile, so) : null;
            if (session == null) {
                session = env.createSession(modelFile.toString(), so);
            }
            try {
                d = new OrtCausalDecoder(env, so, session, config, modelFile.toString());
            } catch (RuntimeException e) {
                session.close();
                throw e;
            }
        } catch (OrtException e) {
            so.close();
            throw new MalformedFileException(
                    modelFile + ": ONNX Runtime could not open the model: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            so.close();
            throw e;
        }
        // the decoder owns the session options from here on: closing it closes them
        Path beamFile = modelFile.toAbsolutePath().resolveSibling(BEAM_MODEL_FILE);
        if (useBeamGraph && Files.isRegularFile(beamFile)) {
            try {
                d.openBeamGraph(beamFile);
            } catch (RuntimeException e) {
                d.close();
                throw e;
            }
        }
        return d;
    }

    /**
     * The session of the model with {@link LogProbsOutput#NAME} added, or null where the model is
     * too large or ORT rejects the edited bytes. A model given as bytes has no path against which
     * to resolve external data files, so the folder is passed as a session option.
     */
    private static OrtSession openWithLogProbs(
            OrtEnvironment env, Path modelFile, OrtSession.SessionOptions so) {
        byte[] bytes;
        try {
            long size = Files.size(modelFile);
            if (size > MAX_EDITED_BYTES) {
                LOG.log(
                        System.Logger.Level.DEBUG,
                        "{0}: {1} bytes, over {2}: the log-softmax runs as a second session",
                        modelFile,
                        size,
                        MAX_EDITED_BYTES);
                return null;
            }
            bytes = Files.readAllBytes(modelFile);
        } catch (IOException e) {
            throw new UncheckedIOException(modelFile + ": cannot read the model", e);
        }
        try {
            so.addConfigEntry(
                    EXTERNAL_DATA_FOLDER, modelFile.toAbsolutePath().getParent().toString());
            return env.createSession(LogProbsOutput.append(bytes), so);
        } catch (OrtException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "{0}: ONNX Runtime rejected the graph with the in-graph log-softmax added ({1});"
                            + " the log-softmax runs as a second session, one more ORT call per"
                            + " beam step",
                    modelFile,
                    e.getMessage());
            return null;
        }
    }

    /** Opens and checks the beam-search graph (same session options, hence the same device). */
    private void openBeamGraph(Path beamFile) {
        OnnxModel.checkExternalData(beamFile);
        OrtSession bs;
        try {
            bs = env.createSession(beamFile.toString(), sessionOptions);
        } catch (OrtException e) {
            throw new MalformedFileException(
                    beamFile + ": ONNX Runtime could not open the model: " + e.getMessage(), e);
        }
        int layers = config.layers();
        String[] prefix = new String[2 * layers];
        for (int i = 0; i < layers; i++) {
            prefix[2 * i] = "prefix." + i + ".key";
            prefix[2 * i + 1] = "prefix." + i + ".value";
        }
        Set<String> expectedIn = new TreeSet<>(List.of(pastNames));
        expectedIn.addAll(List.of(prefix));
        expectedIn.addAll(
                List.of(INPUT_IDS, ATTENTION_MASK, POSITION_IDS, BEAM_IDX, BEAM_PREFIX_MASK));
        Set<String> expectedOut = new TreeSet<>(presentSet);
        expectedOut.add(BEAM_LOG_PROBS);
        Set<String> missing = new TreeSet<>(expectedIn);
        missing.removeAll(bs.getInputNames());
        Set<String> missingOut = new TreeSet<>(expectedOut);
        missingOut.removeAll(bs.getOutputNames());
        Set<String> unexpected = new TreeSet<>(bs.getInputNames());
        unexpected.removeAll(expectedIn);
        missing.addAll(missingOut);
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            try {
                bs.close();
            } catch (OrtException e) {
                LOG.log(
                        System.Logger.Level.DEBUG,
                        "closing a refused session: {0}",
                        e.getMessage());
            }
            throw new MalformedFileException(
                    beamFile
                            + ": not a beam-search graph for "
                            + layers
                            + " layers (config.json num_hidden_layers): missing "
                            + FileChecks.listed(missing)
                            + (unexpected.isEmpty()
                                    ? ""
                                    : ", unexpected inputs " + FileChecks.listed(unexpected))
                            + " (delete the file to use model.onnx alone)");
        }
        beamSession = bs;
        prefixNames = prefix;
    }

    /**
     * @return whether beam searches share each prompt's cache among its beams and compute the LM
     *     head at the last position only ({@value #BEAM_MODEL_FILE} was found beside the model)
     */
    public boolean sharesPromptCache() {
        return beamSession != null;
    }

    /**
     * @return whether the log-softmax of a beam step runs inside the decoder's own graph (one ORT
     *     call per step) rather than as a second session
     */
    public boolean logProbsInGraph() {
        return logSoftmax == null;
    }

    @Override
    public DecoderConfig config() {
        return config;
    }

    @Override
    public boolean reordersInGraph() {
        return hasBeamIdx;
    }

    /**
     * @return whether the graph takes {@code position_ids}
     */
    public boolean takesPositionIds() {
        return hasPositionIds;
    }

    @Override
    public DecoderRun newRun() {
        if (closed.get()) {
            throw new IllegalStateException("decoder " + source + " is closed");
        }
        return new Run();
    }

    /**
     * {@inheritDoc}
     *
     * <p>With {@value #BEAM_MODEL_FILE}, the run holds each prompt's keys and values once (its
     * beams attend to them in place) and only the beams' own generated positions are reordered;
     * without it, this is {@link #newRun()}.
     */
    @Override
    public DecoderRun newBeamRun() {
        if (beamSession == null) {
            return newRun();
        }
        if (closed.get()) {
            throw new IllegalStateException("decoder " + source + " is closed");
        }
        return new BeamRun();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                if (beamSession != null) {
                    beamSession.close();
                }
                if (logSoftmax != null) {
                    logSoftmax.close();
                }
                session.close();
            } catch (OrtException e) {
                throw new IllegalStateException("closing " + source + ": " + e.getMessage(), e);
            } finally {
                sessionOptions.close();
            }
        }
    }

    @Override
    public String toString() {
        return "OrtCausalDecoder("
                + source
                + ", "
                + config
                + ", positionIds="
                + hasPositionIds
                + ", beamIdx="
                + hasBeamIdx
                + ", logProbs="
                + (logSoftmax == null ? "in-graph" : "second session")
                + ", promptCache="
                + (beamSession == null ? "per beam" : "shared")
                + ")";
    }

    private static FloatBuffer directFloats(long n) {
        if (n > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("tensor too large: " + n + " floats");
        }
        return ByteBuffer.allocateDirect((int) n * 4)
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer();
    }

    /**
     * A direct input buffer that a run reuses from step to step (grown by half again when too
     * small), so that a decode step allocates no native memory for its inputs (direct buffers are
     * reclaimed only when the garbage collector runs). At the benchmarked size this made no
     * measurable difference to speed or system time (see docs/architecture.md).
     */
    private static final class ReusedLongs {
        private LongBuffer buffer;

        /** The values in this buffer, as a view of exactly their length. */
        LongBuffer fill(long[] values) {
            if (buffer == null || buffer.capacity() < values.length) {
                int cap =
                        Math.max(
                                values.length,
                                buffer == null ? 0 : buffer.capacity() + buffer.capacity() / 2);
                buffer =
                        ByteBuffer.allocateDirect(cap * 8)
                                .order(ByteOrder.nativeOrder())
                                .asLongBuffer();
            }
            buffer.put(0, values);
            return buffer.slice(0, values.length);
        }
    }

    /** An int64 input from a reused buffer, closed with {@code owned}. */
    private OnnxTensor longInput(
            List<OnnxTensor> owned, ReusedLongs buffer, long[] values, long[] shape)
            throws OrtException {
        return track(owned, OnnxTensor.createTensor(env, buffer.fill(values), shape));
    }

    /** The present keys and values of a result, in {@link #presentNames}' order. */
    private OnnxTensor[] presents(OrtSession.Result result) {
        OnnxTensor[] out = new OnnxTensor[presentNames.length];
        for (int i = 0; i < presentNames.length; i++) {
            out[i] = (OnnxTensor) result.get(presentNames[i]).orElseThrow();
        }
        return out;
    }

    /** Empty past keys and values (no cached position yet) for {@code rows} rows. */
    private void putEmptyPast(Map<String, OnnxTensor> in, List<OnnxTensor> owned, long rows)
            throws OrtException {
        long[] empty = {rows, config.kvHeads(), 0, config.headDim()};
        for (String name : pastNames) {
            in.put(name, track(owned, OnnxTensor.createTensor(env, directFloats(0), empty)));
        }
    }

    /** Closes a list of values, keeping the first failure. */
    private static void closeAll(List<? extends AutoCloseable> values) {
        RuntimeException failure = null;
        for (AutoCloseable v : values) {
            try {
                v.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("closing a tensor: " + e.getMessage(), e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private final class Run implements DecoderRun {
        private final ReusedLongs idsIn = new ReusedLongs();
        private final ReusedLongs maskIn = new ReusedLongs();
        private final ReusedLongs positionsIn = new ReusedLongs();
        private final ReusedLongs beamIn = new ReusedLongs();
        private int rows;
        private int past;
        private long[] mask = new long[0];
        private long[] realCount = new long[0];
        private OnnxTensor[] pastTensors;
        private AutoCloseable pastOwner;
        private int[] pendingBeamIdx;
        private int pastBatch;
        private float[] lastLogits = new float[0];
        private OnnxTensor pinnedLogits;
        private FloatBuffer pinnedBuffer;
        private int pinnedRows = -1;
        private boolean runClosed;
        private OnnxTensor pinnedLogProbs;
        private FloatBuffer logProbsBuffer;
        private int logProbsRows = -1;

        @Override
        public FloatBuffer stepLogProbs(long[] ids, int batch) {
            run(ids, batch, 1, null, Out.LOG_PROBS);
            return logProbsBuffer;
        }

        @Override
        public int rows() {
            return rows;
        }

        @Override
        public int pastLength() {
            return past;
        }

        @Override
        public float[] forward(long[] ids, int batch, int seq, long[] newMask) {
            return run(ids, batch, seq, newMask, Out.LAST);
        }

        @Override
        public float[] forwardAllPositions(long[] ids, int batch, int seq, long[] newMask) {
            return run(ids, batch, seq, newMask, Out.ALL);
        }

        private float[] run(long[] ids, int batch, int seq, long[] newMask, Out mode) {
            boolean all = mode == Out.ALL;
            if (runClosed) {
                throw new IllegalStateException("decoder run is closed");
            }
            if (closed.get()) {
                throw new IllegalStateException("decoder " + source + " is closed");
            }
            if (batch < 1 || seq < 1 || ids.length != (long) batch * seq) {
                throw new IllegalArgumentException(
                        "expected "
                                + batch
                                + " x "
                                + seq
                                + " token ids (both >= 1), found "
                                + ids.length);
            }
            if (newMask != null && newMask.length != ids.length) {
                throw new IllegalArgumentException(
                        "expected a mask of " + ids.length + " values, found " + newMask.length);
            }
            boolean first = pastTensors == null && past == 0;
            if (first && rows == 0) {
                rows = batch;
                pastBatch = batch;
                realCount = new long[batch];
            } else if (batch != rows) {
                throw new IllegalArgumentException(
                        "expected " + rows + " rows (the cache's batch), found " + batch);
            }
            int vocab = config.vocabularySize();
            int total = past + seq;
            long[] fullMask = new long[rows * total];
            long[] positions = new long[rows * seq];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(mask, r * past, fullMask, r * total, past);
                long c = realCount[r];
                for (int t = 0; t < seq; t++) {
                    long m = newMask == null ? 1 : newMask[r * seq + t];
                    fullMask[r * total + past + t] = m;
                    if (m != 0) {
                        positions[r * seq + t] = c++;
                    } else {
                        positions[r * seq + t] = c > 0 ? c - 1 : 0;
                    }
                }
                realCount[r] = c;
            }
            List<OnnxTensor> owned = new ArrayList<>();
            OrtSession.Result result = null;
            try {
                Map<String, OnnxTensor> in = new HashMap<>();
                in.put(INPUT_IDS, longInput(owned, idsIn, ids, shape(rows, seq)));
                in.put(ATTENTION_MASK, longInput(owned, maskIn, fullMask, shape(rows, total)));
                if (hasPositionIds) {
                    in.put(
                            POSITION_IDS,
                            longInput(owned, positionsIn, positions, shape(rows, seq)));
                }
                if (pastTensors == null) {
                    putEmptyPast(in, owned, pastBatch);
                } else {
                    for (int i = 0; i < pastNames.length; i++) {
                        in.put(pastNames[i], pastTensors[i]);
                    }
                }
                if (hasBeamIdx) {
                    long[] beam = new long[rows];
                    for (int r = 0; r < rows; r++) {
                        beam[r] = pendingBeamIdx == null ? r : pendingBeamIdx[r];
                    }
                    in.put(BEAM_IDX, longInput(owned, beamIn, beam, shape(rows)));
                }
                boolean pin = !all && seq == 1;
                if (pin && mode == Out.LOG_PROBS && logSoftmax == null) {
                    pinLogProbs(vocab);
                    result =
                            session.run(
                                    in, presentSet, Map.of(LogProbsOutput.NAME, pinnedLogProbs));
                } else if (pin) {
                    if (pinnedRows != rows) {
                        if (pinnedLogits != null) {
                            pinnedLogits.close();
                        }
                        pinnedBuffer = directFloats((long) rows * vocab);
                        pinnedLogits =
                                OnnxTensor.createTensor(env, pinnedBuffer, shape(rows, 1, vocab));
                        pinnedRows = rows;
                    }
                    result = session.run(in, presentSet, Map.of(LOGITS, pinnedLogits));
                } else {
                    Set<String> wanted = new HashSet<>(presentSet);
                    wanted.add(LOGITS);
                    result = session.run(in, wanted);
                }
                float[] out;
                if (pin && mode == Out.LOG_PROBS) {
                    if (logSoftmax != null) {
                        pinLogProbs(vocab);
                        logSoftmax.compute(pinnedLogits, pinnedLogProbs);
                    }
                    out = null;
                } else if (pin) {
                    if (lastLogits.length != rows * vocab) {
                        lastLogits = new float[rows * vocab];
                    }
                    pinnedBuffer.get(0, lastLogits, 0, rows * vocab);
                    out = lastLogits;
                } else {
                    OnnxValue v = result.get(LOGITS).orElseThrow();
                    FloatBuffer fb = ((OnnxTensor) v).getFloatBuffer();
                    long expected = (long) rows * seq * vocab;
                    if (fb.remaining() != expected) {
                        throw new IllegalStateException(
                                source
                                        + ": expected logits of "
                                        + rows
                                        + " x "
                                        + seq
                                        + " x "
                                        + vocab
                                        + " (config.json vocab_size), found "
                                        + fb.remaining()
                                        + " values");
                    }
                    if (all) {
                        out = new float[(int) expected];
                        fb.get(out);
                    } else {
                        if (lastLogits.length != rows * vocab) {
                            lastLogits = new float[rows * vocab];
                        }
                        for (int r = 0; r < rows; r++) {
                            fb.get(((r * seq) + seq - 1) * vocab, lastLogits, r * vocab, vocab);
                        }
                        out = lastLogits;
                    }
                }
                OnnxTensor[] next = presents(result);
                AutoCloseable oldOwner = pastOwner;
                pastTensors = next;
                pastOwner = result;
                result = null;
                pastBatch = rows;
                pendingBeamIdx = null;
                mask = fullMask;
                past = total;
                if (oldOwner != null) {
                    closeAll(List.of(oldOwner));
                }
                return out;
            } catch (OrtException e) {
                throw new IllegalStateException(
                        source
                                + ": decoder step failed (rows="
                                + rows
                                + ", seq="
                                + seq
                                + ", past="
                                + past
                                + "): "
                                + e.getMessage(),
                        e);
            } finally {
                if (result != null) {
                    result.close();
                }
                closeAll(owned);
            }
        }

        /**
         * Makes {@link #pinnedLogProbs} a {@code rows × vocab} tensor (the graph's output) or
         * {@code rows × 1 × vocab} (the second session's).
         */
        private void pinLogProbs(int vocab) throws OrtException {
            if (pinnedLogProbs != null && logProbsRows == rows) {
                return;
            }
            if (pinnedLogProbs != null) {
                pinnedLogProbs.close();
            }
            logProbsBuffer = directFloats((long) rows * vocab);
            long[] dims = logSoftmax == null ? shape(rows, vocab) : shape(rows, 1, vocab);
            pinnedLogProbs = OnnxTensor.createTensor(env, logProbsBuffer, dims);
            logProbsRows = rows;
        }

        @Override
        public void reorder(int[] origin) {
            if (runClosed) {
                throw new IllegalStateException("decoder run is closed");
            }
            if (origin.length < 1) {
                throw new IllegalArgumentException("reorder needs at least one row");
            }
            int oldRows = rows;
            for (int o : origin) {
                if (o < 0 || o >= oldRows) {
                    throw new IllegalArgumentException(
                            "reorder origin must be in [0, " + oldRows + "), found " + o);
                }
            }
            int n = origin.length;
            long[] newMask = new long[n * past];
            long[] newCount = new long[n];
            for (int r = 0; r < n; r++) {
                System.arraycopy(mask, origin[r] * past, newMask, r * past, past);
                newCount[r] = realCount[origin[r]];
            }
            mask = newMask;
            realCount = newCount;
            rows = n;
            if (pastTensors == null) {
                // nothing cached yet: the empty past simply takes the new batch size
                pastBatch = n;
                return;
            }
            if (hasBeamIdx) {
                int[] composed = new int[n];
                for (int r = 0; r < n; r++) {
                    composed[r] = pendingBeamIdx == null ? origin[r] : pendingBeamIdx[origin[r]];
                }
                pendingBeamIdx = composed;
                return;
            }
            gather(origin, oldRows);
        }

        /** The Java-side cache reorder for graphs without {@code beam_idx}. */
        private void gather(int[] origin, int oldRows) {
            int n = origin.length;
            long rowSize = (long) config.kvHeads() * past * config.headDim();
            List<OnnxTensor> made = new ArrayList<>();
            try {
                OnnxTensor[] next = new OnnxTensor[pastTensors.length];
                for (int i = 0; i < pastTensors.length; i++) {
                    FloatBuffer src = pastTensors[i].getFloatBuffer();
                    if (src.remaining() != oldRows * rowSize) {
                        throw new IllegalStateException(
                                source
                                        + ": "
                                        + presentNames[i]
                                        + ": expected "
                                        + oldRows * rowSize
                                        + " values, found "
                                        + src.remaining());
                    }
                    FloatBuffer dst = directFloats(n * rowSize);
                    for (int r = 0; r < n; r++) {
                        dst.put(
                                (int) (r * rowSize),
                                src,
                                (int) (origin[r] * rowSize),
                                (int) rowSize);
                    }
                    next[i] =
                            track(
                                    made,
                                    OnnxTensor.createTensor(
                                            env,
                                            dst,
                                            shape(n, config.kvHeads(), past, config.headDim())));
                }
                AutoCloseable oldOwner = pastOwner;
                List<OnnxTensor> keep = List.copyOf(made);
                pastTensors = next;
                pastOwner = () -> closeAll(keep);
                made.clear();
                pastBatch = n;
                closeAll(List.of(oldOwner));
            } catch (OrtException e) {
                throw new IllegalStateException(
                        source + ": cache reorder failed: " + e.getMessage(), e);
            } finally {
                closeAll(made);
            }
        }

        @Override
        public void close() {
            if (runClosed) {
                return;
            }
            runClosed = true;
            List<AutoCloseable> toClose = new ArrayList<>();
            if (pastOwner != null) {
                toClose.add(pastOwner);
            }
            if (pinnedLogits != null) {
                toClose.add(pinnedLogits);
            }
            if (pinnedLogProbs != null) {
                toClose.add(pinnedLogProbs);
            }
            pastOwner = null;
            pastTensors = null;
            pinnedLogits = null;
            pinnedLogProbs = null;
            closeAll(toClose);
        }
    }

    /**
     * A beam search's run on the beam-search graph: the prefill's presents become each prompt's
     * shared prefix (never copied per beam), the beams' own positions are the only cache that steps
     * reorder (in-graph by {@code beam_idx}) and grow, and every call's log-probabilities are
     * written by ORT into a bound direct buffer.
     */
    private final class BeamRun implements DecoderRun {
        private final ReusedLongs idsIn = new ReusedLongs();
        private final ReusedLongs maskIn = new ReusedLongs();
        private final ReusedLongs positionsIn = new ReusedLongs();
        private final ReusedLongs beamIn = new ReusedLongs();
        private int prompts;
        private int rows;
        private int own;
        private long[] realCount = new long[0];
        private OnnxTensor[] prefix;
        private AutoCloseable prefixOwner;
        private OnnxTensor prefixMask;
        private OnnxTensor[] ownPast;
        private AutoCloseable ownOwner;
        private int[] pendingBeamIdx;
        private OnnxTensor pinnedLogProbs;
        private FloatBuffer logProbsBuffer;
        private int logProbsRows = -1;
        private boolean runClosed;

        @Override
        public FloatBuffer prefillLogProbs(long[] ids, int batch, int seq, long[] mask) {
            checkOpen();
            if (prefix != null) {
                throw new IllegalStateException(
                        "a beam run is prefilled once; this one already holds "
                                + prompts
                                + " prompts");
            }
            if (batch < 1 || seq < 1 || ids.length != (long) batch * seq) {
                throw new IllegalArgumentException(
                        "expected "
                                + batch
                                + " x "
                                + seq
                                + " token ids (both >= 1), found "
                                + ids.length);
            }
            if (mask != null && mask.length != ids.length) {
                throw new IllegalArgumentException(
                        "expected a mask of " + ids.length + " values, found " + mask.length);
            }
            long[] fullMask = new long[ids.length];
            long[] positions = new long[ids.length];
            realCount = new long[batch];
            for (int r = 0; r < batch; r++) {
                long c = 0;
                for (int t = 0; t < seq; t++) {
                    long m = mask == null ? 1 : mask[r * seq + t];
                    fullMask[r * seq + t] = m;
                    positions[r * seq + t] = m != 0 ? c++ : Math.max(c - 1, 0);
                }
                realCount[r] = c;
            }
            List<OnnxTensor> owned = new ArrayList<>();
            OrtSession.Result result = null;
            OnnxTensor keptMask = null;
            try {
                Map<String, OnnxTensor> in = new HashMap<>();
                in.put(INPUT_IDS, longInput(owned, idsIn, ids, shape(batch, seq)));
                in.put(ATTENTION_MASK, longInput(owned, maskIn, fullMask, shape(batch, seq)));
                in.put(POSITION_IDS, longInput(owned, positionsIn, positions, shape(batch, seq)));
                putEmptyPast(in, owned, batch);
                long[] identity = new long[batch];
                for (int r = 0; r < batch; r++) {
                    identity[r] = r;
                }
                in.put(BEAM_IDX, longInput(owned, beamIn, identity, shape(batch)));
                // no prefix yet: one zero position per prompt, masked out (its weight is exactly 0)
                long[] onePosition = {batch, config.kvHeads(), 1, config.headDim()};
                FloatBuffer zeros =
                        directFloats((long) batch * config.kvHeads() * config.headDim());
                OnnxTensor zeroPrefix =
                        track(owned, OnnxTensor.createTensor(env, zeros, onePosition));
                for (String name : prefixNames) {
                    in.put(name, zeroPrefix);
                }
                in.put(
                        BEAM_PREFIX_MASK,
                        track(
                                owned,
                                OnnxTensor.createTensor(env, directLongs(batch), shape(batch, 1))));
                rows = batch;
                pinLogProbs();
                result = beamSession.run(in, presentSet, Map.of(BEAM_LOG_PROBS, pinnedLogProbs));
                OnnxTensor[] kept = presents(result);
                LongBuffer maskCopy = directLongs(fullMask.length);
                maskCopy.put(0, fullMask);
                keptMask = OnnxTensor.createTensor(env, maskCopy, shape(batch, seq));
                prefix = kept;
                prefixOwner = result;
                result = null;
                prefixMask = keptMask;
                keptMask = null;
                prompts = batch;
                own = 0;
                return logProbsBuffer;
            } catch (OrtException e) {
                throw new IllegalStateException(
                        source
                                + ": beam prefill failed (prompts="
                                + batch
                                + ", seq="
                                + seq
                                + "): "
                                + e.getMessage(),
                        e);
            } finally {
                if (result != null) {
                    result.close();
                }
                if (keptMask != null) {
                    keptMask.close();
                }
                closeAll(owned);
            }
        }

        @Override
        public FloatBuffer stepLogProbs(long[] ids, int batch) {
            checkOpen();
            if (prefix == null) {
                throw new IllegalStateException(
                        "a beam run starts with prefillLogProbs, then reorders and steps");
            }
            if (batch != rows || ids.length != batch) {
                throw new IllegalArgumentException(
                        "expected "
                                + rows
                                + " rows of one token (the run's rows), found "
                                + batch
                                + " rows and "
                                + ids.length
                                + " ids");
            }
            int total = own + 1;
            long[] mask = new long[batch * total];
            java.util.Arrays.fill(mask, 1L);
            long[] positions = new long[batch];
            for (int r = 0; r < batch; r++) {
                positions[r] = realCount[r]++;
            }
            List<OnnxTensor> owned = new ArrayList<>();
            OrtSession.Result result = null;
            try {
                Map<String, OnnxTensor> in = new HashMap<>();
                in.put(INPUT_IDS, longInput(owned, idsIn, ids, shape(batch, 1)));
                in.put(ATTENTION_MASK, longInput(owned, maskIn, mask, shape(batch, total)));
                in.put(POSITION_IDS, longInput(owned, positionsIn, positions, shape(batch, 1)));
                if (ownPast == null) {
                    putEmptyPast(in, owned, batch);
                } else {
                    for (int i = 0; i < pastNames.length; i++) {
                        in.put(pastNames[i], ownPast[i]);
                    }
                }
                long[] beam = new long[batch];
                for (int r = 0; r < batch; r++) {
                    beam[r] = pendingBeamIdx == null || ownPast == null ? r : pendingBeamIdx[r];
                }
                in.put(BEAM_IDX, longInput(owned, beamIn, beam, shape(batch)));
                for (int i = 0; i < prefixNames.length; i++) {
                    in.put(prefixNames[i], prefix[i]);
                }
                in.put(BEAM_PREFIX_MASK, prefixMask);
                pinLogProbs();
                result = beamSession.run(in, presentSet, Map.of(BEAM_LOG_PROBS, pinnedLogProbs));
                OnnxTensor[] next = presents(result);
                AutoCloseable oldOwner = ownOwner;
                ownPast = next;
                ownOwner = result;
                result = null;
                pendingBeamIdx = null;
                own = total;
                if (oldOwner != null) {
                    closeAll(List.of(oldOwner));
                }
                return logProbsBuffer;
            } catch (OrtException e) {
                throw new IllegalStateException(
                        source
                                + ": beam step failed (rows="
                                + batch
                                + ", own positions="
                                + own
                                + "): "
                                + e.getMessage(),
                        e);
            } finally {
                if (result != null) {
                    result.close();
                }
                closeAll(owned);
            }
        }

        /** Makes {@link #pinnedLogProbs} a {@code rows × vocab} tensor bound as the output. */
        private void pinLogProbs() throws OrtException {
            if (pinnedLogProbs != null && logProbsRows == rows) {
                return;
            }
            if (pinnedLogProbs != null) {
                pinnedLogProbs.close();
            }
            int vocab = config.vocabularySize();
            logProbsBuffer = directFloats((long) rows * vocab);
            pinnedLogProbs = OnnxTensor.createTensor(env, logProbsBuffer, shape(rows, vocab));
            logProbsRows = rows;
        }

        @Override
        public void reorder(int[] origin) {
            checkOpen();
            if (prefix == null) {
                throw new IllegalStateException(
                        "a beam run starts with prefillLogProbs, then reorders and steps");
            }
            int n = origin.length;
            if (n < prompts || n % prompts != 0) {
                throw new IllegalArgumentException(
                        "a beam run keeps "
                                + prompts
                                + " prompts in equal groups of rows: expected a multiple of "
                                + prompts
                                + " rows, found "
                                + n);
            }
            int oldGroup = rows / prompts;
            int group = n / prompts;
            for (int r = 0; r < n; r++) {
                int o = origin[r];
                if (o < 0 || o >= rows || o / oldGroup != r / group) {
                    throw new IllegalArgumentException(
                            "a beam run keeps each row with its prompt: new row "
                                    + r
                                    + " (prompt "
                                    + r / group
                                    + ") cannot continue old row "
                                    + o
                                    + " of "
                                    + rows);
                }
            }
            long[] newCount = new long[n];
            for (int r = 0; r < n; r++) {
                newCount[r] = realCount[origin[r]];
            }
            realCount = newCount;
            if (ownPast != null) {
                int[] composed = new int[n];
                for (int r = 0; r < n; r++) {
                    composed[r] = pendingBeamIdx == null ? origin[r] : pendingBeamIdx[origin[r]];
                }
                pendingBeamIdx = composed;
            }
            rows = n;
        }

        @Override
        public float[] forward(long[] ids, int batch, int seq, long[] mask) {
            throw new UnsupportedOperationException(
                    "a beam run returns log-probabilities only (prefillLogProbs, stepLogProbs);"
                            + " use newRun() for logits");
        }

        @Override
        public float[] forwardAllPositions(long[] ids, int batch, int seq, long[] mask) {
            throw new UnsupportedOperationException(
                    "a beam run returns log-probabilities only (prefillLogProbs, stepLogProbs);"
                            + " use newRun() for logits");
        }

        @Override
        public int rows() {
            return rows;
        }

        @Override
        public int pastLength() {
            return prefix == null ? 0 : (int) prefixMask.getInfo().getShape()[1] + own;
        }

        private void checkOpen() {
            if (runClosed) {
                throw new IllegalStateException("decoder run is closed");
            }
            if (closed.get()) {
                throw new IllegalStateException("decoder " + source + " is closed");
            }
        }

        @Override
        public void close() {
            if (runClosed) {
                return;
            }
            runClosed = true;
            List<AutoCloseable> toClose = new ArrayList<>();
            for (AutoCloseable c :
                    new AutoCloseable[] {ownOwner, prefixOwner, prefixMask, pinnedLogProbs}) {
                if (c != null) {
                    toClose.add(c);
                }
            }
            ownOwner = null;
            ownPast = null;
            prefixOwner = null;
            prefix = null;
            prefixMask = null;
            pinnedLogProbs = null;
            closeAll(toClose);
        }
    }

    private static LongBuffer directLongs(int n) {
        return ByteBuffer.allocateDirect(n * 8).order(ByteOrder.nativeOrder()).asLongBuffer();
    }

    /** What a decoder call returns. */
    private enum Out {
        /** Logits of every position. */
        ALL,
        /** Logits of the last position, copied to the heap. */
        LAST,
        /** Log-softmax of the last position, in ORT, left in a direct buffer. */
        LOG_PROBS
    }

    private static OnnxTensor track(List<OnnxTensor> owned, OnnxTensor t) {
        owned.add(t);
        return t;
    }

    private static long[] shape(long... dims) {
        return dims;
    }
}
