package org.lcrec.model.sft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.lcrec.core.io.AtomicFiles;
import org.lcrec.model.llm.CheckpointException;
import org.lcrec.model.llm.LlamaConfig;
import org.lcrec.model.llm.LlamaModel;
import org.lcrec.onnx.ParameterStore;
import org.lcrec.onnx.runtime.DirectTensor;
import org.lcrec.onnx.train.CheckpointMismatchException;
import org.lcrec.onnx.train.LrSchedule;
import org.lcrec.onnx.train.Optimizer;
import org.lcrec.onnx.train.StepResult;
import org.lcrec.onnx.train.Trainer;
import org.lcrec.onnx.train.TrainerConfig;

/**
 * Supervised fine-tuning of a {@link LlamaModel} on {@link SftInput}s: (prompt, response) examples
 * with next-token loss on the response and EOS only, or whole sequences with several target spans
 * ({@link SftSequence}), through {@link SftGraph}, full or LoRA, on ONNX Runtime via lcrec-onnx's
 * {@link Trainer} (forward + backward in one session, AdamW in Java). With an evaluator and {@link
 * SftConfig#patience()}, training stops early once the evaluator stops improving.
 *
 * <p>Output directory layout:
 *
 * <ul>
 *   <li>{@code checkpoint-<step>/} resumable checkpoints (trainer state + {@value #STATE_FILE}),
 *       written atomically (temporary directory, then rename), the last {@code keepLastCheckpoints}
 *       kept;
 *   <li>{@code best/} the Hugging Face checkpoint with the best evaluation metric;
 *   <li>{@code model/} the final Hugging Face checkpoint (LoRA merged).
 * </ul>
 *
 * <p>{@link #train} on a directory with checkpoints resumes from the newest one and continues the
 * same loss curve (same batches, dropout masks and optimiser state).
 *
 * @implNote Not thread-safe; one run at a time.
 */
public final class SftTrainer {
    private static final System.Logger LOG = System.getLogger(SftTrainer.class.getName());

    /** The trainer-state file inside a checkpoint directory. */
    public static final String STATE_FILE = "sft-state.json";

    static final String TRAINER_FILE = "trainer.safetensors";
    static final String FORMAT = "lcrec-sft-checkpoint";
    static final int VERSION = 1;
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final SftConfig cfg;

    /** A trainer with the given settings. */
    public SftTrainer(SftConfig cfg) {
        this.cfg = Objects.requireNonNull(cfg, "cfg");
    }

    public SftConfig config() {
        return cfg;
    }

    /**
     * Checks that a tokenizer's ids fit a model's embedding rows. A model may have more rows than
     * the tokenizer has ids (Qwen pads its vocabulary), never fewer.
     *
     * @throws IllegalArgumentException naming both sizes
     */
    public static void checkVocabulary(int tokenizerVocab, LlamaConfig c) {
        if (tokenizerVocab > c.vocabSize()) {
            throw new IllegalArgumentException(
                    "the tokenizer has "
                            + tokenizerVocab
                            + " tokens but the model has "
                            + c.vocabSize()
                            + " embedding rows; extend the model's vocabulary (VocabularyExtension) or"
                            + " use the model's own tokenizer");
        }
    }

    /**
     * Number of optimiser steps that {@link #train} takes over {@code examples} on {@code model}:
     * examples whose response alone does not fit {@code maxLength} are dropped there, so they do
     * not count here either.
     *
     * @param examples the training examples
     * @param model the model's config (special ids, vocabulary)
     * @return the planned steps
     */
    public long totalSteps(List<? extends SftInput> examples, LlamaConfig model) {
        return totalSteps(
                SftBatches.prepare(
                                examples,
                                cfg.maxLength(),
                                model.bosTokenId(),
                                model.eosTokenId(),
                                model.vocabSize())
                        .size());
    }

