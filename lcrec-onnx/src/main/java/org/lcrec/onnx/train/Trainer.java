package org.lcrec.onnx.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.lcrec.onnx.Autodiff;
import org.lcrec.onnx.DType;
import org.lcrec.onnx.Dim;
import org.lcrec.onnx.Gradients;
import org.lcrec.onnx.Graph;
import org.lcrec.onnx.GraphBuilder;
import org.lcrec.onnx.HostTensor;
import org.lcrec.onnx.OnnxExport;
import org.lcrec.onnx.Parameter;
import org.lcrec.onnx.ParameterSpec;
import org.lcrec.onnx.ParameterStore;
import org.lcrec.onnx.Safetensors;
import org.lcrec.onnx.Shape;
import org.lcrec.onnx.Tensor;
import org.lcrec.onnx.internal.OptimKernels;
import org.lcrec.onnx.runtime.DirectTensor;
import org.lcrec.onnx.runtime.InferenceSession;

/**
 * Trains a graph on ONNX Runtime: forward and backward compiled into one ORT session, the optimiser
 * applied in Java.
 *
 * <p>Per step: data inputs are read from reused direct buffers ({@link #input}); trainable
 * parameters are fed as inputs straight from the {@link ParameterStore}'s direct buffers (no copy);
 * gradients, the loss and the squared global gradient norm (summed in-graph) are written by ORT
 * into pre-allocated direct buffers; then the optimiser updates the parameter buffers in place, in
 * parallel over chunks. Frozen parameters are baked into the model as initialisers when the trainer
 * is created.
 *
 * <pre>{@code
 * try (Trainer t = Trainer.create(g, loss, store, TrainerConfig.builder().build())) {
 *     t.input("x", 1024, 768).floats().put(...);
 *     StepResult r = t.step();
 * }
 * }</pre>
 *
 * <p>Checkpoints ({@link #saveCheckpoint}) hold trainable parameters, optimiser state, step,
 * schedule, partial accumulation and RNG state; {@link #loadCheckpoint} into a trainer for the same
 * graph continues with the same losses as an uninterrupted run.
 *
 * @implNote Not thread-safe. The optimiser pool has {@code optimizerThreads} daemon threads and is
 *     shut down by {@link #close()}.
 */
public final class Trainer implements AutoCloseable {
    /** Output names of the training session. */
    public static final String LOSS = "train.loss";

    static final String NORM = "train.grad_norm_sq";
    static final String GRAD = "train.grad.";
    static final String FORMAT = "lcrec-onnx-checkpoint";
    static final String VERSION = "1";
    private static final int CHUNK = 1 << 16;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Graph graph;
    private final ParameterStore store;
    private final TrainerConfig cfg;
    private final List<Parameter> trainable = new ArrayList<>();

    /**
     * Parameters fed as session inputs: the trainable ones, plus frozen ones above the inline
     * limit.
     */
    private final List<Parameter> fed = new ArrayList<>();

    private final InferenceSession session;
    private final Map<String, DirectTensor> paramFeeds = new LinkedHashMap<>();
    private final Map<String, DirectTensor> outputs = new LinkedHashMap<>();
    private final DirectTensor[] grads;
    private final FloatBuffer[] accum;
    private final float[][][] state;
    private final Map<String, DirectTensor> dataInputs = new LinkedHashMap<>();
    private final Map<String, DirectTensor> masks = new LinkedHashMap<>();
    private float[] maskScratch = new float[0];
    private final List<String> dataNames;
    private final Map<List<String>, InferenceSession> forwardSessions = new HashMap<>();
    private final Map<String, DirectTensor> maskOnes = new HashMap<>();
    private final int[][] chunks;
    private final ExecutorService pool;
    private final Rng rng;
    private long step;
    private int micro;
    private boolean closed;

