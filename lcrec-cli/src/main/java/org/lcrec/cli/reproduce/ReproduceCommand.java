package org.lcrec.cli.reproduce;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.lcrec.cli.DeviceFlag;
import org.lcrec.cli.DeviceOption;
import org.lcrec.cli.EvaluationBar;
import org.lcrec.cli.Lcrec;
import org.lcrec.cli.Output;
import org.lcrec.cli.ProgressBar;
import org.lcrec.cli.pipeline.Pipeline;
import org.lcrec.cli.pipeline.Stage;
import org.lcrec.core.Dataset;
import org.lcrec.core.Interactions;
import org.lcrec.core.LeaveOneOut;
import org.lcrec.core.SemanticIndex;
import org.lcrec.core.Split;
import org.lcrec.core.SyntheticDataset;
import org.lcrec.core.UnknownItemPolicy;
import org.lcrec.core.io.AtomicFiles;
import org.lcrec.core.io.LcRecFiles;
import org.lcrec.inference.DecoderOptions;
import org.lcrec.inference.EvaluationConfig;
import org.lcrec.inference.EvaluationResult;
import org.lcrec.inference.Evaluator;
import org.lcrec.inference.ModelBundle;
import org.lcrec.inference.PairedComparison;
import org.lcrec.inference.Recommender;
import org.lcrec.inference.RecommenderConfig;
import org.lcrec.inference.baseline.Baseline;
import org.lcrec.inference.baseline.BaselineEvaluation;
import org.lcrec.inference.baseline.EvaluationRules;
import org.lcrec.inference.baseline.Visibility;
import org.lcrec.model.RecommenderTrainer;
import org.lcrec.model.RecommenderTrainerConfig;
import org.lcrec.model.sasrec.SasRecConfig;
import org.lcrec.model.sasrec.SasRecEpoch;
import org.lcrec.model.sasrec.SasRecListener;
import org.lcrec.model.sasrec.SasRecModel;
import org.lcrec.model.sasrec.SasRecTrainer;
import org.lcrec.model.sft.Progress;
import org.lcrec.model.sft.SftPrompts;
import org.lcrec.tasks.TaskType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lcrec reproduce}: the whole LC-Rec pipeline on one dataset, every stage cached and
 * resumable: data → index (text embeddings cached inside) → per task mix: train (with
 * validation-based checkpoint selection) and test evaluation → baselines → {@code results.md} and
 * {@code results.json}.
 */
@Command(
        name = "reproduce",
        mixinStandardHelpOptions = true,
        description =
                "Run the whole pipeline (index, tasks, training, evaluation, baselines) and write"
                        + " results.md/results.json. Rerunning resumes at the last finished stage.")
