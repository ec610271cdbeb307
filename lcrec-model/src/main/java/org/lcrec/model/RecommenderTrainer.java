package org.lcrec.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.lcrec.core.Dataset;
import org.lcrec.core.Interactions;
import org.lcrec.core.LeaveOneOut;
import org.lcrec.core.SdkVersion;
import org.lcrec.core.Split;
import org.lcrec.core.UnknownItemPolicy;
import org.lcrec.core.io.AtomicFiles;
import org.lcrec.core.io.Fingerprints;
import org.lcrec.inference.BundleManifest;
import org.lcrec.inference.EvaluationConfig;
import org.lcrec.inference.EvaluationResult;
import org.lcrec.inference.Evaluator;
import org.lcrec.inference.IndexVocabulary;
import org.lcrec.inference.ModelBundle;
import org.lcrec.inference.Recommender;
import org.lcrec.inference.RecommenderConfig;
import org.lcrec.inference.TextPrompts;
import org.lcrec.inference.TextTemplate;
import org.lcrec.model.encoder.TextEncoder;
import org.lcrec.model.export.BundleWriter;
import org.lcrec.model.export.DecoderExport;
import org.lcrec.model.export.ExportOptions;
import org.lcrec.model.llm.HfCheckpoint;
import org.lcrec.model.llm.LlamaConfig;
import org.lcrec.model.llm.LlamaModel;
import org.lcrec.model.llm.LlamaPreset;
import org.lcrec.model.sft.Progress;
import org.lcrec.model.sft.SftConfig;
import org.lcrec.model.sft.SftInput;
import org.lcrec.model.sft.SftListener;
import org.lcrec.model.sft.SftPrompts;
import org.lcrec.model.sft.SftResult;
import org.lcrec.model.sft.SftTrainer;
import org.lcrec.tasks.Sample;
import org.lcrec.tasks.TaskConfig;
import org.lcrec.tasks.TaskGenerator;
import org.lcrec.tasks.TaskType;
import org.lcrec.tasks.TemplateSet;
import org.lcrec.tokenizers.Tokenizer;

/**
 * Trains a generative recommender from a dataset with an index, from scratch, into a {@link
 * ModelBundle}: the tokenizer (MiniLM's WordPiece with the index tokens added, compacted to the
 * tokens the texts use), the instruction data of the configured tasks, a decoder of the configured
 * preset, SFT with validation on a seeded sample of users, and the best checkpoint written as a
 * bundle.
 *
 * <pre>{@code
 * ModelBundle bundle = new RecommenderTrainer(RecommenderTrainerConfig.defaults())
 *         .train(Dataset.synthetic(), Path.of("my-model"));
 * }</pre>
 *
 * Training resumes from its last checkpoint when the same call is repeated after an interruption
 * (the checkpoints live in the work directory), and only then: checkpoints of other data or other
 * settings are discarded, never resumed ({@value #RUN_FILE} in the work directory names the run).
 */
public final class RecommenderTrainer {
    /** The file in the work directory that says which run its checkpoints belong to. */
    public static final String RUN_FILE = "run.txt";

    private static final System.Logger LOG = System.getLogger(RecommenderTrainer.class.getName());

    private final RecommenderTrainerConfig config;

