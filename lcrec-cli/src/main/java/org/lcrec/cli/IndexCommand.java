package org.lcrec.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.lcrec.core.Dataset;
import org.lcrec.core.Item;
import org.lcrec.core.ItemCatalog;
import org.lcrec.core.io.AtomicFiles;
import org.lcrec.core.io.DatasetDirectory;
import org.lcrec.core.io.MiniOneRecImporter;
import org.lcrec.core.render.Charts;
import org.lcrec.model.encoder.EmbeddingCache;
import org.lcrec.model.encoder.EncoderException;
import org.lcrec.model.encoder.ItemTexts;
import org.lcrec.model.encoder.TextEncoder;
import org.lcrec.model.encoder.TextEncoderConfig;
import org.lcrec.quantization.Embeddings;
import org.lcrec.quantization.GeneratedIndex;
import org.lcrec.quantization.IndexConfig;
import org.lcrec.quantization.IndexGenerator;
import org.lcrec.quantization.IndexStatistics;
import org.lcrec.quantization.ItemQuantizer;
import org.lcrec.quantization.LexicalEmbeddings;
import org.lcrec.quantization.QuantizationException;
import org.lcrec.quantization.RqKMeansConfig;
import org.lcrec.quantization.RqKMeansModel;
import org.lcrec.quantization.RqKMeansTrainer;
import org.lcrec.quantization.RqVaeConfig;
import org.lcrec.quantization.RqVaeModel;
import org.lcrec.quantization.RqVaeTrainer;
import org.lcrec.quantization.TrainingHistory;
import org.lcrec.tokenizers.TokenizerException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lcrec index}: learns semantic item IDs from item embeddings (RQ-VAE or RQ-KMeans) and
 * writes a collision-free LC-Rec {@code index.json}. Embeddings come from {@code --embeddings
 * FILE.npy} (row = item id, e.g. LC-Rec's {@code *.emb-llama-td.npy}), else they are computed from
 * the item texts by the text encoder ({@code --encoder minilm}, all-MiniLM-L6-v2 on ONNX Runtime,
 * cached in {@code --cache} and reused while encoder and texts are unchanged) or lexically ({@code
 * --encoder lexical}).
 */
@Command(
        name = "index",
        mixinStandardHelpOptions = true,
        description =
                "Learn semantic item IDs (RQ-VAE or RQ-KMeans) and write a collision-free"
                        + " index.json.")
public final class IndexCommand implements Runnable {
    /** Dimension of the lexical embeddings computed when no embeddings are given. */
    static final int LEXICAL_DIM = 256;

    @Spec CommandSpec spec;

    @Mixin DataOptions data = new DataOptions();

    @Option(
            names = "--method",
            paramLabel = "rqvae|rqkmeans",
            defaultValue = "rqvae",
            description = "Indexer: rqvae (trained on ONNX Runtime) or rqkmeans. Default: rqvae.")
    String method;

    @Option(
            names = "--preset",
            paramLabel = "NAME",
            defaultValue = "cpu",
            description = "cpu or lcrec-paper. Default: cpu.")
    String preset;

    @Option(
            names = "--out",
            paramLabel = "FILE",
            required = true,
            description = "index.json to write.")
    Path out;

    @Option(
            names = "--embeddings",
            paramLabel = "FILE.npy",
            description = "Item embeddings [items, dim] float32/float64 .npy, row = item id.")
    Path embeddings;

    @Option(
            names = "--encoder",
            paramLabel = "minilm|lexical",
            defaultValue = "minilm",
            description =
                    "Text encoder when no --embeddings: minilm (all-MiniLM-L6-v2, LC-Rec's title +"
                            + " description fields) or lexical (hashed TF-IDF). Default: minilm.")
    String encoder;

    @Option(
            names = "--cache",
            paramLabel = "FILE.npy",
            description =
                    "Cache of computed text embeddings, reused while encoder and texts are"
                            + " unchanged. Default: beside --out, <out>.emb-<encoder>.npy.")
    Path cache;

    @Option(
            names = "--report",
            paramLabel = "FILE",
            description = "Write a JSON report (-: on stdout instead of the table).")
    Path report;

    @Option(names = "--save-model", paramLabel = "FILE", description = "Also save the model.")
    Path saveModel;

    @Option(
            names = "--batch-norm",
            description = "RQ-VAE: batch normalisation after every hidden layer (LC-Rec's --bn).")
    boolean batchNorm;

    @Option(names = "--epochs", paramLabel = "N", description = "Override the preset's epochs.")
    Integer epochs;

    @Option(names = "--levels", paramLabel = "L", description = "Override the preset's levels.")
    Integer levels;

    @Option(names = "--codes", paramLabel = "K", description = "Override codes per level.")
    Integer codes;

    @Option(names = "--seed", paramLabel = "S", description = "Override the preset's seed.")
    Long seed;

    @Option(
            names = "--threads",
            paramLabel = "N",
            defaultValue = "2",
            description = "Worker threads (ORT intra-op and Java). Default: 2.")
    int threads;

    @Option(
            names = "--balanced",
            description =
                    "RQ-KMeans: balance every level's assignment by Sinkhorn (even code usage).")
    boolean balanced;

    @Option(
            names = "--no-mapping",
            description = "Assign the last level by nearest code instead of uniform mapping.")
    boolean noMapping;

    @Option(
            names = "--charts",
            description =
                    "Also write PNG charts next to --report: <report>.code-usage.png and, for"
                            + " rqvae, <report>.loss.png (loss per epoch).")
    boolean charts;

    @Override
    public void run() {
        try {
            execute();
        } catch (QuantizationException e) {
            // one line on stderr, exit code 2, like every other bad-input error of the CLI
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private void execute() {
        Output output = Output.of(spec, report);
        PrintWriter o = output.results();
        long t0 = System.nanoTime();
        if (!method.equals("rqvae") && !method.equals("rqkmeans")) {
            throw new IllegalArgumentException(
                    "--method: expected rqvae or rqkmeans, found \"" + method + "\"");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be >= 1, found " + threads);
        }
        Path chartBase = charts ? output.reportFile("--charts") : null;
        ItemCatalog catalog = catalog();
        int[] ids = catalog.ids();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("source", data.synthetic() ? "synthetic (seed 42)" : data.dir().toString());
        json.put("method", method);
        json.put("preset", preset);
        String embSource;
        Embeddings x;
        if (embeddings != null) {
            x = Embeddings.readNpy(embeddings);
            embSource = embeddings.toString();
        } else if (encoder.equals("lexical")) {
            Path c = cachePath();
            List<String> texts = new ArrayList<>(ids.length);
            for (Item it : catalog.items()) {
                texts.add(it.title() + " " + it.description());
            }
            // the cache holds for these texts at this dimension only: its key file says which
            String key = lexicalKey(texts);
            Path keyFile = c.resolveSibling(c.getFileName() + ".key");
            if (Files.exists(c) && Files.exists(keyFile) && readKey(keyFile).equals(key)) {
                x = Embeddings.readNpy(c);
                embSource = "lexical cache " + c;
            } else {
                x = LexicalEmbeddings.of(texts, LEXICAL_DIM);
                x.writeNpy(c);
                AtomicFiles.writeString(keyFile, key + "\n");
                embSource =
                        "lexical (hashed TF-IDF of title + description, dim "
                                + LEXICAL_DIM
                                + "), cached in "
                                + c;
            }
        } else if (encoder.equals("minilm")) {
            Path c = cachePath();
            TextEncoderConfig tc = TextEncoderConfig.defaults().withNumThreads(threads);
            try (TextEncoder te = TextEncoder.miniLm(tc);
                    ProgressBar bar =
                            new ProgressBar(
                                    output.progress(),
                                    "embedding",
                                    (long) ids.length * ItemTexts.lcRec().fieldCount())) {
                EmbeddingCache.Result r =
                        EmbeddingCache.embed(
                                te,
                                catalog,
                                ItemTexts.lcRec(),
                                c,
                                (done, all) -> bar.update(done, "texts"));
                float[][] rows = r.embeddings();
                int dim = te.dimension();
                float[] flat = new float[rows.length * dim];
                for (int i = 0; i < rows.length; i++) {
                    System.arraycopy(rows[i], 0, flat, i * dim, dim);
                }
                x = Embeddings.of(flat, rows.length, dim);
                embSource = te.id() + (r.fromCache() ? ", from cache " : ", cached in ") + c;
            } catch (EncoderException | TokenizerException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        } else {
            throw new IllegalArgumentException(
                    "--encoder: expected minilm or lexical, found \"" + encoder + "\"");
        }
        if (x.rows() != ids.length) {
            throw new IllegalArgumentException(
                    embSource
                            + ": expected one embedding row per item ("
                            + ids.length
                            + " items), found "
                            + x.rows()
                            + " rows");
        }
        o.printf(
                Locale.ROOT,
                "%-24s %,d x %d from %s%n",
                "embeddings",
                x.rows(),
                x.dim(),
                embSource);
        json.put("embeddings", Map.of("source", embSource, "items", x.rows(), "dim", x.dim()));
        IndexConfig ic = IndexConfig.lcRec().withNumThreads(threads).withUniformMapping(!noMapping);
        GeneratedIndex g;
        List<Double> epochLoss = new ArrayList<>();
        if (method.equals("rqvae")) {
            RqVaeConfig c = RqVaeConfig.preset(preset);
            RqVaeConfig.Builder b = c.toBuilder().numThreads(threads);
            if (batchNorm) {
                b.batchNorm(true);
            }
            if (epochs != null) {
                b.epochs(epochs);
            }
            if (seed != null) {
                b.seed(seed);
            }
            if (codes != null) {
                b.codes(codes).kmeansSample(Math.max(c.kmeansSample(), codes));
            }
            if (levels != null) {
                double[] sk = new double[levels];
                sk[levels - 1] = c.sinkhornEpsilons()[c.levels() - 1];
                b.levels(levels).sinkhornEpsilons(sk);
            }
            c = b.build();
            o.println(c);
            json.put("config", c.toString());
            int total = c.epochs();
            RqVaeModel trained;
            try (ProgressBar bar = new ProgressBar(output.progress(), "training", total)) {
                trained =
                        new RqVaeTrainer(c)
                                .fit(
                                        x,
                                        (e, loss, sec) ->
                                                bar.update(
                                                        e,
                                                        String.format(
                                                                Locale.ROOT, "loss %.5f", loss)));
            }
            try (RqVaeModel m = trained) {
                TrainingHistory h = m.history();
                Arrays.stream(h.epochLoss()).forEach(epochLoss::add);
                o.printf(
                        Locale.ROOT,
                        "%-24s %.3f s/epoch, %.0f items/s, loss %.5g -> %.5g %s, %d codes"
                                + " reseeded%n",
                        "trained",
                        h.secondsPerEpoch(),
                        h.itemsPerSecond(),
                        h.epochLoss()[0],
                        h.epochLoss()[h.epochLoss().length - 1],
                        h.sparkline(40),
                        h.codesReseeded());
                Map<String, Object> hj = new LinkedHashMap<>();
                hj.put("secondsPerEpoch", h.secondsPerEpoch());
                hj.put("itemsPerSecond", h.itemsPerSecond());
                hj.put("initialLoss", h.initialLoss());
                hj.put("epochLoss", h.epochLoss());
                hj.put("codesReseeded", h.codesReseeded());
                json.put("training", hj);
                g = generate(ic, m, x, ids);
                if (saveModel != null) {
                    m.save(saveModel);
                }
            }
        } else {
            RqKMeansConfig c = RqKMeansConfig.preset(preset);
            RqKMeansConfig.Builder b = c.toBuilder().numThreads(threads).balanced(balanced);
            if (seed != null) {
                b.seed(seed);
            }
            if (codes != null) {
                b.codes(codes);
            }
            if (levels != null) {
                b.levels(levels);
            }
            if (epochs != null) {
                b.maxIterations(epochs);
            }
            c = b.build();
            o.println(c);
            json.put("config", c.toString());
            long tt = System.nanoTime();
            RqKMeansModel m = new RqKMeansTrainer(c).fit(x);
            double secs = (System.nanoTime() - tt) / 1e9;
            o.printf(
                    Locale.ROOT,
                    "%-24s %.2f s, inertia %s%n",
                    "trained",
                    secs,
                    Arrays.toString(m.inertia()));
            json.put("training", Map.of("seconds", secs, "inertia", m.inertia()));
            g = generate(ic, m, x, ids);
            if (saveModel != null) {
                m.save(saveModel);
            }
        }
        g.writeIndexJson(out);
        IndexStatistics s = g.statistics();
        o.printf(
                Locale.ROOT,
                "%-24s %s%n",
                "levels",
                s.levels() + (s.levelsAdded() > 0 ? " (1 added)" : ""));
        o.printf(Locale.ROOT, "%-24s %s%n", "codes used per level", Arrays.toString(s.codesUsed()));
        StringBuilder ppl = new StringBuilder();
        for (double p : s.perplexity()) {
            ppl.append(ppl.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.1f", p));
        }
        o.printf(Locale.ROOT, "%-24s [%s]%n", "perplexity per level", ppl);
        o.printf(Locale.ROOT, "%-24s %.6g%n", "reconstruction MSE", s.reconstructionMse());
        o.printf(
                Locale.ROOT,
                "%-24s %,d (%.2f%%) nearest code, %,d (%.2f%%) after uniform mapping%n",
                "collisions before",
                s.collisionsNearest(),
                100 * s.rate(s.collisionsNearest()),
                s.collisionsAfterMapping(),
                100 * s.rate(s.collisionsAfterMapping()));
        o.printf(Locale.ROOT, "%-24s %,d%n", "items moved", s.itemsMoved());
        o.printf(Locale.ROOT, "%-24s %,d%n", "collisions after", s.collisionsFinal());
        double seconds = (System.nanoTime() - t0) / 1e9;
        o.printf(Locale.ROOT, "%-24s %s%n", "wrote", out);
        output.progress().printf(Locale.ROOT, "%-24s %.1f s%n", "indexed in", seconds);
        Map<String, Object> sj = new LinkedHashMap<>();
        sj.put("items", s.items());
        sj.put("levels", s.levels());
        sj.put("levelsAdded", s.levelsAdded());
        sj.put("codesUsed", s.codesUsed());
        sj.put("perplexity", s.perplexity());
        sj.put("meanResidualNorms", s.meanResidualNorms());
        sj.put("reconstructionMse", s.reconstructionMse());
        sj.put("collisionsNearest", s.collisionsNearest());
        sj.put("collisionsAfterMapping", s.collisionsAfterMapping());
        sj.put("itemsMoved", s.itemsMoved());
        sj.put("collisionsFinal", s.collisionsFinal());
        json.put("mapping", ic.toString());
        json.put("statistics", sj);
        json.put("out", out.toString());
        json.put("seconds", seconds);
        output.report(json);
        if (charts) {
            o.printf(
                    Locale.ROOT,
                    "%-24s %s%n",
                    "chart",
                    Charts.codeUsage(Reports.sibling(chartBase, ".code-usage.png"), g.codeUsage()));
            if (!epochLoss.isEmpty()) {
                o.printf(
                        Locale.ROOT,
                        "%-24s %s%n",
                        "chart",
                        Charts.lossCurve(
                                Reports.sibling(chartBase, ".loss.png"),
                                "RQ-VAE loss per epoch",
                                epochLoss));
            }
        }
        output.flush();
    }

    /** What the lexical cache depends on: the method, its dimension and every item's text. */
    static String lexicalKey(List<String> texts) {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            md.update(("lexical-v1 dim=" + LEXICAL_DIM + "\n").getBytes(StandardCharsets.UTF_8));
            for (String t : texts) {
                md.update(t.getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
            }
            return "sha256:" + java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    private static String readKey(Path keyFile) {
        try {
            return Files.readString(keyFile).strip();
        } catch (java.io.IOException e) {
            return ""; // an unreadable key means the cache is rebuilt
        }
    }

    private Path cachePath() {
        if (cache != null) {
            return cache;
        }
        String name = out.getFileName().toString();
        int dot = name.lastIndexOf(".json");
        String stem = dot > 0 ? name.substring(0, dot) : name;
        return out.toAbsolutePath().resolveSibling(stem + ".emb-" + encoder + ".npy");
    }

    private GeneratedIndex generate(IndexConfig ic, ItemQuantizer q, Embeddings x, int[] ids) {
        return new IndexGenerator(ic).generate(q, x, ids);
    }

    private ItemCatalog catalog() {
        if (data.synthetic()) {
            return data.load().items();
        }
        DatasetDirectory.Detected d = DatasetDirectory.detect(data.dir());
        Dataset ds =
                d.layout() == DatasetDirectory.Layout.MINIONEREC
                        ? MiniOneRecImporter.read(d.dir(), d.name()).dataset()
                        : DatasetDirectory.read(d.dir());
        return ds.items();
    }
}
