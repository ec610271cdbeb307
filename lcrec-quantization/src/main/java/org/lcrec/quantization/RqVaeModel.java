package org.lcrec.quantization;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lcrec.onnx.HostTensor;
import org.lcrec.onnx.OnnxExport;
import org.lcrec.onnx.ParameterStore;
import org.lcrec.onnx.Safetensors;
import org.lcrec.onnx.runtime.InferenceSession;
import org.lcrec.onnx.runtime.SessionConfig;

/**
 * A trained RQ-VAE: encoder and decoder as ONNX Runtime sessions, codebooks in Java. {@link
 * #encode} runs the encoder on ORT, quantizes the latent residually with nearest codes, and
 * measures the reconstruction through the decoder.
 *
 * <p>Files: {@link #save(Path)} writes one safetensors file with every parameter and, in its
 * metadata, {@code format=lcrec-quantizer}, {@code version=1}, {@code kind=rq-vae}, the input
 * dimension, the configuration and the training losses.
 *
 * @implNote holds two ORT sessions: close it. {@link #encode} is safe to call from several threads.
 */
public final class RqVaeModel implements ItemQuantizer, AutoCloseable {
    static final String KIND = "rq-vae";
    private static final int CHUNK = 4096;

    private final RqVaeConfig config;
    private final int inputDim;
    private final ParameterStore store;
    private final TrainingHistory history;
    private final Codebook[] codebooks;
    private final InferenceSession encoder;
    private final InferenceSession decoder;
    private final float[] mean;
    private final double scale;
    private volatile boolean closed;

    RqVaeModel(
            RqVaeConfig config,
            int inputDim,
            ParameterStore store,
            TrainingHistory history,
            float[] mean,
            double scale) {
        this.config = config;
        this.mean = mean;
        this.scale = scale;
        this.inputDim = inputDim;
        this.store = store;
        this.history = history;
        this.codebooks = new Codebook[config.levels()];
        for (int l = 0; l < codebooks.length; l++) {
            codebooks[l] =
                    Codebook.wrap(
                            store.get(RqVaeGraphs.codebook(l)).toArray(),
                            config.codes(),
                            config.latentDim());
        }
        SessionConfig sc = SessionConfig.cpu().withIntraOpThreads(config.numThreads());
        this.encoder = session(RqVaeGraphs.encoder(inputDim, config), RqVaeGraphs.Z, sc);
        try {
            this.decoder = session(RqVaeGraphs.decoder(inputDim, config), RqVaeGraphs.RECON, sc);
        } catch (RuntimeException e) {
            encoder.close();
            throw e;
        }
    }

    private InferenceSession session(org.lcrec.onnx.Graph g, String out, SessionConfig sc) {
        byte[] model =
                OnnxExport.builder()
                        .parameterValues(subset(g))
                        .outputs(List.of(out))
                        .build()
                        .toBytes(g);
        return InferenceSession.create(model, sc);
    }

    /** The parameters (package-private: tests run other graphs of the same model on them). */
    ParameterStore store() {
        return store;
    }

    /** The store restricted to the parameters of one graph. */
    private ParameterStore subset(org.lcrec.onnx.Graph g) {
        ParameterStore s = new ParameterStore();
        for (org.lcrec.onnx.ParameterSpec p : g.parameters()) {
            s.add(p.name(), p.shape(), p.trainable(), p.decay()).set(store.get(p.name()).toArray());
        }
        return s;
    }