    /**
     * @param config the recipe
     */
    public RecommenderTrainer(RecommenderTrainerConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /** What a training run will do, told before the first step. */
    public record Plan(
            String model,
            long parameters,
            int examples,
            long seqrecTargets,
            List<TaskType> tasks,
            long steps) {
        /** Copies the task list. */
        public Plan {
            tasks = List.copyOf(tasks);
        }
    }

    /** Told what training does; every method has an empty default. */
    public interface Listener {
        /**
         * @param plan what the run will do
         */
        default void onStart(Plan plan) {}

        /**
         * @param progress after each optimiser step
         */
        default void onStep(Progress progress) {}

        /**
         * @param step optimiser steps so far
         * @param ndcg10 validation NDCG@10
         * @param hr10 validation HR@10
         */
        default void onValidation(long step, double ndcg10, double hr10) {}
    }

    /**
     * Trains into {@code bundleDir}; checkpoints go to a sibling work directory ({@code
     * .<name>.training}), removed once the bundle is written.
     *
     * @param data the dataset (with its index)
     * @param bundleDir where the bundle goes (replaced if it exists)
     * @return the bundle
     */
    public ModelBundle train(Dataset data, Path bundleDir) {
        Path abs = bundleDir.toAbsolutePath().normalize();
        Path work = abs.resolveSibling("." + abs.getFileName() + ".training");
        ModelBundle b = train(data, abs, work, new Listener() {});
        try {
            AtomicFiles.deleteTree(work);
        } catch (IOException e) {
            throw new UncheckedIOException(work + ": cannot remove: " + e.getMessage(), e);
        }
        return b;
    }

    /**
     * Trains into {@code bundleDir}, keeping checkpoints and the validation export in {@code
     * workDir} (a repeated call resumes from its last checkpoint).
     *
     * @param data the dataset (with its index)
     * @param bundleDir where the bundle goes (replaced if it exists)
     * @param workDir checkpoints and validation exports
     * @param listener told the plan, each step and each validation
     * @return the bundle
     * @throws IllegalArgumentException if the dataset has no index
     */
    public ModelBundle train(Dataset data, Path bundleDir, Path workDir, Listener listener) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(bundleDir, "bundleDir");
        Objects.requireNonNull(workDir, "workDir");
        Objects.requireNonNull(listener, "listener");
        if (!data.hasIndex()) {
            throw new IllegalArgumentException(
                    "dataset "
                            + data.name()
                            + " has no semantic index: index it first (lcrec index, or"
                            + " IndexGenerator) and give Dataset.withIndex(index)");
        }
        RecommenderTrainerConfig c = config;
        String fingerprint = Fingerprints.of(data.interactions(), data.index());
        discardOtherRuns(workDir, fingerprint);
        TaskConfig tc = TaskConfig.defaults().withSeed(c.seed()).withMaxHistory(c.maxHistory());
        TaskGenerator gen = new TaskGenerator(data, TemplateSet.defaults(), tc);
        // in the sequence form seqrec comes as user windows; the other tasks stay prompt/response
        List<TaskType> sampled =
                c.sequenceForm()
                        ? c.tasks().stream().filter(t -> t != TaskType.SEQREC).toList()
                        : c.tasks();
        List<Sample> samples =
                sampled.isEmpty()
                        ? new ArrayList<>()
                        : new ArrayList<>(gen.stream(sampled, Split.TRAIN).toList());
        if (c.maxSamples() > 0 && c.maxSamples() < samples.size()) {
            Collections.shuffle(samples, new Random(c.seed()));
            samples = samples.subList(0, c.maxSamples());
        }
        List<TextTemplate> prompts = prompts(tc);
        Tokenizer full = TextEncoder.miniLmTokenizer().withIndexTokens(data.index());
        Tokenizer tok = c.compactVocabulary() ? full.restrictedTo(texts(samples, prompts)) : full;
        int bos = tok.tokenToId("[CLS]");
        int eos = tok.tokenToId("[SEP]");
        LlamaConfig lc =
                LlamaPreset.byName(c.model()).config(tok.vocabSize(), bos, eos, tok.padId());
        LlamaModel model = LlamaModel.random(lc, c.seed());
        List<SftInput> examples = new ArrayList<>(SftPrompts.examples(samples, tok, bos));
        long seqrecTargets = 0;
        if (c.sequenceForm() && c.tasks().contains(TaskType.SEQREC)) {
            List<LeaveOneOut.Window> windows =
                    new LeaveOneOut(c.maxHistory())
                            .trainingWindows(data.interactions(), Math.max(1, c.maxHistory() / 2));
            seqrecTargets = SftPrompts.targets(windows);
            examples.addAll(
                    SftPrompts.sequences(
                            windows,
                            TextPrompts.tokenize(tok, prompts.get(0), bos),
                            IndexVocabulary.of(
                                    TextPrompts.tokenMap(tok, data.index()),
                                    data.index(),
                                    tok.vocabSize()),
                            data.index()));
        }
        SftConfig sc0 =
                SftConfig.builder()
                        .maxLength(c.maxLength())
                        .batchSize(c.batchSize())
                        .epochs(c.epochs())
                        .learningRate(c.learningRate())
                        .weightDecay(c.weightDecay())
                        .warmupRatio(c.warmupRatio())
                        .dropout(c.dropout())
                        .seed(c.seed())
                        .build();
        // per epoch as the trainer counts it: examples too long for maxLength are left out
        long total = new SftTrainer(sc0).totalSteps(examples, lc);
        long perEpoch = Math.max(1, total / c.epochs());
        int every = (int) (c.evaluateEvery() > 0 ? c.evaluateEvery() : perEpoch);
        SftConfig sc =
                sc0.toBuilder()
                        .checkpointEvery(every)
                        .evaluateEvery(every)
                        .patience(c.patience())
                        .session(c.session())
                        .optimizerThreads(c.optimizerThreads())
                        .build();
        listener.onStart(
                new Plan(
                        c.model(),
                        lc.parameterCount(),
                        examples.size(),
                        seqrecTargets,
                        c.tasks(),
                        total));
        Interactions validUsers = sampleUsers(data.interactions(), c.validUsers(), c.seed());
        List<Map<String, Object>> validations = new ArrayList<>();
        Map<Long, double[]> byStep = new LinkedHashMap<>();
        Path evalDir = workDir.resolve("valid-model");
        SftResult r =
                new SftTrainer(sc)
                        .train(
                                model,
                                examples,
                                workDir.resolve("sft"),
                                new SftListener() {
                                    @Override
                                    public void onStep(Progress p) {
                                        listener.onStep(p);
                                    }
                                },
                                (m, step) -> {
                                    DecoderExport.export(m, evalDir, ExportOptions.defaults());
                                    tok.save(evalDir.resolve(HfCheckpoint.TOKENIZER));
                                    EvaluationResult v =
                                            validate(data, validUsers, evalDir, tok, prompts, bos);
                                    double ndcg = v.mean().get("ndcg@10");
                                    double hr = v.mean().get("hr@10");
                                    validations.add(
                                            Map.of("step", step, "ndcg@10", ndcg, "hr@10", hr));
                                    byStep.put(step, new double[] {ndcg, hr});
                                    listener.onValidation(step, ndcg, hr);
                                    return ndcg;
                                });
        boolean bestKept = !c.keepLast() && r.bestDir() != null && Files.isDirectory(r.bestDir());
        Path kept = bestKept ? r.bestDir() : r.modelDir();
        long keptStep = bestKept ? r.bestStep() : r.steps();
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("tasks", c.tasks().stream().map(TaskType::id).toList());
        training.put("form", c.sequenceForm() ? "sequence" : "samples");
        training.put("model", c.model());
        training.put("parameters", lc.parameterCount());
        training.put("vocabulary", tok.vocabSize());
        training.put("epochs", c.epochs());
        training.put("learningRate", c.learningRate());
        training.put("batchSize", c.batchSize());
        training.put("maxLength", c.maxLength());
        training.put("maxHistory", c.maxHistory());
        training.put("dropout", c.dropout());
        training.put("weightDecay", c.weightDecay());
        training.put("warmupRatio", c.warmupRatio());
        training.put("patience", c.patience());
        training.put("seed", c.seed());
        training.put("examples", examples.size());
        if (c.sequenceForm()) {
            training.put("seqrecTargets", seqrecTargets);
        }
        training.put("validUsers", validUsers.userCount());
        training.put("steps", r.steps());
        training.put("finalLoss", r.finalLoss());
        training.put("tokensPerSecond", r.tokensPerSecond());
        training.put("bestStep", r.bestStep());
        training.put("kept", c.keepLast() ? "last" : "best");
        training.put("keptStep", keptStep);
        training.put("validations", validations);
        training.put("truncatedPrompts", r.truncatedPrompts());
        training.put("droppedExamples", r.droppedExamples());
        training.put("resumedFromStep", r.resumedFromStep());
        Map<String, Map<String, Double>> metrics = new LinkedHashMap<>();
        double[] v = byStep.get(keptStep);
        if (v != null) {
            metrics.put("validation", Map.of("ndcg@10", v[0], "hr@10", v[1]));
        }
        BundleManifest manifest =
                new BundleManifest(
                        ModelBundle.FORMAT_VERSION,
                        SdkVersion.get(),
                        Instant.now().toString(),
                        data.name(),
                        fingerprint,
                        new BundleManifest.Decoding(
                                c.beams(), !c.sequenceForm(), c.maxHistory(), c.excludeHistory()),
                        training,
                        metrics);
        return BundleWriter.write(
                LlamaModel.load(kept), tok, data.index(), prompts, manifest, bundleDir);
    }