    private Trainer(Graph graph, ParameterStore store, TrainerConfig cfg, Tensor lossTensor) {
        this.graph = graph;
        this.store = store;
        this.cfg = cfg;
        this.rng = new Rng(cfg.seed());
        long frozenBytes = 0;
        for (ParameterSpec p : graph.parameters()) {
            if (p.trainable()) {
                trainable.add(store.get(p.name()));
            } else {
                frozenBytes += 4 * p.size();
            }
        }
        fed.addAll(trainable);
        if (frozenBytes > cfg.frozenInlineLimitBytes()) {
            for (ParameterSpec p : graph.parameters()) {
                if (!p.trainable()) {
                    fed.add(store.get(p.name()));
                }
            }
        }
        List<String> outs = new ArrayList<>(List.of(LOSS, NORM));
        for (Parameter p : trainable) {
            outs.add(GRAD + p.name());
        }
        byte[] model =
                OnnxExport.builder()
                        .parameterValues(store)
                        .parametersAsInputs(names(fed))
                        .outputs(outs)
                        .build()
                        .toBytes(graph);
        this.session = InferenceSession.create(model, cfg.session());
        try {
            for (Parameter p : fed) {
                paramFeeds.put(p.name(), DirectTensor.wrap(p.data(), p.shape()));
            }
            grads = new DirectTensor[trainable.size()];
            for (int i = 0; i < trainable.size(); i++) {
                Parameter p = trainable.get(i);
                grads[i] = new DirectTensor(DType.FLOAT, p.shape());
                outputs.put(GRAD + p.name(), grads[i]);
            }
            outputs.put(LOSS, new DirectTensor(DType.FLOAT, lossTensor.shape().toArray()));
            outputs.put(NORM, new DirectTensor(DType.FLOAT));
            accum = new FloatBuffer[trainable.size()];
            if (cfg.accumulationSteps() > 1) {
                for (int i = 0; i < trainable.size(); i++) {
                    accum[i] = new DirectTensor(DType.FLOAT, trainable.get(i).shape()).floats();
                }
            }
            int slots = cfg.optimizer().slots();
            state = new float[slots][trainable.size()][];
            for (int s = 0; s < slots; s++) {
                for (int i = 0; i < trainable.size(); i++) {
                    state[s][i] = new float[trainable.get(i).size()];
                }
            }
            List<int[]> cs = new ArrayList<>();
            for (int i = 0; i < trainable.size(); i++) {
                int n = trainable.get(i).size();
                for (int from = 0; from < n; from += CHUNK) {
                    cs.add(new int[] {i, from, Math.min(n, from + CHUNK)});
                }
            }
            chunks = cs.toArray(new int[0][]);
            List<String> dn = new ArrayList<>();
            for (String n : session.inputNames()) {
                if (!paramFeeds.containsKey(n) && !graph.dropoutMasks().containsKey(n)) {
                    dn.add(n);
                }
            }
            dataNames = List.copyOf(dn);
            pool =
                    Executors.newFixedThreadPool(
                            cfg.optimizerThreads(),
                            r -> {
                                Thread t = new Thread(r, "lcrec-optimizer");
                                t.setDaemon(true);
                                return t;
                            });
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    private static List<String> names(List<Parameter> ps) {
        List<String> r = new ArrayList<>();
        for (Parameter p : ps) {
            r.add(p.name());
        }
        return r;
    }

    /**
     * Differentiates {@code loss} with respect to the builder's trainable parameters, builds the
     * graph and opens the training session. The builder gains the backward nodes and outputs
     * {@value #LOSS}, {@code train.grad.<name>}; create one trainer per builder.
     *
     * @throws IllegalArgumentException when the store does not hold exactly the graph's parameters
     *     (names and shapes)
     */
    public static Trainer create(
            GraphBuilder g, Tensor loss, ParameterStore store, TrainerConfig cfg) {
        store.checkMatches(g.parameters(), "parameter store");
        List<Tensor> params = g.trainableParameters();
        if (params.isEmpty()) {
            throw new IllegalArgumentException(
                    "graph '" + g.name() + "' has no trainable parameters");
        }
        Gradients gr = Autodiff.gradients(g, loss, params);
        List<Tensor> sq = new ArrayList<>();
        for (Tensor p : params) {
            Tensor d = gr.of(p);
            g.output(GRAD + p.name(), d);
            sq.add(g.reduceSum(g.mul(d, d), false));
        }
        g.output(NORM, g.sum(sq));
        g.output(LOSS, loss);
        return new Trainer(g.build(), store, cfg, loss);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("Trainer is closed");
        }
    }

    /** The built graph (forward, backward and the trainer's outputs). */
    public Graph graph() {
        return graph;
    }

    public ParameterStore parameters() {
        return store;
    }

    public TrainerConfig config() {
        return cfg;
    }

    /** The trainer's generator (saved in checkpoints). */
    public Rng rng() {
        return rng;
    }

    /** Optimiser steps taken. */
    public long stepCount() {
        return step;
    }

    /** Names of the data inputs a step needs. */
    public List<String> inputNames() {
        return dataNames;
    }

    /**
     * The reusable buffer for data input {@code name} at the given shape: a new shape reuses the
     * memory of the largest one seen, so the contents are unspecified until filled. Fill every
     * element, then call {@link #step()}.
     *
     * @throws IllegalArgumentException for an unknown input or a shape that contradicts the graph
     */
    public DirectTensor input(String name, long... shape) {
        checkOpen();
        Tensor decl = graph.inputs().get(name);
        if (decl == null || !dataNames.contains(name)) {
            throw new IllegalArgumentException(
                    "graph '"
                            + graph.name()
                            + "' has no data input '"
                            + name
                            + "'; inputs: "
                            + dataNames);
        }
        checkShape(name, decl.shape(), shape);
        DirectTensor t = dataInputs.get(name);
        if (t == null || !Arrays.equals(t.shape(), shape)) {
            t = t == null ? new DirectTensor(decl.dtype(), shape) : t.reshaped(shape);
            dataInputs.put(name, t);
        }
        return t;
    }

    private void checkShape(String name, Shape decl, long[] shape) {
        boolean ok = decl.rank() == shape.length;
        for (int i = 0; ok && i < shape.length; i++) {
            Dim d = decl.dim(i);
            ok = !d.isStatic() || d.value() == shape[i];
        }
        if (!ok) {
            throw new IllegalArgumentException(
                    "input '"
                            + name
                            + "': expected shape "
                            + decl
                            + ", found "
                            + Arrays.toString(shape));
        }
    }

    private Map<String, Long> bindSymbols() {
        List<String> missing = new ArrayList<>();
        Map<String, Long> sym = new HashMap<>();
        for (String n : dataNames) {
            DirectTensor t = dataInputs.get(n);
            if (t == null) {
                missing.add(n);
                continue;
            }
            Shape decl = graph.inputs().get(n).shape();
            long[] s = t.shape();
            for (int i = 0; i < s.length; i++) {
                Dim d = decl.dim(i);
                if (!d.isStatic()) {
                    Long prev = sym.putIfAbsent(d.symbol(), s[i]);
                    if (prev != null && prev != s[i]) {
                        throw new IllegalArgumentException(
                                "input '"
                                        + n
                                        + "': dimension '"
                                        + d.symbol()
                                        + "' is "
                                        + s[i]
                                        + " but another input gave "
                                        + prev);
                    }
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(
                    "graph '"
                            + graph.name()
                            + "': missing inputs "
                            + missing
                            + "; set them with input(name, shape) before step()");
        }
        return sym;
    }

    private long[] resolve(Shape s, Map<String, Long> sym, String what) {
        long[] r = new long[s.rank()];
        for (int i = 0; i < r.length; i++) {
            Dim d = s.dim(i);
            if (d.isStatic()) {
                r[i] = d.value();
            } else {
                Long v = sym.get(d.symbol());
                if (v == null) {
                    throw new IllegalStateException(
                            what
                                    + ": cannot resolve dimension '"
                                    + d.symbol()
                                    + "' from the inputs");
                }
                r[i] = v;
            }
        }
        return r;
    }

    private Map<String, DirectTensor> feeds(Map<String, Long> sym, boolean train) {
        Map<String, DirectTensor> f = new HashMap<>(paramFeeds);
        for (String n : dataNames) {
            f.put(n, dataInputs.get(n));
        }
        for (Map.Entry<String, Float> m : graph.dropoutMasks().entrySet()) {
            long[] shape = resolve(graph.inputs().get(m.getKey()).shape(), sym, m.getKey());
            Map<String, DirectTensor> cache = train ? masks : maskOnes;
            DirectTensor t = cache.get(m.getKey());
            if (t == null || !Arrays.equals(t.shape(), shape)) {
                t = t == null ? new DirectTensor(DType.FLOAT, shape) : t.reshaped(shape);
                cache.put(m.getKey(), t);
                if (!train) {
                    FloatBuffer b = t.floats();
                    for (int i = 0; i < b.capacity(); i++) {
                        b.put(i, 1f);
                    }
                }
            }
            if (train) {
                fillDropoutMask(t.floats(), 1f - m.getValue());
            }
            f.put(m.getKey(), t);
        }
        return f;
    }

    /**
     * Fills a dropout mask: each element is {@code 1 / keep} with probability {@code keep}, else 0.
     * Two elements per 64-bit draw (24-bit uniforms, the resolution of a float) into a reused
     * array, then one bulk copy: an element-wise {@code nextFloat} + {@code put} loop cost 0.4 s
     * per step on cpu-small LoRA.
     */
    private void fillDropoutMask(FloatBuffer b, float keep) {
        float scale = 1f / keep;
        int threshold =
                (int) (keep * (1 << 24)); // element kept when its 24-bit uniform < threshold
        int n = b.capacity();
        if (maskScratch.length < n) {
            maskScratch = new float[n];
        }
        float[] a = maskScratch;
        int i = 0;
        for (; i + 1 < n; i += 2) {
            long r = rng.nextLong();
            a[i] = ((int) (r >>> 40)) < threshold ? scale : 0f;
            a[i + 1] = ((int) ((r >>> 8) & 0xFFFFFF)) < threshold ? scale : 0f;
        }
        if (i < n) {
            a[i] = ((int) (rng.nextLong() >>> 40)) < threshold ? scale : 0f;
        }
        b.put(0, a, 0, n);
    }

    /**
     * Runs forward and backward on the current inputs; applies the optimiser when the accumulation
     * window is complete.
     *
     * @throws TrainingDivergedException when the loss or gradient norm is NaN or infinite (no
     *     update is applied)
     */
    public StepResult step() {
        checkOpen();
        long t0 = System.nanoTime();
        Map<String, DirectTensor> f = feeds(bindSymbols(), true);
        long t1 = System.nanoTime();
        session.runInto(f, outputs);
        long t2 = System.nanoTime();
        float loss = outputs.get(LOSS).floats().get(0);
        double normSq = outputs.get(NORM).floats().get(0);
        if (!Float.isFinite(loss)) {
            throw new TrainingDivergedException(step, "loss is " + loss);
        }
        if (!Double.isFinite(normSq)) {
            throw new TrainingDivergedException(step, "gradient norm is " + Math.sqrt(normSq));
        }
        int k = cfg.accumulationSteps();
        double lr = cfg.schedule().lr(step);
        double norm = Math.sqrt(normSq);
        boolean apply;
        FloatBuffer[] g;
        float scale;
        if (k == 1) {
            apply = true;
            g = new FloatBuffer[grads.length];
            for (int i = 0; i < grads.length; i++) {
                g[i] = grads[i].floats();
            }
            scale = 1f;
        } else {
            boolean first = micro == 0;
            parallel(
                    (i, from, to) ->
                            OptimKernels.accumulate(accum[i], grads[i].floats(), from, to, first));
            micro++;
            apply = micro == k;
            g = accum;
            scale = 1f / k;
            if (apply) {
                double[] parts = new double[chunks.length];
                parallelIndexed(
                        (c, i, from, to) -> parts[c] = OptimKernels.sumSquares(accum[i], from, to));
                double s = 0;
                for (double p : parts) {
                    s += p;
                }
                norm = Math.sqrt(s) / k;
                if (!Double.isFinite(norm)) {
                    throw new TrainingDivergedException(
                            step, "accumulated gradient norm is " + norm);
                }
                micro = 0;
            }
        }
        long stepNow = step;
        if (apply) {
            if (cfg.clipNorm() > 0 && norm > cfg.clipNorm()) {
                scale *= (float) (cfg.clipNorm() / (norm + 1e-6));
            }
            update(g, (float) lr, scale);
            step++;
        }
        long t3 = System.nanoTime();
        return new StepResult(stepNow, loss, lr, norm, apply, t2 - t1, (t1 - t0) + (t3 - t2));
    }

    private void update(FloatBuffer[] g, float lr, float scale) {
        long t = step + 1;
        if (cfg.optimizer() instanceof Optimizer.AdamW a) {
            float b1 = (float) a.beta1();
            float b2 = (float) a.beta2();
            double bc1 = 1 - Math.pow(a.beta1(), t);
            double bc2 = 1 - Math.pow(a.beta2(), t);
            float stepSize = (float) (lr / bc1);
            float invSqrtBc2 = (float) (1 / Math.sqrt(bc2));
            float eps = (float) a.eps();
            float decayOn = (float) (1 - lr * a.weightDecay());
            parallel(
                    (i, from, to) ->
                            OptimKernels.adamw(
                                    trainable.get(i).data(),
                                    g[i],
                                    state[0][i],
                                    state[1][i],
                                    from,
                                    to,
                                    b1,
                                    b2,
                                    eps,
                                    trainable.get(i).decay() ? decayOn : 1f,
                                    stepSize,
                                    invSqrtBc2,
                                    scale));
        } else if (cfg.optimizer() instanceof Optimizer.Sgd s) {
            float mu = (float) s.momentum();
            boolean first = step == 0;
            parallel(
                    (i, from, to) ->
                            OptimKernels.sgd(
                                    trainable.get(i).data(),
                                    g[i],
                                    mu == 0 ? null : state[0][i],
                                    from,
                                    to,
                                    lr,
                                    mu,
                                    trainable.get(i).decay() ? (float) s.weightDecay() : 0f,
                                    scale,
                                    first || mu == 0));
        }
    }

    @FunctionalInterface
    private interface ChunkTask {
        void run(int param, int from, int to);
    }

    @FunctionalInterface
    private interface IndexedChunkTask {
        void run(int chunk, int param, int from, int to);
    }

    private void parallel(ChunkTask task) {
        parallelIndexed((c, i, from, to) -> task.run(i, from, to));
    }

    private void parallelIndexed(IndexedChunkTask task) {
        int threads = Math.min(cfg.optimizerThreads(), chunks.length);
        if (threads <= 1) {
            for (int c = 0; c < chunks.length; c++) {
                task.run(c, chunks[c][0], chunks[c][1], chunks[c][2]);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        Runnable worker =
                () -> {
                    for (int c = next.getAndIncrement();
                            c < chunks.length;
                            c = next.getAndIncrement()) {
                        task.run(c, chunks[c][0], chunks[c][1], chunks[c][2]);
                    }
                };
        List<Future<?>> fs = new ArrayList<>();
        for (int w = 1; w < threads; w++) {
            fs.add(pool.submit(worker));
        }
        worker.run();
        try {
            for (Future<?> f : fs) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during the optimiser update", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("optimiser update failed", e.getCause());
        }
    }

    /**
     * Computes graph outputs for the current inputs without training (dropout off). A session per
     * distinct output list is created on first use.
     */
    public Map<String, HostTensor> forward(String... outputNames) {
        checkOpen();
        List<String> key = List.of(outputNames);
        InferenceSession s =
                forwardSessions.computeIfAbsent(
                        key,
                        k ->
                                InferenceSession.create(
                                        OnnxExport.builder()
                                                .parameterValues(store)
                                                .parametersAsInputs(names(fed))
                                                .outputs(k)
                                                .build()
                                                .toBytes(graph),
                                        cfg.session()));
        Map<String, Long> sym = bindSymbols();
        Map<String, DirectTensor> all = feeds(sym, false);
        Map<String, Object> f = new HashMap<>();
        for (String n : s.inputNames()) {
            f.put(n, all.get(n));
        }
        return s.run(f);
    }

    /** The loss on the current inputs without training (dropout off). */
    public float evaluate() {
        return forward(LOSS).get(LOSS).toFloatArray()[0];
    }

    // ------------------------------------------------------------------ checkpoints

    private String signature() {
        Map<String, long[]> sig = new LinkedHashMap<>();
        for (Parameter p : trainable) {
            sig.put(p.name(), p.shape());
        }
        try {
            return JSON.writeValueAsString(sig);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes trainable parameters, optimiser state, step, schedule, partial gradient accumulation
     * and RNG state to one safetensors file, atomically.
     */
    public void saveCheckpoint(Path file) {
        checkOpen();
        Map<String, HostTensor> t = new LinkedHashMap<>();
        String[] slotNames = cfg.optimizer().slotNames();
        for (int i = 0; i < trainable.size(); i++) {
            Parameter p = trainable.get(i);
            t.put("param/" + p.name(), p.toHostTensor());
            for (int s = 0; s < state.length; s++) {
                t.put(
                        "state/" + slotNames[s] + "/" + p.name(),
                        HostTensor.ofFloats(state[s][i], p.shape()));
            }
            if (micro > 0) {
                float[] a = new float[p.size()];
                accum[i].get(0, a);
                t.put("accum/" + p.name(), HostTensor.ofFloats(a, p.shape()));
            }
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("version", VERSION);
        meta.put("graph", graph.name());
        meta.put("parameters", signature());
        meta.put("step", Long.toString(step));
        meta.put("micro_step", Integer.toString(micro));
        meta.put("rng_state", Long.toString(rng.state()));
        meta.put("optimizer", cfg.optimizer().describe());
        meta.put("schedule", cfg.schedule().describe());
        meta.put("accumulation_steps", Integer.toString(cfg.accumulationSteps()));
        Safetensors.write(file, t, meta);
    }

    /**
     * Restores a checkpoint written by {@link #saveCheckpoint} for the same graph and optimiser.
     *
     * @throws IllegalArgumentException when the file is not an lcrec-onnx checkpoint
     * @throws CheckpointMismatchException when it is one of another version, or its parameters
     *     (names, shapes), optimiser or schedule differ from this trainer's
     */
    public void loadCheckpoint(Path file) {
        checkOpen();
        Safetensors.Contents c = Safetensors.read(file);
        Map<String, String> meta = c.metadata();
        if (!FORMAT.equals(meta.get("format"))) {
            throw new IllegalArgumentException(
                    file + ": not an lcrec-onnx checkpoint (format " + meta.get("format") + ")");
        }
        if (!VERSION.equals(meta.get("version"))) {
            throw new CheckpointMismatchException(
                    file
                            + ": unsupported checkpoint version "
                            + meta.get("version")
                            + ", expected "
                            + VERSION);
        }
        String sig = signature();
        if (!sig.equals(meta.get("parameters"))) {
            throw new CheckpointMismatchException(
                    file
                            + ": checkpoint is for a different graph ('"
                            + meta.get("graph")
                            + "'): its parameters "
                            + meta.get("parameters")
                            + " differ from this graph's "
                            + sig);
        }
        for (String key : List.of("optimizer", "schedule", "accumulation_steps")) {
            String mine =
                    switch (key) {
                        case "optimizer" -> cfg.optimizer().describe();
                        case "schedule" -> cfg.schedule().describe();
                        default -> Integer.toString(cfg.accumulationSteps());
                    };
            if (!mine.equals(meta.get(key))) {
                throw new CheckpointMismatchException(
                        file
                                + ": checkpoint "
                                + key
                                + " "
                                + meta.get(key)
                                + " differs from this trainer's "
                                + mine);
            }
        }
        int microStep = Integer.parseInt(meta.get("micro_step"));
        String[] slotNames = cfg.optimizer().slotNames();
        for (int i = 0; i < trainable.size(); i++) {
            Parameter p = trainable.get(i);
            p.set(require(c, file, "param/" + p.name()));
            for (int s = 0; s < state.length; s++) {
                float[] v =
                        require(c, file, "state/" + slotNames[s] + "/" + p.name()).toFloatArray();
                System.arraycopy(v, 0, state[s][i], 0, v.length);
            }
            if (microStep > 0) {
                accum[i].put(0, require(c, file, "accum/" + p.name()).toFloatArray());
            }
        }
        step = Long.parseLong(meta.get("step"));
        micro = microStep;
        rng.setState(Long.parseLong(meta.get("rng_state")));
    }

    private static HostTensor require(Safetensors.Contents c, Path file, String name) {
        HostTensor t = c.tensors().get(name);
        if (t == null) {
            throw new IllegalArgumentException(file + ": checkpoint lacks tensor '" + name + "'");
        }
        return t;
    }

    /** Exports an inference model (all parameters as initialisers) with the given outputs. */
    public void exportModel(Path file, String... outputNames) {
        OnnxExport.builder()
                .parameterValues(store)
                .outputs(List.of(outputNames))
                .build()
                .save(graph, file);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        pool.shutdownNow();
        session.close();
        forwardSessions.values().forEach(InferenceSession::close);
        paramFeeds.values().forEach(DirectTensor::close);
        outputs.values().forEach(DirectTensor::close);
        dataInputs.values().forEach(DirectTensor::close);
        masks.values().forEach(DirectTensor::close);
        maskOnes.values().forEach(DirectTensor::close);
    }
}
