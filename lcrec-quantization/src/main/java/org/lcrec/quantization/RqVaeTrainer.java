package org.lcrec.quantization;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import org.lcrec.onnx.GraphBuilder;
import org.lcrec.onnx.HostTensor;
import org.lcrec.onnx.ParameterStore;
import org.lcrec.onnx.Tensor;
import org.lcrec.onnx.runtime.SessionConfig;
import org.lcrec.onnx.train.LrSchedule;
import org.lcrec.onnx.train.Optimizer;
import org.lcrec.onnx.train.StepResult;
import org.lcrec.onnx.train.Trainer;
import org.lcrec.onnx.train.TrainerConfig;
import org.lcrec.quantization.internal.KMeans;
import org.lcrec.quantization.internal.Parallel;
import org.lcrec.sinkhorn.SinkhornConfig;
import org.lcrec.sinkhorn.SinkhornForm;
import org.lcrec.sinkhorn.SinkhornSolver;

/**
 * Trains an RQ-VAE (LC-Rec's item tokenizer) on ONNX Runtime through lcrec-onnx: forward and
 * backward in one ORT session, AdamW in Java, warmup then a constant or linear schedule, gradient
 * clipping. Per step, levels with a Sinkhorn epsilon get their codes from LC-Rec's uniform mapping
 * (Sinkhorn on the batch's distances, run in Java between a forward-only pass and the training
 * step); the other levels take the nearest code inside the graph.
 *
 * <p>Codebooks are initialised by residual k-means on a seeded sample of {@code kmeansSample}
 * encoded items (LC-Rec uses only the first batch). After each epoch, codes that no item uses are
 * handled by the {@link DeadCodePolicy}.
 *
 * @implNote same config, seed and data → same model (ORT CPU kernels are deterministic for a given
 *     thread count). Not thread-safe; one fit at a time per instance.
 */
public final class RqVaeTrainer {
    private static final System.Logger LOG = System.getLogger(RqVaeTrainer.class.getName());

    /** Items per forward pass when encoding outside training (bounds memory). */
    private static final int ENCODE_CHUNK = 4096;

    /** Called after every epoch. */
    @FunctionalInterface
    public interface EpochListener {
        /**
         * @param epoch the epoch just finished, 1-based
         * @param loss its mean loss
         * @param seconds its wall-clock seconds
         */
        void epochDone(int epoch, double loss, double seconds);
    }

    private final RqVaeConfig config;