    /**
     * What makes two runs the same run: the data (interactions and index, by content) and every
     * setting that changes the model. Threads and devices are left out (they change speed, not the
     * run).
     */
    private String runIdentity(String dataFingerprint) {
        RecommenderTrainerConfig c = config;
        return String.join(
                "\n",
                "data " + dataFingerprint,
                "tasks " + c.tasks(),
                "form " + (c.sequenceForm() ? "sequence" : "samples"),
                "model " + c.model(),
                "epochs " + c.epochs(),
                "learningRate " + c.learningRate(),
                "batchSize " + c.batchSize(),
                "maxLength " + c.maxLength(),
                "maxSamples " + c.maxSamples(),
                "maxHistory " + c.maxHistory(),
                "templates " + c.templates(),
                "validUsers " + c.validUsers(),
                "evaluateEvery " + c.evaluateEvery(),
                "patience " + c.patience(),
                "dropout " + c.dropout(),
                "weightDecay " + c.weightDecay(),
                "warmupRatio " + c.warmupRatio(),
                "excludeHistory " + c.excludeHistory(),
                "compactVocabulary " + c.compactVocabulary(),
                "seed " + c.seed());
    }

    /**
     * Resumes only the same run: when the work directory holds checkpoints of other data or other
     * settings, they are deleted (and the difference logged) before training starts.
     */
    private void discardOtherRuns(Path workDir, String dataFingerprint) {
        Path marker = workDir.resolve(RUN_FILE);
        String identity = runIdentity(dataFingerprint);
        try {
            if (Files.exists(marker)) {
                String before = Files.readString(marker);
                if (!before.equals(identity)) {
                    LOG.log(
                            System.Logger.Level.WARNING,
                            "{0}: the checkpoints there belong to another run ({1}); training"
                                    + " starts afresh",
                            workDir,
                            firstDifference(before, identity));
                    AtomicFiles.deleteTree(workDir.resolve("sft"));
                    AtomicFiles.deleteTree(workDir.resolve("valid-model"));
                }
            } else if (Files.isDirectory(workDir.resolve("sft"))) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "{0}: checkpoints of an unknown run (no {1}); training starts afresh",
                        workDir,
                        RUN_FILE);
                AtomicFiles.deleteTree(workDir.resolve("sft"));
            }
            Files.createDirectories(workDir);
            AtomicFiles.writeString(marker, identity);
        } catch (IOException e) {
            throw new UncheckedIOException(workDir + ": cannot prepare: " + e.getMessage(), e);
        }
    }

    /** The first line where two run identities differ, as {@code was -> now}. */
    static String firstDifference(String before, String now) {
        String[] a = before.split("\n");
        String[] b = now.split("\n");
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            String x = i < a.length ? a[i] : "";
            String y = i < b.length ? b[i] : "";
            if (!x.equals(y)) {
                return x + " -> " + y;
            }
        }
        return "no difference";
    }

    /**
     * The prompts the model is trained and served with: the form's own, or the seqrec templates.
     */
    private List<TextTemplate> prompts(TaskConfig tc) {
        return config.sequenceForm()
                ? List.of(SftPrompts.sequenceTemplate(tc.separator()))
                : SftPrompts.seqrecTemplates(TemplateSet.defaults(), config.templates(), tc);
    }

    private EvaluationResult validate(
            Dataset data,
            Interactions users,
            Path modelDir,
            Tokenizer tok,
            List<TextTemplate> prompts,
            int bos) {
        List<org.lcrec.inference.PromptTemplate> ids = new ArrayList<>();
        for (TextTemplate t : prompts) {
            ids.add(TextPrompts.tokenize(tok, t, bos));
        }
        RecommenderConfig rc =
                RecommenderConfig.builder()
                        .beams(config.beams())
                        .batchSize(32)
                        .unknownItems(UnknownItemPolicy.SKIP)
                        .eosStep(!config.sequenceForm())
                        .excludeHistory(config.excludeHistory())
                        .maxHistory(config.maxHistory())
                        .templates(ids)
                        .build();
        EvaluationConfig ec =
                EvaluationConfig.builder()
                        .split(Split.VALID)
                        .maxHistory(config.maxHistory())
                        .bootstrapResamples(100)
                        .seed(config.seed())
                        .build();
        try (Recommender rec =
                Recommender.open(
                        modelDir,
                        data.index(),
                        TextPrompts.tokenMap(tok, data.index()),
                        rc,
                        config.decoder())) {
            return Evaluator.evaluate(rec, users, ec, modelDir.toString());
        }
    }

    /** Every text a from-scratch model sees: the training samples and the prompts. */
    private static List<String> texts(List<Sample> samples, List<TextTemplate> prompts) {
        List<String> out = new ArrayList<>();
        for (Sample x : samples) {
            out.add(x.sftPrompt());
            out.add(x.response());
        }
        for (TextTemplate t : prompts) {
            out.add(t.prefix());
            out.add(t.separator());
            out.add(t.suffix());
        }
        return out;
    }

    /**
     * A seeded random sample of users (all when {@code n} is 0 or covers them): validation that
     * represents the test users, not the first {@code n} in file order.
     *
     * @param all the users
     * @param n how many
     * @param seed the seed
     * @return the sample, in the original order
     */
    public static Interactions sampleUsers(Interactions all, int n, long seed) {
        if (n == 0 || n >= all.userCount()) {
            return all;
        }
        List<Integer> rows = new ArrayList<>();
        for (int r = 0; r < all.userCount(); r++) {
            rows.add(r);
        }
        Collections.shuffle(rows, new Random(seed ^ 0x5A17L));
        List<Integer> kept = new ArrayList<>(rows.subList(0, n));
        Collections.sort(kept);
        Interactions.Builder b = Interactions.builder();
        for (int r : kept) {
            b.add(all.user(r), all.sequence(r));
        }
        return b.build();
    }

    @Override
    public String toString() {
        return "RecommenderTrainer(" + config + ")";
    }
}
