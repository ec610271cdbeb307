package org.lcrec.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.lcrec.core.Dataset;
import org.lcrec.core.SdkVersion;
import org.lcrec.core.Split;
import org.lcrec.core.io.Fingerprints;
import org.lcrec.core.io.LcRecFiles;
import org.lcrec.core.render.Charts;
import org.lcrec.inference.BundleManifest;
import org.lcrec.inference.ModelBundle;
import org.lcrec.inference.RecommenderConfig;
import org.lcrec.model.encoder.EncoderException;
import org.lcrec.model.encoder.TextEncoder;
import org.lcrec.model.export.BundleWriter;
import org.lcrec.model.llm.CheckpointException;
import org.lcrec.model.llm.HfCheckpoint;
import org.lcrec.model.llm.LlamaConfig;
import org.lcrec.model.llm.LlamaModel;
import org.lcrec.model.llm.LlamaPreset;
import org.lcrec.model.llm.VocabularyExtension;
import org.lcrec.model.sft.LoraConfig;
import org.lcrec.model.sft.Progress;
import org.lcrec.model.sft.SftConfig;
import org.lcrec.model.sft.SftExample;
import org.lcrec.model.sft.SftListener;
import org.lcrec.model.sft.SftPrompts;
import org.lcrec.model.sft.SftResult;
import org.lcrec.model.sft.SftTrainer;
import org.lcrec.model.sft.ValidationLoss;
import org.lcrec.onnx.runtime.ExecutionProviderUnavailableException;
import org.lcrec.onnx.runtime.SessionConfig;
import org.lcrec.tasks.Sample;
import org.lcrec.tasks.TaskConfig;
import org.lcrec.tasks.TaskGenerator;
import org.lcrec.tasks.TaskType;
import org.lcrec.tasks.TemplateSet;
import org.lcrec.tokenizers.Tokenizer;
import org.lcrec.tokenizers.TokenizerException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lcrec train}: instruction-tunes a decoder on LC-Rec's tasks. The tokenizer gains the index
 * tokens, the model's vocabulary is extended to match (mean + seeded noise), and the SFT trainer
 * runs (full or LoRA) with checkpoints in {@code --out}; the final model lands in {@code out/model}
 * (Hugging Face layout with tokenizer.json), ready for {@code lcrec export}. Rerunning with the
 * same {@code --out} resumes from the newest checkpoint.
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = "Fine-tune a decoder LM on LC-Rec's instruction tasks (full or LoRA).")
public final class TrainCommand implements Runnable {
    @Spec CommandSpec spec;

    @Mixin DataOptions data = new DataOptions();

    @Option(
            names = "--index",
            paramLabel = "FILE",
            description = "index.json to use instead of the dataset's.")
    Path index;

    @Option(
            names = "--tasks",
            paramLabel = "LIST",
            defaultValue = "seqrec,item2index,index2item",
            description =
                    "Comma-separated tasks (seqrec, item2index, index2item, fusionseqrec, itemsearch,"
                            + " preferenceobtain). Default: seqrec,item2index,index2item.")
    String tasks;

    @Option(
            names = "--model",
            paramLabel = "DIR",
            description = "Pretrained checkpoint directory (HF layout).")
    Path model;

    @Option(
            names = "--preset",
            paramLabel = "NAME",
            description = "From-scratch size: cpu-tiny, cpu-small, cpu-base.")
    String preset;

    @Option(
            names = "--tokenizer",
            paramLabel = "FILE",
            description =
                    "tokenizer.json. Default: DIR/tokenizer.json with --model, the bundled MiniLM"
                            + " WordPiece vocabulary with --preset.")
    Path tokenizerFile;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Output directory.")
    Path out;

    @Option(
            names = "--lora",
            description =
                    "LoRA (r 8, alpha 32, dropout 0.05, all projections): the adapters and the"
                            + " embedding and head rows of added tokens are trained, the rest of"
                            + " the model is frozen.")
    boolean lora;