    /** Number of optimiser steps a run over {@code examples} prepared examples takes. */
    private long totalSteps(int examples) {
        long micro = (long) ((examples + cfg.batchSize() - 1) / cfg.batchSize()) * cfg.epochs();
        return Math.max(1, micro / cfg.accumulationSteps());
    }

    /**
     * Trains {@code base} (never modified) and writes checkpoints and the result into {@code out};
     * resumes from the newest checkpoint there.
     *
     * @param evaluator scores the model every {@code evaluateEvery} steps and at the end, or null
     */
    public SftResult train(
            LlamaModel base,
            List<? extends SftInput> examples,
            Path out,
            SftListener listener,
            ModelScorer evaluator) {
        return train(base, examples, out, listener, evaluator, false);
    }

    /**
     * Trains like {@link #train(LlamaModel, List, Path, SftListener, ModelScorer)}; with {@code
     * consumeBase} the trained weights are written into {@code base}'s own memory at the end
     * instead of a new model ({@link SftGraph#mergeInto}), so that a large model is never held
     * twice: {@code base} must not be used afterwards except as the result's model.
     *
     * @param consumeBase whether the result may overwrite {@code base}
     */
    public SftResult train(
            LlamaModel base,
            List<? extends SftInput> examples,
            Path out,
            SftListener listener,
            ModelScorer evaluator,
            boolean consumeBase) {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(examples, "examples");
        LlamaConfig c = base.config();
        SftListener ls = listener == null ? SftListener.none() : listener;
        SftBatches data =
                SftBatches.prepare(
                        examples, cfg.maxLength(), c.bosTokenId(), c.eosTokenId(), c.vocabSize());
        if (data.size() == 0) {
            throw new IllegalArgumentException(
                    "no training examples ("
                            + examples.size()
                            + " given, "
                            + data.droppedExamples
                            + " dropped as longer than maxLength "
                            + cfg.maxLength()
                            + ")");
        }
        int perEpoch = data.batchesPerEpoch(cfg.batchSize());
        long totalSteps = totalSteps(data.size());
        long totalMicro = totalSteps * cfg.accumulationSteps();
        long warmup = (long) Math.ceil(cfg.warmupRatio() * totalSteps);
        LrSchedule schedule =
                switch (cfg.schedule()) {
                    case COSINE ->
                            LrSchedule.cosine(
                                    cfg.learningRate(),
                                    warmup,
                                    Math.max(totalSteps, warmup + 1),
                                    0);
                    case LINEAR ->
                            LrSchedule.linear(
                                    cfg.learningRate(), warmup, Math.max(totalSteps, warmup + 1));
                    case CONSTANT -> LrSchedule.constant(cfg.learningRate(), warmup);
                };
        TrainerConfig tc =
                TrainerConfig.builder()
                        .optimizer(Optimizer.adamW().withWeightDecay(cfg.weightDecay()))
                        .schedule(schedule)
                        .clipNorm(cfg.clipNorm())
                        .accumulationSteps(cfg.accumulationSteps())
                        .seed(cfg.seed())
                        .session(cfg.session())
                        .optimizerThreads(cfg.optimizerThreads())
                        .build();
        SftGraph graph = SftGraph.build(c, cfg.lora(), cfg.addedTokens(), cfg.dropout());
        ParameterStore store = graph.initialStore(base, cfg.seed());
        String signature = cfg.trainingSignature() + "; model=" + c + "; examples=" + data.size();
        int padId = c.padTokenId() >= 0 ? c.padTokenId() : c.eosTokenId();

        List<Double> losses = new ArrayList<>();
        long tokens = 0;
        long micro = 0;
        long resumedFrom = 0;
        double bestMetric = Double.NaN;
        long bestStep = -1;
        Path bestDir = evaluator == null ? null : out.resolve("best");
        double tokensPerSecond;
        long steps;
        try (Trainer trainer = Trainer.create(graph.builder(), graph.loss(), store, tc)) {
            List<Path> ckpts = checkpoints(out);
            List<String> damaged = new ArrayList<>();
            // newest first; a damaged checkpoint (a torn write, a flipped byte) gives way to the
            // newest intact one, but a checkpoint of another run is an error, not damage
            for (int i = ckpts.size() - 1; i >= 0; i--) {
                Path ckpt = ckpts.get(i);
                JsonNode st;
                try {
                    st = readState(ckpt, signature);
                    checkState(ckpt, st, totalMicro);
                    trainer.loadCheckpoint(ckpt.resolve(TRAINER_FILE));
                } catch (CheckpointMismatchException e) {
                    throw e;
                } catch (RuntimeException e) {
                    damaged.add(ckpt.getFileName() + " (" + e.getMessage() + ")");
                    continue;
                }
                if (!damaged.isEmpty()) {
                    LOG.log(
                            System.Logger.Level.WARNING,
                            "{0}: damaged checkpoint(s) skipped: {1}; resuming from {2}",
                            out,
                            String.join("; ", damaged),
                            ckpt.getFileName());
                }
                micro = st.get("micro_cursor").asLong();
                tokens = st.get("tokens").asLong();
                losses.clear();
                for (JsonNode l : st.get("losses")) {
                    losses.add(l.asDouble());
                }
                bestMetric =
                        st.get("best_metric").isNull()
                                ? Double.NaN
                                : st.get("best_metric").asDouble();
                bestStep = st.get("best_step").asLong();
                resumedFrom = trainer.stepCount();
                break;
            }
            if (resumedFrom == 0 && !damaged.isEmpty()) {
                throw new CheckpointException(
                        out
                                + ": every checkpoint is damaged ("
                                + String.join("; ", damaged)
                                + "); delete them to train from the start");
            }
            long t0 = System.nanoTime();
            long tokensHere = 0;
            int curEpoch = -1;
            List<int[]> order = null;
            double windowLoss = 0;
            // a run resumed after it had stopped early stays stopped
            boolean stoppedEarly = patienceExhausted(trainer.stepCount(), bestStep);
            while (micro < totalMicro && !stoppedEarly) {
                int epoch = (int) (micro / perEpoch);
                if (epoch != curEpoch) {
                    order = data.epoch(cfg.batchSize(), cfg.seed(), epoch);
                    curEpoch = epoch;
                }
                SftBatches.Batch b =
                        data.pad(
                                order.get((int) (micro % perEpoch)),
                                padId,
                                cfg.padToMultiple(),
                                cfg.maxLength());
                feed(trainer, b);
                StepResult r = trainer.step();
                micro++;
                tokens += b.tokens();
                tokensHere += b.tokens();
                windowLoss += r.loss();
                if (!r.applied()) {
                    continue;
                }
                long step = trainer.stepCount();
                losses.add(windowLoss / cfg.accumulationSteps());
                windowLoss = 0;
                double secs = (System.nanoTime() - t0) / 1e9;
                double tps = tokensHere / Math.max(secs, 1e-9);
                double eta = secs / Math.max(1, step - resumedFrom) * (totalSteps - step);
                ls.onStep(
                        new Progress(
                                step,
                                totalSteps,
                                epoch,
                                losses.get(losses.size() - 1),
                                r.lr(),
                                r.gradNorm(),
                                tps,
                                eta));
                boolean last = step == totalSteps;
                if (evaluator != null
                        && (last || (cfg.evaluateEvery() > 0 && step % cfg.evaluateEvery() == 0))) {
                    double m = evaluator.evaluate(graph.merged(store), step);
                    boolean better = Double.isNaN(bestMetric) || m > bestMetric;
                    if (better) {
                        bestMetric = m;
                        bestStep = step;
                        saveModelDir(graph.merged(store), bestDir);
                    }
                    ls.onEvaluation(step, m, better);
                    stoppedEarly = !last && patienceExhausted(step, bestStep);
                }
                if (last
                        || stoppedEarly
                        || (cfg.checkpointEvery() > 0 && step % cfg.checkpointEvery() == 0)) {
                    Path dir =
                            writeCheckpoint(
                                    out,
                                    trainer,
                                    step,
                                    micro,
                                    tokens,
                                    losses,
                                    signature,
                                    bestMetric,
                                    bestStep);
                    ls.onCheckpoint(step, dir);
                }
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            tokensPerSecond = tokensHere / Math.max(secs, 1e-9);
            steps = trainer.stepCount();
        }
        // the trainer (its ORT session, arena and optimiser moments) is closed before the merged
        // copy is made: at 0.5B parameters each of those is gigabytes
        LlamaModel trained = consumeBase ? graph.mergeInto(base, store) : graph.merged(store);
        Path modelDir = out.resolve("model");
        saveModelDir(trained, modelDir);
        return new SftResult(
                trained,
                steps,
                losses,
                tokens,
                tokensPerSecond,
                data.size(),
                data.truncatedPrompts,
                data.truncatedTokens,
                data.droppedExamples,
                resumedFrom,
                bestMetric,
                bestStep,
                modelDir,
                bestDir);
    }

    /** Whether the evaluator has not improved for {@code patience} evaluations in a row. */
    private boolean patienceExhausted(long step, long bestStep) {
        return cfg.patience() > 0
                && cfg.evaluateEvery() > 0
                && bestStep >= 0
                && step - bestStep >= (long) cfg.patience() * cfg.evaluateEvery();
    }

    static void feed(Trainer t, SftBatches.Batch b) {
        put(t.input(SftGraph.INPUT_IDS, b.rows(), b.length()), b.ids());
        put(t.input(SftGraph.ATTENTION_MASK, b.rows(), b.length()), b.mask());
        put(t.input(SftGraph.POSITION_IDS, b.rows(), b.length()), b.positions());
        put(t.input(SftGraph.LOSS_POSITIONS, b.lossPositions().length), b.lossPositions());
        put(t.input(SftGraph.LABELS, b.labels().length), b.labels());
    }

    private static void put(DirectTensor t, long[] v) {
        t.longs().put(0, v);
    }

    // ------------------------------------------------------------------ checkpoints

    /** The newest complete checkpoint directory in {@code out}, or null. */
    static Path latestCheckpoint(Path out) {
        List<Path> all = checkpoints(out);
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    /** Complete checkpoint directories, oldest first. */
    static List<Path> checkpoints(Path out) {
        if (!Files.isDirectory(out)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(out)) {
            return s.filter(p -> p.getFileName().toString().matches("checkpoint-\\d+"))
                    .filter(p -> Files.isRegularFile(p.resolve(STATE_FILE)))
                    .sorted(Comparator.comparingLong(SftTrainer::stepOf))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("listing " + out, e);
        }
    }

    private static long stepOf(Path p) {
        return Long.parseLong(p.getFileName().toString().substring("checkpoint-".length()));
    }

    /** A checkpoint whose files are unreadable or inconsistent (as opposed to another run's). */
    private static final class DamagedCheckpoint extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DamagedCheckpoint(String message) {
            super(message);
        }
    }

    /** The cursor and counters of a state file, checked against this run before they are used. */
    private static void checkState(Path dir, JsonNode st, long totalMicro) {
        Path f = dir.resolve(STATE_FILE);
        for (String field : List.of("micro_cursor", "tokens", "best_step")) {
            if (!st.path(field).isIntegralNumber()) {
                throw new DamagedCheckpoint(
                        f + ": " + field + ": expected an integer, found " + st.get(field));
            }
        }
        long micro = st.get("micro_cursor").asLong();
        if (micro < 0 || micro > totalMicro) {
            throw new DamagedCheckpoint(
                    f + ": micro_cursor: expected 0.." + totalMicro + ", found " + micro);
        }
        if (st.get("tokens").asLong() < 0 || st.get("best_step").asLong() < -1) {
            throw new DamagedCheckpoint(
                    f
                            + ": tokens must be >= 0 and best_step >= -1, found "
                            + st.get("tokens")
                            + " and "
                            + st.get("best_step"));
        }
        if (!st.path("losses").isArray()) {
            throw new DamagedCheckpoint(f + ": losses: expected a list of numbers");
        }
        if (!st.has("best_metric")) {
            throw new DamagedCheckpoint(f + ": best_metric: missing");
        }
    }

    private static JsonNode readState(Path dir, String signature) {
        Path f = dir.resolve(STATE_FILE);
        JsonNode st;
        try {
            st = JSON.readTree(Files.readString(f, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new DamagedCheckpoint(f + ": unreadable: " + e.getMessage());
        }
        if (st == null || !st.isObject()) {
            throw new DamagedCheckpoint(f + ": expected a JSON object");
        }
        if (!FORMAT.equals(st.path("format").asText())) {
            throw new DamagedCheckpoint(
                    f
                            + ": format: expected '"
                            + FORMAT
                            + "', found '"
                            + st.path("format").asText()
                            + "'");
        }
        if (st.path("version").asInt() != VERSION) {
            throw new CheckpointMismatchException(
                    f + ": unsupported version " + st.path("version") + ", expected " + VERSION);
        }
        if (!signature.equals(st.path("signature").asText())) {
            throw new CheckpointMismatchException(
                    f
                            + ": the checkpoint was written for a different run; expected '"
                            + signature
                            + "', found '"
                            + st.path("signature").asText()
                            + "' (use a fresh output directory)");
        }
        return st;
    }

    private Path writeCheckpoint(
            Path out,
            Trainer trainer,
            long step,
            long micro,
            long tokens,
            List<Double> losses,
            String signature,
            double bestMetric,
            long bestStep) {
        Path dir = out.resolve("checkpoint-" + step);
        Path tmp = out.resolve(".checkpoint-" + step + ".tmp");
        try {
            AtomicFiles.deleteTree(tmp);
            Files.createDirectories(tmp);
            trainer.saveCheckpoint(tmp.resolve(TRAINER_FILE));
            ObjectNode st = JSON.createObjectNode();
            st.put("format", FORMAT);
            st.put("version", VERSION);
            st.put("signature", signature);
            st.put("step", step);
            st.put("micro_cursor", micro);
            st.put("tokens", tokens);
            ArrayNode l = st.putArray("losses");
            losses.forEach(l::add);
            if (Double.isNaN(bestMetric)) {
                st.putNull("best_metric");
            } else {
                st.put("best_metric", bestMetric);
            }
            st.put("best_step", bestStep);
            Files.writeString(
                    tmp.resolve(STATE_FILE), JSON.writeValueAsString(st), StandardCharsets.UTF_8);
            AtomicFiles.deleteTree(dir);
            AtomicFiles.move(tmp, dir);
            List<Path> all = checkpoints(out);
            for (int i = 0; i < all.size() - cfg.keepLastCheckpoints(); i++) {
                AtomicFiles.deleteTree(all.get(i));
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("writing checkpoint " + dir, e);
        }
    }

    /** Writes a Hugging Face checkpoint directory atomically (temporary directory, then rename). */
    static void saveModelDir(LlamaModel m, Path dir) {
        Path tmp = dir.resolveSibling("." + dir.getFileName() + ".tmp");
        Path old = dir.resolveSibling("." + dir.getFileName() + ".old");
        try {
            AtomicFiles.deleteTree(tmp);
            m.save(tmp);
            AtomicFiles.deleteTree(old);
            if (Files.exists(dir)) {
                AtomicFiles.move(dir, old);
            }
            AtomicFiles.move(tmp, dir);
            AtomicFiles.deleteTree(old);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + dir, e);
        }
    }

    @Override
    public String toString() {
        return "SftTrainer(" + cfg + ")";
    }
}