    /** {@code (x - mean) / scale} row by row, into a new array. */
    static float[] standardized(float[] x, int n, int d, float[] mean, double scale) {
        float[] y = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                y[i * d + j] = (float) ((x[i * d + j] - mean[j]) / scale);
            }
        }
        return y;
    }

    /**
     * @return the settings it was trained with
     */
    public RqVaeConfig config() {
        return config;
    }

    /**
     * @return losses and timings of its training (empty epochs for a loaded model without them)
     */
    public TrainingHistory history() {
        return history;
    }

    @Override
    public int levels() {
        return config.levels();
    }

    @Override
    public int codebookSize() {
        return config.codes();
    }

    @Override
    public int inputDim() {
        return inputDim;
    }

    @Override
    public Codebook codebook(int level) {
        return codebooks[level];
    }

    @Override
    public Encoding encode(Embeddings items, int numThreads) {
        if (closed) {
            throw new IllegalStateException("RqVaeModel is closed");
        }
        if (items.dim() != inputDim) {
            throw new QuantizationException(
                    "RQ-VAE encode: expected embeddings of dimension "
                            + inputDim
                            + ", found "
                            + items.dim());
        }
        int n = items.rows();
        int e = config.latentDim();
        float[] x = items.array();
        float[] z = new float[n * e];
        for (int s = 0; s < n; s += CHUNK) {
            int b = Math.min(CHUNK, n - s);
            float[] chunk = Arrays.copyOfRange(x, s * inputDim, (s + b) * inputDim);
            if (mean != null) {
                chunk = standardized(chunk, b, inputDim, mean, scale);
            }
            float[] zb =
                    encoder.run(Map.of(RqVaeGraphs.X, HostTensor.ofFloats(chunk, b, inputDim)))
                            .get(RqVaeGraphs.Z)
                            .toFloatArray();
            System.arraycopy(zb, 0, z, s * e, b * e);
        }
        float[] xq = new float[n * e];
        // the scalar search, as before: RQ-VAE latents are small (32-d) and trained on this path
        Encoding enc = ResidualCoding.encode(z, n, e, codebooks, false, numThreads, xq);
        double se = 0;
        for (int s = 0; s < n; s += CHUNK) {
            int b = Math.min(CHUNK, n - s);
            float[] chunk = Arrays.copyOfRange(xq, s * e, (s + b) * e);
            float[] rec =
                    decoder.run(Map.of(RqVaeGraphs.XQ, HostTensor.ofFloats(chunk, b, e)))
                            .get(RqVaeGraphs.RECON)
                            .toFloatArray();
            for (int k = 0; k < rec.length; k++) {
                double r = mean == null ? rec[k] : rec[k] * scale + mean[k % inputDim];
                double d = r - x[s * inputDim + k];
                se += d * d;
            }
        }
        return new Encoding(
                n,
                config.levels(),
                enc.codesArray(),
                enc.lastResidualsArray(),
                e,
                enc.meanResidualNorms(),
                se / ((double) n * inputDim));
    }

    /**
     * Writes the model as safetensors with versioned metadata, atomically.
     *
     * @param file the target
     */
    public void save(Path file) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", ModelFiles.MAGIC);
        meta.put("version", Integer.toString(ModelFiles.VERSION));
        meta.put("kind", KIND);
        meta.put("inputDim", Integer.toString(inputDim));
        meta.putAll(configToMap(config));
        if (mean != null) {
            double[] md = new double[mean.length];
            for (int j = 0; j < md.length; j++) {
                md[j] = mean[j];
            }
            meta.put("standardize.mean", join(md));
            meta.put("standardize.scale", Double.toString(scale));
        }
        meta.put("history.epochLoss", join(history.epochLoss()));
        meta.put("history.epochSeconds", join(history.epochSeconds()));
        meta.put("history.steps", Long.toString(history.steps()));
        meta.put("history.itemsPerSecond", Double.toString(history.itemsPerSecond()));
        meta.put("history.initialLoss", Double.toString(history.initialLoss()));
        meta.put("history.codesReseeded", Integer.toString(history.codesReseeded()));
        meta.put("history.stepSeconds", Double.toString(history.stepSeconds()));
        meta.put("history.mappingSeconds", Double.toString(history.mappingSeconds()));
        store.save(file, meta);
    }

    /**
     * @param file a file written by {@link #save(Path)}
     * @return the model (close it)
     * @throws QuantizationException naming the file if it is not an RQ-VAE model of a known version
     *     or its parameters do not match its configuration
     */
    public static RqVaeModel load(Path file) {
        Map<String, String> meta;
        try {
            meta = Safetensors.read(file).metadata();
        } catch (RuntimeException e) {
            throw new QuantizationException(
                    "cannot read " + file + " as an RQ-VAE model: " + e.getMessage(), e);
        }
        if (meta == null || !ModelFiles.MAGIC.equals(meta.get("format"))) {
            throw new QuantizationException(
                    file + ": expected an lcrec-quantizer model (metadata format), found " + meta);
        }
        if (!Integer.toString(ModelFiles.VERSION).equals(meta.get("version"))) {
            throw new QuantizationException(
                    file
                            + ": unknown lcrec-quantizer format version "
                            + meta.get("version")
                            + " (this build reads version "
                            + ModelFiles.VERSION
                            + ")");
        }
        if (!KIND.equals(meta.get("kind"))) {
            throw new QuantizationException(
                    file + ": expected a " + KIND + " model, found \"" + meta.get("kind") + "\"");
        }
        try {
            int inputDim = Integer.parseInt(meta.get("inputDim"));
            RqVaeConfig cfg = configFromMap(meta);
            ParameterStore store =
                    ParameterStore.initialize(RqVaeGraphs.specs(inputDim, cfg).parameters(), 0);
            store.load(file, true);
            TrainingHistory h =
                    new TrainingHistory(
                            split(meta.get("history.epochLoss")),
                            split(meta.get("history.epochSeconds")),
                            Long.parseLong(meta.get("history.steps")),
                            Double.parseDouble(meta.get("history.itemsPerSecond")),
                            Double.parseDouble(meta.get("history.initialLoss")),
                            Integer.parseInt(meta.get("history.codesReseeded")),
                            Double.parseDouble(meta.get("history.stepSeconds")),
                            Double.parseDouble(meta.get("history.mappingSeconds")));
            float[] mean = null;
            double scale = 1;
            if (cfg.standardize()) {
                double[] md = split(meta.get("standardize.mean"));
                if (md.length != inputDim) {
                    throw new QuantizationException(
                            file
                                    + ": standardize.mean: expected "
                                    + inputDim
                                    + " values, found "
                                    + md.length);
                }
                mean = new float[inputDim];
                for (int j = 0; j < inputDim; j++) {
                    mean[j] = (float) md[j];
                }
                scale = Double.parseDouble(meta.get("standardize.scale"));
            }
            return new RqVaeModel(cfg, inputDim, store, h, mean, scale);
        } catch (NullPointerException | IllegalArgumentException e) {
            throw new QuantizationException(
                    file + ": malformed RQ-VAE model: " + e.getMessage(), e);
        }
    }

    private static Map<String, String> configToMap(RqVaeConfig c) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(
                "config.encoderLayers",
                join(Arrays.stream(c.encoderLayers()).asDoubleStream().toArray()));
        m.put("config.latentDim", Integer.toString(c.latentDim()));
        m.put("config.levels", Integer.toString(c.levels()));
        m.put("config.codes", Integer.toString(c.codes()));
        m.put("config.beta", Double.toString(c.beta()));
        m.put("config.reconstructionLoss", c.reconstructionLoss().name());
        m.put("config.dropout", Double.toString(c.dropout()));
        m.put("config.batchNorm", Boolean.toString(c.batchNorm()));
        m.put("config.learningRate", Double.toString(c.learningRate()));
        m.put("config.weightDecay", Double.toString(c.weightDecay()));
        m.put("config.batchSize", Integer.toString(c.batchSize()));
        m.put("config.epochs", Integer.toString(c.epochs()));
        m.put("config.warmupSteps", Integer.toString(c.warmupSteps()));
        m.put("config.schedule", c.schedule().name());
        m.put("config.clipNorm", Double.toString(c.clipNorm()));
        m.put("config.sinkhornEpsilons", join(c.sinkhornEpsilons()));
        m.put("config.sinkhornIterations", Integer.toString(c.sinkhornIterations()));
        m.put("config.kmeansInit", Boolean.toString(c.kmeansInit()));
        m.put("config.kmeansSample", Integer.toString(c.kmeansSample()));
        m.put("config.kmeansIterations", Integer.toString(c.kmeansIterations()));
        m.put("config.deadCodePolicy", c.deadCodePolicy().name());
        m.put("config.seed", Long.toString(c.seed()));
        m.put("config.numThreads", Integer.toString(c.numThreads()));
        m.put("config.standardize", Boolean.toString(c.standardize()));
        return m;
    }

    private static RqVaeConfig configFromMap(Map<String, String> m) {
        double[] layers = split(m.get("config.encoderLayers"));
        int[] li = new int[layers.length];
        for (int i = 0; i < li.length; i++) {
            li[i] = (int) layers[i];
        }
        return RqVaeConfig.builder()
                .encoderLayers(li)
                .latentDim(Integer.parseInt(m.get("config.latentDim")))
                .levels(Integer.parseInt(m.get("config.levels")))
                .codes(Integer.parseInt(m.get("config.codes")))
                .beta(Double.parseDouble(m.get("config.beta")))
                .reconstructionLoss(ReconstructionLoss.valueOf(m.get("config.reconstructionLoss")))
                .dropout(Double.parseDouble(m.get("config.dropout")))
                .batchNorm(Boolean.parseBoolean(m.getOrDefault("config.batchNorm", "false")))
                .learningRate(Double.parseDouble(m.get("config.learningRate")))
                .weightDecay(Double.parseDouble(m.get("config.weightDecay")))
                .batchSize(Integer.parseInt(m.get("config.batchSize")))
                .epochs(Integer.parseInt(m.get("config.epochs")))
                .warmupSteps(Integer.parseInt(m.get("config.warmupSteps")))
                .schedule(LrScheduleKind.valueOf(m.get("config.schedule")))
                .clipNorm(Double.parseDouble(m.get("config.clipNorm")))
                .sinkhornEpsilons(split(m.get("config.sinkhornEpsilons")))
                .sinkhornIterations(Integer.parseInt(m.get("config.sinkhornIterations")))
                .kmeansInit(Boolean.parseBoolean(m.get("config.kmeansInit")))
                .kmeansSample(Integer.parseInt(m.get("config.kmeansSample")))
                .kmeansIterations(Integer.parseInt(m.get("config.kmeansIterations")))
                .deadCodePolicy(DeadCodePolicy.valueOf(m.get("config.deadCodePolicy")))
                .seed(Long.parseLong(m.get("config.seed")))
                .numThreads(Integer.parseInt(m.get("config.numThreads")))
                .standardize(Boolean.parseBoolean(m.get("config.standardize")))
                .build();
    }

    private static String join(double[] v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : ",").append(v[i]);
        }
        return sb.toString();
    }

    private static double[] split(String s) {
        if (s == null) {
            throw new IllegalArgumentException("missing metadata entry");
        }
        if (s.isEmpty()) {
            return new double[0];
        }
        String[] p = s.split(",");
        double[] v = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            v[i] = Double.parseDouble(p[i]);
        }
        return v;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        encoder.close();
        decoder.close();
    }

    @Override
    public String toString() {
        return "RqVaeModel(inputDim=" + inputDim + ", " + config + ", " + history + ")";
    }
}