    @Option(
            names = "--lora-all-embeddings",
            description =
                    "With --lora: train every row of the embedding and the head, as LC-Rec does"
                            + " (its modules_to_save); AdamW then keeps two moments for every"
                            + " vocabulary row, e.g. 136M values for Qwen2-0.5B's 152k x 896.")
    boolean loraAllEmbeddings;

    @Option(
            names = "--epochs",
            paramLabel = "N",
            defaultValue = "1",
            description = "Epochs. Default: 1.")
    int epochs;

    @Option(
            names = "--lr",
            paramLabel = "X",
            description = "Peak learning rate. Default: 5e-5 (--model), 1e-3 (--preset).")
    Double lr;

    @Option(
            names = "--batch-size",
            paramLabel = "N",
            defaultValue = "8",
            description = "Examples per batch. Default: 8.")
    int batchSize;

    @Option(
            names = "--accumulation",
            paramLabel = "N",
            defaultValue = "1",
            description = "Gradient accumulation steps.")
    int accumulation;

    @Option(
            names = "--max-length",
            paramLabel = "N",
            defaultValue = "512",
            description = "Max tokens per example.")
    int maxLength;

    @Option(
            names = "--pad-to-multiple",
            paramLabel = "N",
            defaultValue = "16",
            description =
                    "Pad each batch's length and loss targets to a multiple of N (masked, so the"
                            + " loss is unchanged): few distinct shapes keep ONNX Runtime's memory"
                            + " bounded. 1: pad to the longest only. Default: ${DEFAULT-VALUE}.")
    int padToMultiple;

    @Option(
            names = "--max-samples",
            paramLabel = "N",
            description = "Train on a seeded random subset of N samples.")
    Integer maxSamples;

    @Option(
            names = "--checkpoint-every",
            paramLabel = "N",
            defaultValue = "0",
            description = "Checkpoint every N steps.")
    int checkpointEvery;

    @Option(
            names = "--seed",
            paramLabel = "S",
            defaultValue = "42",
            description = "Seed. Default: 42.")
    long seed;

    @Option(
            names = "--threads",
            paramLabel = "N",
            defaultValue = "2",
            description = "ORT intra-op threads.")
    int threads;

    @Option(
            names = "--eval-samples",
            paramLabel = "N",
            defaultValue = "0",
            description =
                    "Validation examples (valid split) scored by loss to keep the best model in out/best;"
                            + " 0 = no evaluation. Default: 0.")
    int evalSamples;

    @Option(
            names = "--eval-every",
            paramLabel = "N",
            defaultValue = "0",
            description = "Evaluate every N steps (and at the end).")
    int evalEvery;

    @Mixin DeviceFlag device;

    @Option(
            names = "--report",
            paramLabel = "FILE",
            description = "Write a JSON report (-: on stdout instead of the table).")
    Path report;

    @Option(
            names = "--charts",
            description =
                    "Also write a PNG of the loss per step next to --report: <report>.loss.png.")
    boolean charts;