    /**
     * @param config the settings
     */
    public RqVaeTrainer(RqVaeConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * @param items the embeddings
     * @return the trained model (close it to free its ORT sessions)
     */
    public RqVaeModel fit(Embeddings items) {
        return fit(items, (e, l, s) -> {});
    }

    /**
     * @param items the embeddings (at least {@code codes} items)
     * @param listener told after every epoch
     * @return the trained model (close it to free its ORT sessions)
     * @throws QuantizationException on too few items, or a dead code under {@link
     *     DeadCodePolicy#FAIL}
     */
    public RqVaeModel fit(Embeddings items, EpochListener listener) {
        Objects.requireNonNull(items, "items");
        Objects.requireNonNull(listener, "listener");
        RqVaeConfig c = config;
        int n = items.rows();
        int in = items.dim();
        if (n < c.codes()) {
            throw new QuantizationException(
                    "RQ-VAE: fewer items ("
                            + n
                            + ") than codes per level (K = "
                            + c.codes()
                            + "); lower K or add items");
        }
        GraphBuilder g = new GraphBuilder("rqvae").training(true);
        Tensor loss = RqVaeGraphs.training(g, in, c);
        ParameterStore store = ParameterStore.initialize(g.parameters(), c.seed());
        long stepsPerEpoch = (n + c.batchSize() - 1) / c.batchSize();
        long total = stepsPerEpoch * c.epochs();
        LrSchedule schedule =
                c.schedule() == LrScheduleKind.LINEAR
                        ? LrSchedule.linear(c.learningRate(), c.warmupSteps(), total)
                        : LrSchedule.constant(c.learningRate(), c.warmupSteps());
        TrainerConfig tc =
                TrainerConfig.builder()
                        .optimizer(Optimizer.adamW().withWeightDecay(c.weightDecay()))
                        .schedule(schedule)
                        .clipNorm(c.clipNorm())
                        .seed(c.seed())
                        .session(SessionConfig.cpu().withIntraOpThreads(c.numThreads()))
                        .optimizerThreads(c.numThreads())
                        .build();
        float[] mean = null;
        double scale = 1;
        float[] x = items.array();
        if (c.standardize()) {
            mean = new float[in];
            double[] m = new double[in];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < in; j++) {
                    m[j] += x[i * in + j];
                }
            }
            for (int j = 0; j < in; j++) {
                mean[j] = (float) (m[j] / n);
            }
            double ss = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < in; j++) {
                    double v = x[i * in + j] - mean[j];
                    ss += v * v;
                }
            }
            double rms = Math.sqrt(ss / ((double) n * in));
            scale = rms > 0 ? rms : 1; // constant inputs: centring alone
            x = RqVaeModel.standardized(x, n, in, mean, scale);
        }
        SplittableRandom rnd = new SplittableRandom(c.seed() ^ 0x5DEECE66DL);
        double[] epochLoss = new double[c.epochs()];
        double[] epochSeconds = new double[c.epochs()];
        double initialLoss = Double.NaN;
        int reseeded = 0;
        long steps = 0;
        long trainNanos = 0;
        long stepNanos = 0;
        long mapNanos = 0;
        try (Trainer t = Trainer.create(g, loss, store, tc)) {
            if (c.kmeansInit()) {
                kmeansInit(t, store, x, n, in, rnd.split());
            }
            int[] perm = new int[n];
            for (int i = 0; i < n; i++) {
                perm[i] = i;
            }
            for (int epoch = 0; epoch < c.epochs(); epoch++) {
                long t0 = System.nanoTime();
                shuffle(perm, rnd);
                double sum = 0;
                for (int start = 0; start < n; start += c.batchSize()) {
                    int b = Math.min(c.batchSize(), n - start);
                    FloatBuffer fb = t.input(RqVaeGraphs.X, b, in).floats().duplicate();
                    fb.clear();
                    for (int r = 0; r < b; r++) {
                        fb.put(x, perm[start + r] * in, in);
                    }
                    long m0 = System.nanoTime();
                    sinkhornCodes(t, b);
                    long m1 = System.nanoTime();
                    StepResult sr = t.step();
                    stepNanos += System.nanoTime() - m1;
                    mapNanos += m1 - m0;
                    if (steps == 0) {
                        initialLoss = sr.loss();
                    }
                    steps++;
                    sum += (double) sr.loss() * b;
                }
                if (c.deadCodePolicy() != DeadCodePolicy.KEEP) {
                    reseeded += deadCodes(t, store, x, n, in, rnd.split(), epoch + 1);
                }
                long dt = System.nanoTime() - t0;
                trainNanos += dt;
                epochLoss[epoch] = sum / n;
                epochSeconds[epoch] = dt / 1e9;
                listener.epochDone(epoch + 1, epochLoss[epoch], epochSeconds[epoch]);
            }
            populationStatistics(t, store, x, n, in);
        }
        double ips = trainNanos == 0 ? 0 : (double) n * c.epochs() / (trainNanos / 1e9);
        TrainingHistory h =
                new TrainingHistory(
                        epochLoss,
                        epochSeconds,
                        steps,
                        ips,
                        initialLoss,
                        reseeded,
                        stepNanos / 1e9,
                        mapNanos / 1e9);
        return new RqVaeModel(c, in, store, h, mean, scale);
    }

    /**
     * Batch-norm's inference statistics, recomputed exactly over all items with the final weights
     * ("precise BN"): per layer, the mean and the biased variance of its input over the whole
     * catalogue, from each batch's mean and variance (E[h^2] - E[h]^2), batches as in training.
     */
    private void populationStatistics(Trainer t, ParameterStore store, float[] x, int n, int in) {
        List<String> layers = RqVaeGraphs.bnLayers(in, config);
        if (layers.isEmpty()) {
            return;
        }
        String[] names = new String[2 * layers.size()];
        for (int i = 0; i < layers.size(); i++) {
            names[2 * i] = RqVaeGraphs.bnMean(layers.get(i));
            names[2 * i + 1] = RqVaeGraphs.bnVar(layers.get(i));
        }
        double[][] sum = new double[layers.size()][];
        double[][] sumSq = new double[layers.size()][];
        for (int start = 0; start < n; start += config.batchSize()) {
            int b = Math.min(config.batchSize(), n - start);
            FloatBuffer fb = t.input(RqVaeGraphs.X, b, in).floats().duplicate();
            fb.clear();
            fb.put(x, start * in, b * in);
            sinkhornCodes(t, b);
            Map<String, HostTensor> out = t.forward(names);
            for (int i = 0; i < layers.size(); i++) {
                float[] mean = out.get(names[2 * i]).toFloatArray();
                float[] var = out.get(names[2 * i + 1]).toFloatArray();
                if (sum[i] == null) {
                    sum[i] = new double[mean.length];
                    sumSq[i] = new double[mean.length];
                }
                for (int j = 0; j < mean.length; j++) {
                    sum[i][j] += (double) b * mean[j];
                    sumSq[i][j] += (double) b * (var[j] + (double) mean[j] * mean[j]);
                }
            }
        }
        for (int i = 0; i < layers.size(); i++) {
            float[] mean = new float[sum[i].length];
            float[] var = new float[sum[i].length];
            for (int j = 0; j < mean.length; j++) {
                double m = sum[i][j] / n;
                mean[j] = (float) m;
                var[j] = (float) Math.max(0, sumSq[i][j] / n - m * m);
            }
            store.get(layers.get(i) + ".bn.running_mean").set(mean);
            store.get(layers.get(i) + ".bn.running_var").set(var);
        }
    }

    /** Fills the code inputs of the Sinkhorn levels for the batch now in the trainer. */
    private void sinkhornCodes(Trainer t, int b) {
        double[] sk = config.sinkhornEpsilons();
        List<Integer> levels = new ArrayList<>();
        for (int l = 0; l < sk.length; l++) {
            if (sk[l] > 0) {
                levels.add(l);
                LongBuffer lb = t.input(RqVaeGraphs.codesInput(l), b).longs();
                for (int i = 0; i < b; i++) {
                    lb.put(i, 0);
                }
            }
        }
        int k = config.codes();
        for (int l : levels) {
            float[] dist =
                    t.forward(RqVaeGraphs.distOutput(l))
                            .get(RqVaeGraphs.distOutput(l))
                            .toFloatArray();
            double[] cost = new double[dist.length];
            for (int i = 0; i < dist.length; i++) {
                cost[i] = dist[i];
            }
            SinkhornConfig sc =
                    SinkhornConfig.lcRec(sk[l], config.sinkhornIterations())
                            .withNumThreads(config.numThreads());
            int[] a;
            try {
                a = new SinkhornSolver(sc).solveUniform(cost, b, k).argmaxPerRow();
            } catch (ArithmeticException e) {
                LOG.log(
                        System.Logger.Level.DEBUG,
                        "level {0}: plain Sinkhorn failed ({1}); solving in the log domain",
                        l,
                        e.getMessage());
                a =
                        new SinkhornSolver(sc.withForm(SinkhornForm.LOG_DOMAIN))
                                .solveUniform(cost, b, k)
                                .argmaxPerRow();
            }
            LongBuffer lb = t.input(RqVaeGraphs.codesInput(l), b).longs();
            for (int i = 0; i < b; i++) {
                lb.put(i, a[i]);
            }
        }
    }

    /** Latent vectors of the given rows, by forward passes of the trainer's graph. */
    private float[] latent(Trainer t, float[] x, int[] rows, int in) {
        int e = config.latentDim();
        float[] z = new float[rows.length * e];
        for (int start = 0; start < rows.length; start += ENCODE_CHUNK) {
            int b = Math.min(ENCODE_CHUNK, rows.length - start);
            FloatBuffer fb = t.input(RqVaeGraphs.X, b, in).floats().duplicate();
            fb.clear();
            for (int r = 0; r < b; r++) {
                fb.put(x, rows[start + r] * in, in);
            }
            double[] sk = config.sinkhornEpsilons();
            for (int l = 0; l < sk.length; l++) {
                if (sk[l] > 0) {
                    t.input(RqVaeGraphs.codesInput(l), b);
                }
            }
            float[] zb = t.forward(RqVaeGraphs.Z).get(RqVaeGraphs.Z).toFloatArray();
            System.arraycopy(zb, 0, z, start * e, b * e);
        }
        return z;
    }

    private void kmeansInit(
            Trainer t, ParameterStore store, float[] x, int n, int in, SplittableRandom rnd) {
        int m = Math.min(n, config.kmeansSample());
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        shuffle(perm, rnd);
        int[] rows = Arrays.copyOf(perm, m);
        Arrays.sort(rows);
        int e = config.latentDim();
        int k = config.codes();
        float[] residual = latent(t, x, rows, in);
        ExecutorService pool = Parallel.pool(config.numThreads(), "rqvae-kmeans");
        try {
            for (int l = 0; l < config.levels(); l++) {
                KMeans.Result r =
                        KMeans.fit(
                                residual,
                                m,
                                e,
                                k,
                                config.kmeansIterations(),
                                false,
                                0.01,
                                false, // scalar: a small sample, as RQ-VAE always did
                                rnd.nextLong(),
                                pool);
                store.get(RqVaeGraphs.codebook(l)).set(r.centroids());
                int[] a = r.assignment();
                float[] cb = r.centroids();
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < e; j++) {
                        residual[i * e + j] -= cb[a[i] * e + j];
                    }
                }
            }
        } finally {
            Parallel.close(pool);
        }
    }

    /** Applies the dead-code policy; returns the number of codes reseeded. */
    private int deadCodes(
            Trainer t,
            ParameterStore store,
            float[] x,
            int n,
            int in,
            SplittableRandom rnd,
            int epoch) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        int e = config.latentDim();
        int k = config.codes();
        float[] residual = latent(t, x, all, in);
        int reseeded = 0;
        double[] scratch = new double[k];
        for (int l = 0; l < config.levels(); l++) {
            float[] book = store.get(RqVaeGraphs.codebook(l)).toArray();
            Codebook cb = Codebook.wrap(book.clone(), k, e);
            int[] code = new int[n];
            boolean[] used = new boolean[k];
            for (int i = 0; i < n; i++) {
                code[i] = cb.nearest(residual, i * e, scratch);
                used[code[i]] = true;
            }
            List<Integer> dead = new ArrayList<>();
            for (int c = 0; c < k; c++) {
                if (!used[c]) {
                    dead.add(c);
                }
            }
            if (!dead.isEmpty()) {
                if (config.deadCodePolicy() == DeadCodePolicy.FAIL) {
                    throw new QuantizationException(
                            "RQ-VAE epoch "
                                    + epoch
                                    + ": level "
                                    + l
                                    + " has "
                                    + dead.size()
                                    + " unused codes "
                                    + (dead.size() <= 20 ? dead : dead.subList(0, 20) + "...")
                                    + " (dead-code policy FAIL)");
                }
                for (int c : dead) {
                    int src = rnd.nextInt(n);
                    System.arraycopy(residual, src * e, book, c * e, e);
                    reseeded++;
                }
                store.get(RqVaeGraphs.codebook(l)).set(book);
            }
            for (int i = 0; i < n; i++) {
                int c = code[i];
                for (int j = 0; j < e; j++) {
                    residual[i * e + j] -= book[c * e + j];
                }
            }
        }
        return reseeded;
    }

    private static void shuffle(int[] a, SplittableRandom rnd) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int tmp = a[i];
            a[i] = a[j];
            a[j] = tmp;
        }
    }

    @Override
    public String toString() {
        return "RqVaeTrainer(" + config + ")";
    }
}