public final class ReproduceCommand implements Runnable {
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Intra-op threads of the training session (see {@link #train}). */
    static final int TRAINING_THREADS = 1;

    private static final String[] TABLE = {"HR@1", "HR@5", "HR@10", "NDCG@5", "NDCG@10"};

    @Spec CommandSpec spec;

    @Option(
            names = "--data",
            paramLabel = "DIR",
            description = "Dataset directory (default: the config's, or the synthetic dataset).")
    Path dataDir;

    @Option(
            names = "--config",
            paramLabel = "NAME|FILE",
            description =
                    "synthetic (default), instruments-seqrec, industrial-full, or a JSON file.")
    String configName;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Run directory (default: runs/<config>).")
    Path out;

    @Option(
            names = "--index",
            paramLabel = "given|rqvae|rqkmeans",
            description = "Override the index source.")
    String indexOverride;

    @Option(names = "--epochs", paramLabel = "N", description = "Override the training epochs.")
    Integer epochsOverride;

    @Option(
            names = "--test-users",
            paramLabel = "N",
            description = "Override how many test users are scored (0: all).")
    Integer testUsersOverride;

    @Option(
            names = "--exclude-history",
            description =
                    "Never recommend an item already in the history, for the model and every"
                            + " baseline (default: the config's; LC-Rec allows them).")
    boolean excludeHistoryOverride;

    @Option(
            names = "--members",
            paramLabel = "N",
            description =
                    "Override how many models are trained per mix and decoded together as one"
                            + " ensemble (member m trains with seed + 1000 (m - 1)).")
    Integer membersOverride;

    @Option(
            names = "--seed",
            paramLabel = "N",
            description = "Override the seed (a run per seed shows the spread of the figures).")
    Long seedOverride;

    @Option(
            names = "--threads",
            paramLabel = "N",
            defaultValue = "2",
            description =
                    "Threads of decoding, the index stage and the optimiser. Default: 2. Training's"
                            + " ONNX Runtime session always uses one: with two, the same seed gave"
                            + " different models.")
    int threads;

    /** Training and evaluation run there, the index on the CPU; not in the stage fingerprints. */
    @Mixin DeviceFlag device;

    private ReproduceConfig cfg;
    private Dataset dataset;
    private Path dataPath;

    @Override
    public void run() {
        Output output = Output.of(spec);
        // stage lines, training progress and timings; the results table alone is on stdout
        PrintWriter o = output.progress();
        long t0 = System.nanoTime();
        cfg = effectiveConfig();
        dataPath = dataDir != null ? dataDir : cfg.data() == null ? null : Path.of(cfg.data());
        Path root = out != null ? out : Path.of("runs", cfg.name());
        DeviceOption dev = device.get();
        o.printf(
                Locale.ROOT,
                "reproduce %s on %s -> %s (%s)%n",
                cfg.name(),
                dataPath == null ? "the synthetic dataset" : dataPath,
                root,
                dev);
        Pipeline p = new Pipeline(root, o);
        p.add(dataStage());
        p.add(indexStage(root));
        for (List<String> mix : cfg.mixes()) {
            for (int m = 1; m <= cfg.members(); m++) {
                p.add(trainStage(root, mix, m));
            }
            p.add(testStage(root, mix));
        }
        p.add(baselineStage());
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + root + ": " + e.getMessage(), e);
        }
        write(root.resolve("config.json"), cfg);
        List<Pipeline.StageResult> results = p.run();
        List<Results.MixComparison> paired = compareMixes(root);
        double total = (System.nanoTime() - t0) / 1e9;
        String md = Results.markdown(cfg, dataPath, results, paired, total);
        AtomicFiles.writeString(root.resolve("results.md"), md);
        write(root.resolve("results.json"), Results.json(cfg, dataPath, results, paired, total));
        o.flush();
        output.results().print(md);
        output.flush();
    }

    /**
     * Every mix paired with co-occurrence, and every mix after the first with the first (seqrec
     * alone in the shipped configs), over the test users: "beats the count" and "the other tasks
     * help" are claims about these differences, so they get intervals and p-values, not just means.
     */
    private List<Results.MixComparison> compareMixes(Path root) {
        List<Results.MixComparison> rows = new ArrayList<>();
        List<List<String>> mixes = cfg.mixes();
        Path cooc = root.resolve("baselines").resolve(fileName("co-occurrence") + ".json");
        if (Files.isRegularFile(cooc)) {
            EvaluationResult c = EvaluationResult.read(cooc);
            for (List<String> mix : mixes) {
                paired(rows, "co-occurrence", c, mix, testResult(root, mix));
            }
        }
        if (mixes.size() < 2) {
            return rows;
        }
        EvaluationResult first = testResult(root, mixes.get(0));
        for (List<String> mix : mixes.subList(1, mixes.size())) {
            paired(rows, ReproduceConfig.mixName(mixes.get(0)), first, mix, testResult(root, mix));
        }
        return rows;
    }

    /** Adds {@code b − a} for NDCG@10 and HR@10 to {@code rows}. */
    private void paired(
            List<Results.MixComparison> rows,
            String aName,
            EvaluationResult a,
            List<String> mix,
            EvaluationResult b) {
        for (PairedComparison.Row r : PairedComparison.compare(a, b, 1000, 0.95, cfg.seed())) {
            if (r.metric().equals("ndcg@10") || r.metric().equals("hr@10")) {
                rows.add(new Results.MixComparison(ReproduceConfig.mixName(mix), aName, r));
            }
        }
    }