    @Override
    public void run() {
        try {
            execute();
        } catch (CheckpointException
                | TokenizerException
                | EncoderException
                | ExecutionProviderUnavailableException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private void execute() {
        Output output = Output.of(spec, report);
        PrintWriter o = output.results();
        if ((model == null) == (preset == null)) {
            throw new IllegalArgumentException("give exactly one of --model DIR and --preset NAME");
        }
        if (loraAllEmbeddings && !lora) {
            throw new IllegalArgumentException(
                    "--lora-all-embeddings sets what --lora trains: give it with --lora");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be >= 1, found " + threads);
        }
        if (maxSamples != null && maxSamples < 1) {
            throw new IllegalArgumentException("--max-samples must be >= 1, found " + maxSamples);
        }
        checkWritable(out);
        Path chartBase = charts ? output.reportFile("--charts") : null;
        Dataset ds = data.load();
        if (index != null) {
            ds = ds.withIndex(LcRecFiles.readIndex(index));
        }
        if (!ds.hasIndex()) {
            throw new IllegalArgumentException(
                    "the dataset has no index; give --index FILE (see lcrec index)");
        }
        Path tokPath =
                tokenizerFile != null
                        ? tokenizerFile
                        : model == null ? null : model.resolve(HfCheckpoint.TOKENIZER);
        Tokenizer base;
        String tokSource;
        if (tokPath == null) {
            // --preset without --tokenizer: the bundled MiniLM WordPiece vocabulary
            base = TextEncoder.miniLmTokenizer();
            tokSource = "bundled all-MiniLM-L6-v2 WordPiece";
        } else {
            if (!Files.isRegularFile(tokPath)) {
                throw new IllegalArgumentException(tokPath + ": tokenizer.json not found");
            }
            base = Tokenizer.load(tokPath);
            tokSource = tokPath.toString();
        }
        Tokenizer tok = base.withIndexTokens(ds.index());
        LlamaModel m;
        // the rows LoRA trains: every token id from the first index token on; a model whose
        // vocabulary is padded past its tokenizer (Qwen2: 151,936 rows for 151,665 tokens) puts
        // the first index tokens into padding rows, which must be trained too
        int added = tok.vocabSize() - base.vocabSize();
        int extension = added;
        if (model != null) {
            m = LlamaModel.load(model);
            SftTrainer.checkVocabulary(base.vocabSize(), m.config());
            extension = Math.max(0, tok.vocabSize() - m.config().vocabSize());
            if (extension > 0) {
                m =
                        VocabularyExtension.withMeanInit(
                                m, extension, seed, VocabularyExtension.DEFAULT_RELATIVE_NOISE);
            }
            added = Math.min(added, m.config().vocabSize() - base.vocabSize());
        } else {
            int bos = firstId(tok, "<s>", "[CLS]", "<|begin_of_text|>");
            int eos = firstId(tok, "</s>", "<|endoftext|>", "<|im_end|>", "[SEP]");
            if (eos < 0) {
                throw new IllegalArgumentException(
                        tokSource + ": no end token (</s>, <|endoftext|>, <|im_end|> or [SEP])");
            }
            LlamaConfig c =
                    LlamaPreset.byName(preset).config(tok.vocabSize(), bos, eos, tok.padId());
            m = LlamaModel.random(c, seed);
        }
        LlamaConfig c = m.config();
        int bos = c.bosTokenId();
        List<TaskType> taskList = TaskType.parseList(tasks);
        TaskGenerator gen =
                new TaskGenerator(ds, TemplateSet.defaults(), TaskConfig.defaults().withSeed(seed));
        List<Sample> samples = new ArrayList<>(gen.stream(taskList, Split.TRAIN).toList());
        if (maxSamples != null && maxSamples < samples.size()) {
            Collections.shuffle(samples, new Random(seed));
            samples = samples.subList(0, maxSamples);
        }
        List<SftExample> examples = SftPrompts.examples(samples, tok, bos);
        List<SftExample> validation = List.of();
        if (evalSamples > 0) {
            List<TaskType> validTasks =
                    taskList.stream()
                            .filter(t -> gen.unavailableReason(t, Split.VALID) == null)
                            .toList();
            if (validTasks.isEmpty()) {
                throw new IllegalArgumentException(
                        "--eval-samples: none of " + taskList + " has validation samples");
            }
            List<Sample> vs = new ArrayList<>(gen.stream(validTasks, Split.VALID).toList());
            Collections.shuffle(vs, new Random(seed + 1));
            validation =
                    SftPrompts.examples(vs.subList(0, Math.min(evalSamples, vs.size())), tok, bos);
        }
        double peak = lr != null ? lr : model != null ? 5e-5 : 1e-3;
        SftConfig cfg =
                SftConfig.builder()
                        .maxLength(maxLength)
                        .padToMultiple(padToMultiple)
                        .batchSize(batchSize)
                        .accumulationSteps(accumulation)
                        .epochs(epochs)
                        .learningRate(peak)
                        .seed(seed)
                        .lora(
                                !lora
                                        ? null
                                        : loraAllEmbeddings
                                                ? LoraConfig.lcRec()
                                                : LoraConfig.newRowsOnly())
                        .addedTokens(added)
                        .checkpointEvery(checkpointEvery)
                        .evaluateEvery(evalEvery)
                        .session(session())
                        .optimizerThreads(threads)
                        .build();
        SftTrainer trainer = new SftTrainer(cfg);
        o.printf(Locale.ROOT, "%-22s %s%n", "model", c);
        o.printf(
                Locale.ROOT,
                "%-22s %,d (%,d index tokens added to the tokenizer, %,d new embedding rows)%n",
                "parameters",
                c.parameterCount(),
                tok.vocabSize() - base.vocabSize(),
                extension);
        o.printf(Locale.ROOT, "%-22s %,d samples from %s%n", "data", examples.size(), taskList);
        o.printf(Locale.ROOT, "%-22s %s%n", "config", cfg);
        long total = trainer.totalSteps(examples, c);
        long t0 = System.nanoTime();
        SftResult r;
        try (ProgressBar bar = new ProgressBar(output.progress(), "train", total)) {
            r =
                    trainer.train(
                            m,
                            examples,
                            out,
                            new SftListener() {
                                @Override
                                public void onStep(Progress p) {
                                    bar.update(
                                            p.step(),
                                            String.format(
                                                    Locale.ROOT,
                                                    "loss %.4f  %.0f tok/s",
                                                    p.loss(),
                                                    p.tokensPerSecond()));
                                }
                            },
                            validation.isEmpty()
                                    ? null
                                    : new ValidationLoss(
                                            validation, maxLength, batchSize, cfg.session()),
                            true);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        // the trained weights were written into the base's memory (train's consumeBase): r's model
        // is the one copy from here on
        m = null;
        tok.save(r.modelDir().resolve(HfCheckpoint.TOKENIZER));
        o.printf(
                Locale.ROOT,
                "%-22s %,d steps, final loss %.4f, %.0f tokens/s  %s%n",
                "trained",
                r.steps(),
                r.finalLoss(),
                r.tokensPerSecond(),
                r.sparkline(40));
        o.printf(
                Locale.ROOT,
                "%-22s %,d prompts left-truncated (%,d tokens), %,d examples dropped%n",
                "truncation",
                r.truncatedPrompts(),
                r.truncatedTokens(),
                r.droppedExamples());
        if (r.bestDir() != null) {
            tok.save(r.bestDir().resolve(HfCheckpoint.TOKENIZER));
            o.printf(
                    Locale.ROOT,
                    "%-22s %s (validation loss %.4f at step %,d on %,d examples)%n",
                    "best",
                    r.bestDir(),
                    -r.bestMetric(),
                    r.bestStep(),
                    validation.size());
        }
        if (r.resumedFromStep() > 0) {
            o.printf(Locale.ROOT, "%-22s step %,d%n", "resumed from", r.resumedFromStep());
        }
        o.printf(Locale.ROOT, "%-22s %s%n", "checkpoint", r.modelDir());
        Path bundleDir = null;
        if (taskList.contains(TaskType.SEQREC)) {
            bundleDir = writeBundle(ds, tok, r, taskList, cfg);
            o.printf(
                    Locale.ROOT,
                    "%-22s %s (lcrec recommend --model %s --history ...)%n",
                    "bundle",
                    bundleDir,
                    bundleDir);
        } else {
            o.printf(
                    Locale.ROOT,
                    "%-22s none: seqrec is not among the tasks, so the model has no recommendation"
                            + " prompt (export the checkpoint with lcrec export)%n",
                    "bundle");
        }
        output.progress().printf(Locale.ROOT, "%-22s %.1f s%n", "trained in", secs);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("source", data.synthetic() ? "synthetic (seed 42)" : data.dir().toString());
        json.put("tasks", taskList.stream().map(TaskType::id).toList());
        json.put("model", c.toString());
        json.put("parameters", c.parameterCount());
        json.put("config", cfg.toString());
        json.put("samples", examples.size());
        json.put("steps", r.steps());
        json.put("losses", r.losses());
        json.put("finalLoss", r.finalLoss());
        json.put("tokens", r.tokens());
        json.put("tokensPerSecond", r.tokensPerSecond());
        json.put("truncatedPrompts", r.truncatedPrompts());
        json.put("truncatedTokens", r.truncatedTokens());
        json.put("droppedExamples", r.droppedExamples());
        json.put("resumedFromStep", r.resumedFromStep());
        if (r.bestDir() != null) {
            json.put("bestValidationLoss", -r.bestMetric());
            json.put("bestStep", r.bestStep());
            json.put("bestDir", r.bestDir().toString());
        }
        json.put("modelDir", r.modelDir().toString());
        json.put("bundle", bundleDir == null ? null : bundleDir.toString());
        json.put("seconds", secs);
        output.report(json);
        if (charts && !r.losses().isEmpty()) {
            o.printf(
                    Locale.ROOT,
                    "%-22s %s%n",
                    "chart",
                    Charts.lossCurve(
                            Reports.sibling(chartBase, ".loss.png"),
                            "SFT loss per step",
                            r.losses()));
        }
        output.flush();
    }

    /**
     * The model as a bundle in {@code out/bundle}: the best checkpoint when validation chose one,
     * every seqrec template the samples were drawn from (template 0 first, the default), and a
     * terminal EOS step, since each response ended with EOS.
     */
    private Path writeBundle(
            Dataset ds, Tokenizer tok, SftResult r, List<TaskType> taskList, SftConfig cfg) {
        TemplateSet templates = TemplateSet.defaults();
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < templates.get(TaskType.SEQREC).size(); i++) {
            ids.add(i);
        }
        TaskConfig tc = TaskConfig.defaults().withSeed(seed);
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("tasks", taskList.stream().map(TaskType::id).toList());
        training.put("form", "samples");
        training.put("base", model != null ? model.toString() : preset);
        training.put("config", cfg.toString());
        training.put("steps", r.steps());
        training.put("finalLoss", r.finalLoss());
        training.put("tokensPerSecond", r.tokensPerSecond());
        Path chosen = r.bestDir() != null ? r.bestDir() : r.modelDir();
        BundleManifest manifest =
                new BundleManifest(
                        ModelBundle.FORMAT_VERSION,
                        SdkVersion.get(),
                        Instant.now().toString(),
                        ds.name(),
                        Fingerprints.of(ds.interactions(), ds.index()),
                        new BundleManifest.Decoding(
                                RecommenderConfig.DEFAULT_BEAMS, true, tc.maxHistory(), false),
                        training,
                        Map.of());
        // the final model is in memory already; only a different best checkpoint is read back
        return BundleWriter.write(
                        r.bestDir() != null ? LlamaModel.load(chosen) : r.model(),
                        tok,
                        ds.index(),
                        SftPrompts.seqrecTemplates(templates, ids, tc),
                        manifest,
                        out.resolve("bundle"))
                .dir();
    }

    /**
     * Fails now, not after training, when the run could not be written: the directory is created if
     * needed and a probe file is written and removed.
     */
    static void checkWritable(Path dir) {
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".write-check", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new IllegalArgumentException(
                    "--out " + dir + ": not a writable directory (" + e + "); nothing was trained",
                    e);
        }
    }

    private SessionConfig session() {
        return device.get().session(threads);
    }

    private static int firstId(Tokenizer t, String... tokens) {
        for (String s : tokens) {
            int id = t.tokenToId(s);
            if (id >= 0) {
                return id;
            }
        }
        return -1;
    }
}