    private static EvaluationResult testResult(Path root, List<String> mix) {
        return EvaluationResult.read(
                root.resolve("test-" + ReproduceConfig.mixName(mix)).resolve("evaluation.json"));
    }

    private ReproduceConfig effectiveConfig() {
        String name = configName != null ? configName : "synthetic";
        ReproduceConfig c = ReproduceConfig.load(name);
        return new ReproduceConfig(
                c.name(),
                c.data(),
                indexOverride != null ? indexOverride : c.index(),
                c.indexPreset(),
                c.indexCodes(),
                c.embedder(),
                c.mixes(),
                c.model(),
                epochsOverride != null ? epochsOverride : c.epochs(),
                c.learningRate(),
                c.batchSize(),
                c.maxLength(),
                c.maxSamples(),
                c.maxHistory(),
                c.beams(),
                c.templates(),
                c.validUsers(),
                testUsersOverride != null ? testUsersOverride : c.testUsers(),
                c.evaluateEvery(),
                seedOverride != null ? seedOverride : c.seed(),
                c.form(),
                c.dropout(),
                c.weightDecay(),
                c.warmupRatio(),
                c.patience(),
                excludeHistoryOverride || c.excludeHistory(),
                c.vocabulary(),
                c.sasrec(),
                c.sasrecEpochs(),
                c.keep(),
                membersOverride != null ? membersOverride : c.members());
    }

    private Dataset dataset() {
        if (dataset == null) {
            dataset = dataPath == null ? Dataset.synthetic() : Dataset.load(dataPath);
        }
        return dataset;
    }

    /**
     * What the data stage's fingerprint holds: every file's name, size and SHA-256. The content,
     * not the path or modification times: a dataset copied or unpacked again (new times, same
     * bytes) keeps its run's stages, and an edited file invalidates them.
     */
    private String dataIdentity() {
        if (dataPath == null) {
            return "synthetic(seed=42)";
        }
        StringBuilder sb = new StringBuilder();
        List<Path> files;
        try (Stream<Path> s = Files.list(dataPath)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dataPath + ": " + e.getMessage(), e);
        }
        for (Path f : files) {
            sb.append(f.getFileName()).append('=').append(sha256(f)).append(';');
        }
        return sb.toString();
    }

    private static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            long size = 0;
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
                size += n;
            }
            return size + ":" + HexFormat.of().formatHex(d.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    // ------------------------------------------------------------------ stages

    private Stage dataStage() {
        return stage(
                "data",
                Map.of("data", dataIdentity()),
                dir -> {
                    Map<String, Object> stats = new LinkedHashMap<>(dataset().stats().asMap());
                    write(dir.resolve("stats.json"), stats);
                    return stats;
                });
    }

    private Stage indexStage(Path root) {
        Map<String, Object> fp = new LinkedHashMap<>();
        fp.put("index", cfg.index());
        fp.put("preset", cfg.indexPreset());
        fp.put("codes", cfg.indexCodes());
        fp.put("embedder", cfg.embedder());
        fp.put("seed", cfg.seed());
        return stage(
                "index",
                fp,
                dir -> {
                    Path file = dir.resolve("index.json");
                    if (cfg.index().equals("given")) {
                        SemanticIndex ix = dataset().index();
                        LcRecFiles.writeIndex(file, ix);
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("source", "given");
                        m.put("levels", ix.levels());
                        m.put("collidingItems", ix.collisions().surplusItems());
                        return m;
                    }
                    List<String> args =
                            new ArrayList<>(
                                    List.of(
                                            "index",
                                            "--method",
                                            cfg.index(),
                                            "--preset",
                                            cfg.indexPreset(),
                                            "--out",
                                            file.toString(),
                                            "--seed",
                                            Long.toString(cfg.seed()),
                                            "--threads",
                                            Integer.toString(threads),
                                            "--report",
                                            dir.resolve("report.json").toString()));
                    if (cfg.indexCodes() > 0) {
                        args.add("--codes");
                        args.add(Integer.toString(cfg.indexCodes()));
                    }
                    args.add("--encoder");
                    args.add(cfg.embedder());
                    args.add("--cache");
                    args.add(dir.resolve("embeddings-" + cfg.embedder() + ".npy").toString());
                    addData(args);
                    subcommand(args);
                    Map<String, Object> r = readReport(dir.resolve("report.json"));
                    r.remove("config");
                    return r;
                });
    }

    /** The training stage of one member; member 1's directory is {@code train-<mix>}. */
    static String trainDir(List<String> mix, int member) {
        return "train-" + ReproduceConfig.mixName(mix) + (member == 1 ? "" : "-" + member);
    }

    private Stage trainStage(Path root, List<String> mix, int member) {
        long seed = cfg.memberSeed(member);
        Map<String, Object> fp = new LinkedHashMap<>();
        fp.put("mix", mix);
        fp.put("model", cfg.model());
        fp.put("epochs", cfg.epochs());
        fp.put("lr", cfg.learningRate());
        fp.put("batch", cfg.batchSize());
        fp.put("maxLength", cfg.maxLength());
        fp.put("maxSamples", cfg.maxSamples());
        fp.put("maxHistory", cfg.maxHistory());
        fp.put("validUsers", cfg.validUsers());
        fp.put("templates", cfg.templates());
        fp.put("seed", seed);
        fp.put("form", cfg.form());
        fp.put("dropout", cfg.dropout());
        fp.put("weightDecay", cfg.weightDecay());
        fp.put("warmupRatio", cfg.warmupRatio());
        fp.put("patience", cfg.patience());
        fp.put("evaluateEvery", cfg.evaluateEvery());
        fp.put("excludeHistory", cfg.excludeHistory());
        fp.put("vocabulary", cfg.vocabulary());
        if (!cfg.keep().equals(ReproduceConfig.KEEP_BEST)) {
            // only when set, so that runs from before the option keep their fingerprint
            fp.put("keep", cfg.keep());
        }
        return stage(trainDir(mix, member), fp, dir -> train(root, mix, dir, seed));
    }

    private Map<String, Object> train(Path root, List<String> mix, Path dir, long seed) {
        PrintWriter o = Output.of(spec).progress();
        Dataset ds =
                dataset()
                        .withIndex(
                                LcRecFiles.readIndex(root.resolve("index").resolve("index.json")));
        RecommenderTrainerConfig rc =
                RecommenderTrainerConfig.builder()
                        .tasks(TaskType.parseList(String.join(",", mix)))
                        .sequenceForm(cfg.sequenceForm())
                        .model(cfg.model())
                        .epochs(cfg.epochs())
                        .learningRate(cfg.learningRate())
                        .batchSize(cfg.batchSize())
                        .maxLength(cfg.maxLength())
                        .maxSamples(cfg.maxSamples())
                        .maxHistory(cfg.maxHistory())
                        .beams(cfg.beams())
                        .templates(cfg.templates())
                        .validUsers(cfg.validUsers())
                        .evaluateEvery(cfg.evaluateEvery())
                        .patience(cfg.patience())
                        .keepLast(cfg.keep().equals(ReproduceConfig.KEEP_LAST))
                        .dropout(cfg.dropout())
                        .weightDecay(cfg.weightDecay())
                        .warmupRatio(cfg.warmupRatio())
                        .excludeHistory(cfg.excludeHistory())
                        .compactVocabulary(cfg.compactVocabulary())
                        .seed(seed)
                        // one ORT thread: with two, two runs of the same seed trained different
                        // models (losses apart from step ~26 of the synthetic default); with one
                        // they are bit-identical, and on two shared cores no slower for cpu-tiny
                        .session(device.get().session(TRAINING_THREADS))
                        .decoder(device.get().decoder(threads))
                        .optimizerThreads(threads)
                        .build();
        ProgressBar[] bar = new ProgressBar[1];
        ModelBundle bundle;
        try {
            bundle =
                    new RecommenderTrainer(rc)
                            .train(
                                    ds,
                                    dir.resolve(BUNDLE),
                                    dir,
                                    new RecommenderTrainer.Listener() {
                                        @Override
                                        public void onStart(RecommenderTrainer.Plan p) {
                                            o.printf(
                                                    Locale.ROOT,
                                                    "%-10s %s, %,d parameters, %,d %s of %s, %,d"
                                                            + " steps%n",
                                                    "train",
                                                    p.model(),
                                                    p.parameters(),
                                                    p.examples(),
                                                    cfg.sequenceForm()
                                                            ? "examples ("
                                                                    + p.seqrecTargets()
                                                                    + " seqrec targets in user"
                                                                    + " windows)"
                                                            : "samples",
                                                    p.tasks(),
                                                    p.steps());
                                            bar[0] = new ProgressBar(o, "train", p.steps());
                                        }

                                        @Override
                                        public void onStep(Progress p) {
                                            bar[0].update(
                                                    p.step(),
                                                    String.format(
                                                            Locale.ROOT,
                                                            "loss %.4f  %.0f tok/s",
                                                            p.loss(),
                                                            p.tokensPerSecond()));
                                        }

                                        @Override
                                        public void onValidation(
                                                long step, double ndcg10, double hr10) {
                                            o.printf(
                                                    Locale.ROOT,
                                                    "%n%-10s step %,d: validation NDCG@10 %.4f,"
                                                            + " HR@10 %.4f%n",
                                                    "valid",
                                                    step,
                                                    ndcg10,
                                                    hr10);
                                        }
                                    });
        } finally {
            if (bar[0] != null) {
                bar[0].close();
            }
        }
        Map<String, Object> m = new LinkedHashMap<>(bundle.manifest().training());
        m.put("tasks", mix);
        m.put("samples", m.get("examples"));
        m.put(
                "keptValidNdcg10",
                bundle.manifest()
                        .metrics()
                        .getOrDefault("validation", Map.of())
                        .getOrDefault("ndcg@10", Double.NaN));
        return m;
    }

    /** The bundle a training stage writes, inside its directory. */
    static final String BUNDLE = "bundle";

    /**
     * The test of a mix's model on the test users. With several members the model is their
     * ensemble, and member 1 is also tested alone ({@code member-1.json}), so the table shows what
     * the ensemble adds.
     */
    private Stage testStage(Path root, List<String> mix) {
        String mixName = ReproduceConfig.mixName(mix);
        Map<String, Object> fp = new LinkedHashMap<>();
        fp.put("testUsers", cfg.testUsers());
        fp.put("beams", cfg.beams());
        fp.put("templates", cfg.templates());
        fp.put("form", cfg.form());
        fp.put("excludeHistory", cfg.excludeHistory());
        if (cfg.members() > 1) {
            // only when set, so that single-model runs keep their fingerprint
            fp.put("members", cfg.members());
        }
        return stage(
                "test-" + mixName,
                fp,
                dir -> {
                    List<ModelBundle> bundles = new ArrayList<>();
                    for (int m = 1; m <= cfg.members(); m++) {
                        bundles.add(
                                ModelBundle.read(root.resolve(trainDir(mix, m)).resolve(BUNDLE)));
                    }
                    ModelBundle first = bundles.get(0);
                    RecommenderConfig rc =
                            first.recommenderConfig().toBuilder()
                                    .batchSize(32)
                                    .unknownItems(UnknownItemPolicy.SKIP)
                                    .build();
                    EvaluationResult r = test(bundles, rc, "test");
                    r.write(dir.resolve("evaluation.json"));
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("tasks", mix);
                    m.put("users", r.templates().get(0).samples());
                    m.put("mean", r.mean());
                    m.put("min", r.min());
                    m.put("max", r.max());
                    if (bundles.size() > 1) {
                        m.put("members", bundles.size());
                        EvaluationResult alone = test(List.of(first), rc, "member 1");
                        alone.write(dir.resolve("member-1.json"));
                        first.withMetrics("test", alone.mean());
                        m.put("member1", alone.mean());
                    } else {
                        first.withMetrics("test", r.mean());
                    }
                    return m;
                });
    }

    /** Tests one bundle, or several as an ensemble, on the test users. */
    private EvaluationResult test(List<ModelBundle> bundles, RecommenderConfig rc, String label) {
        EvaluationConfig ec =
                EvaluationConfig.builder()
                        .split(Split.TEST)
                        .maxHistory(cfg.maxHistory())
                        .maxUsers(cfg.testUsers())
                        .bootstrapResamples(1000)
                        .seed(cfg.seed())
                        .build();
        String model = String.join(" + ", bundles.stream().map(b -> b.dir().toString()).toList());
        DecoderOptions options = device.get().decoder(threads);
        try (Recommender rec =
                        bundles.size() == 1
                                ? Recommender.open(bundles.get(0), rc, options)
                                : Recommender.openEnsemble(bundles, rc, options);
                EvaluationBar bar = new EvaluationBar(Output.of(spec).progress(), label)) {
            return Evaluator.evaluate(rec, dataset().interactions(), ec, model, bar);
        }
    }

    private EvaluationRules rules() {
        return new EvaluationRules(cfg.excludeHistory(), Visibility.TRAINING_PART);
    }

    private Stage baselineStage() {
        // the rules change the figures, so they are part of the fingerprint: a run cached under
        // other rules is recomputed
        EvaluationRules rules = rules();
        return stage(
                "baselines",
                Map.of(
                        "maxHistory",
                        cfg.maxHistory(),
                        "seed",
                        cfg.seed(),
                        "rules",
                        rules.toString(),
                        "optimum",
                        dataPath == null,
                        "sasrec",
                        cfg.sasrec() ? sasrecConfig().toString() : "no"),
                dir -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    LeaveOneOut loo = new LeaveOneOut(cfg.maxHistory());
                    List<Baseline> all =
                            new ArrayList<>(
                                    BaselineEvaluation.builtIns(
                                            dataset(), Split.TEST, rules, cfg.seed()));
                    if (dataPath == null) {
                        all.add(optimum(dataset()));
                    }
                    SasRecModel sasrec = cfg.sasrec() ? sasrec(dir) : null;
                    if (sasrec != null) {
                        all.add(sasrecBaseline(sasrec, dataset().items().ids()));
                    }
                    // named after the model's first template, so the two pair up
                    String template =
                            cfg.sequenceForm()
                                    ? SftPrompts.SEQUENCE_TEMPLATE
                                    : "seqrec-" + cfg.templates().get(0);
                    EvaluationConfig ec =
                            EvaluationConfig.builder()
                                    .split(Split.TEST)
                                    .maxHistory(cfg.maxHistory())
                                    .seed(cfg.seed())
                                    .build();
                    for (BaselineEvaluation.Result r :
                            BaselineEvaluation.evaluate(dataset(), Split.TEST, loo, all, rules)) {
                        m.put(r.name(), r.metrics());
                        r.toEvaluationResult(template, ec)
                                .write(dir.resolve(fileName(r.name()) + ".json"));
                    }
                    if (sasrec != null) {
                        sasrec.close();
                    }
                    return m;
                });
    }

    private SasRecConfig sasrecConfig() {
        // patience 10 of at most 200 epochs: on small data (the synthetic default has 16 batches
        // an epoch) SASRec's validation rises slowly for dozens of epochs, and patience 5 stopped
        // it at epoch 8 below most-popular
        return SasRecConfig.defaults().toBuilder()
                .maxEpochs(cfg.sasrecEpochs())
                .patience(10)
                .maxLength(cfg.maxHistory() == 0 ? 50 : cfg.maxHistory())
                .excludeHistory(cfg.excludeHistory())
                .seed(cfg.seed())
                .numThreads(threads)
                .build();
    }

    /**
     * SASRec on the same training part as the model (each sequence minus its validation and test
     * item), early-stopped on its own seeded validation sample; resumable from its checkpoints.
     */
    private SasRecModel sasrec(Path dir) {
        PrintWriter o = Output.of(spec).progress();
        SasRecConfig sc = sasrecConfig();
        o.printf(Locale.ROOT, "%-10s %s%n", "sasrec", sc);
        SasRecModel model =
                new SasRecTrainer(sc)
                        .train(
                                dataset().interactions(),
                                2,
                                dataset().items().ids(),
                                dir.resolve("sasrec-checkpoints"),
                                new SasRecListener() {
                                    @Override
                                    public void onEpoch(SasRecEpoch e) {
                                        o.printf(
                                                Locale.ROOT,
                                                "%-10s epoch %d: loss %.4f, validation NDCG@10"
                                                        + " %.4f%s (%.1f s)%n",
                                                "sasrec",
                                                e.epoch(),
                                                e.loss(),
                                                e.validationNdcg(),
                                                e.best() ? " *" : "",
                                                e.seconds());
                                        o.flush();
                                    }
                                });
        model.save(dir.resolve("sasrec"));
        return model;
    }

    /**
     * A baseline's name as a file name: {@code optimum (true model)} → {@code optimum-true-model}.
     */
    static String fileName(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^-|-$", "");
    }

    /** A trained SASRec as a baseline: its scores over the catalogue, by item id. */
    private static Baseline sasrecBaseline(SasRecModel model, int[] items) {
        int[] known = model.items();
        int space = Math.max(Arrays.stream(items).max().orElse(0), known[known.length - 1]) + 1;
        return Baseline.of(
                "sasrec",
                items,
                q -> {
                    float[] s = model.scores(List.of(q.history()), UnknownItemPolicy.SKIP)[0];
                    float[] byId = new float[space];
                    Arrays.fill(byId, Float.NEGATIVE_INFINITY);
                    for (int i = 0; i < known.length; i++) {
                        byId[known[i]] = s[i];
                    }
                    return byId;
                });
    }

    /**
     * The synthetic generator's own optimum: items ranked by the true next-item distribution given
     * the user's hidden taste and whole prefix, a ceiling for every synthetic figure.
     */
    private static Baseline optimum(Dataset synthetic) {
        SyntheticDataset.TrueModel truth = SyntheticDataset.defaults().trueModel();
        Interactions data = synthetic.interactions();
        return Baseline.of(
                "optimum (true model)",
                synthetic.items().ids(),
                q -> {
                    int[] seq = data.sequence(q.userRow());
                    // the test target is the last item: its prefix is everything before it
                    double[] p =
                            truth.nextItemProbabilities(
                                    q.userRow(), Arrays.copyOf(seq, seq.length - 1));
                    float[] f = new float[p.length];
                    for (int i = 0; i < p.length; i++) {
                        f[i] = (float) p[i];
                    }
                    return f;
                });
    }

    // ------------------------------------------------------------------ helpers

    @FunctionalInterface
    private interface Body {
        Map<String, Object> run(Path dir) throws Exception;
    }

    private static Stage stage(String name, Map<String, Object> fingerprint, Body body) {
        return new Stage() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Map<String, Object> fingerprint() {
                return fingerprint;
            }

            @Override
            public Map<String, Object> run(Path dir) throws Exception {
                return body.run(dir);
            }
        };
    }

    private void addData(List<String> args) {
        if (dataPath != null) {
            args.add("--data");
            args.add(dataPath.toString());
        }
    }

    /**
     * Runs a stage's subcommand. Its readable output is this command's progress (stderr, or nothing
     * with {@code --quiet}); its errors go to stderr.
     */
    private void subcommand(List<String> args) {
        Output output = Output.of(spec);
        if (output.quiet()) {
            args = new ArrayList<>(args);
            args.add("--quiet");
        }
        int code =
                new CommandLine(new Lcrec())
                        .setOut(output.progress())
                        .setErr(spec.commandLine().getErr())
                        .setExecutionExceptionHandler((ex, cl, parsed) -> Lcrec.handle(ex, cl))
                        .execute(args.toArray(String[]::new));
        if (code == 2) {
            throw new IllegalArgumentException(
                    "lcrec " + String.join(" ", args) + ": bad input (the error is above)");
        }
        if (code != 0) {
            throw new IllegalStateException(
                    "lcrec " + String.join(" ", args) + " failed with exit code " + code);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readReport(Path file) throws IOException {
        return new LinkedHashMap<>(JSON.readValue(file.toFile(), Map.class));
    }

    private static void write(Path file, Object value) {
        AtomicFiles.write(file, os -> os.write(JSON.writeValueAsBytes(value)));
    }

    static String[] table() {
        return TABLE.clone();
    }
}
