package org.lcrec.model.sasrec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.lcrec.core.Interactions;
import org.lcrec.core.io.AtomicFiles;
import org.lcrec.onnx.HostTensor;
import org.lcrec.onnx.Parameter;
import org.lcrec.onnx.ParameterStore;
import org.lcrec.onnx.Safetensors;
import org.lcrec.onnx.runtime.DirectTensor;
import org.lcrec.onnx.runtime.SessionConfig;
import org.lcrec.onnx.train.LrSchedule;
import org.lcrec.onnx.train.Optimizer;
import org.lcrec.onnx.train.Rng;
import org.lcrec.onnx.train.StepResult;
import org.lcrec.onnx.train.Trainer;
import org.lcrec.onnx.train.TrainerConfig;

/**
 * Trains {@link SasRecModel}s on lcrec-onnx's {@link Trainer} (forward and backward in one ONNX
 * Runtime session, AdamW in Java).
 *
 * <p>Data: per user an item sequence, oldest first, of which the last {@code heldOut} items are
 * never trained on (2 when the test split will be evaluated: training sees {@code items[:-2]},
 * exactly what the generative model trains on). The training part gives windows of up to {@code
 * maxLength + 1} items ({@link WindowPolicy}); inputs are a window without its last item, targets
 * the window without its first, and every position carries a loss.
 *
 * <p>Validation (when {@code validationUsers > 0}): a seeded sample of users is scored after every
 * epoch with NDCG@10 of the first held-out item {@code items[n - heldOut]} after {@code items[:n -
 * heldOut]} (history items excluded unless {@code excludeHistory} is false); that needs {@code
 * heldOut >= 2}, since with one held-out item the target would be the test item. The parameters of
 * the best epoch are returned, and training stops after {@code patience} epochs without
 * improvement.
 *
 * <p>Checkpoints (when a directory is given): after every epoch a directory {@code epoch-<n>/} with
 * the trainer state (parameters, AdamW moments, RNG), the best parameters so far and {@value
 * #STATE_FILE}, written under a temporary name and renamed; the previous one is then deleted.
 * {@code train} on a directory with a checkpoint resumes after it and reproduces the uninterrupted
 * run: batches depend only on (seed, epoch), dropout masks and negatives come from the trainer's
 * checkpointed generator. A checkpoint of another configuration or other data is refused.
 *
 * @implNote Not thread-safe; one run at a time. Memory is dominated by the full-softmax logits,
 *     {@code positions per batch * items} floats a few times over.
 */
public final class SasRecTrainer {
    /** The run-state file inside a checkpoint directory. */
    public static final String STATE_FILE = "sasrec-state.json";

    static final String TRAINER_FILE = "trainer.safetensors";
    static final String BEST_FILE = "best.safetensors";
    static final String CHECKPOINT_PREFIX = "epoch-";
    static final String FORMAT = "lcrec-sasrec-checkpoint";
    static final int VERSION = 1;

    /** NDCG cut-off of the validation metric (the results tables report @10). */
    static final int VALIDATION_K = 10;

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final SasRecConfig cfg;

    /**
     * @param cfg the settings
     */
    public SasRecTrainer(SasRecConfig cfg) {
        this.cfg = Objects.requireNonNull(cfg, "cfg");
    }

    /**
     * @return the settings
     */
    public SasRecConfig config() {
        return cfg;
    }

    /**
     * Trains on interactions without checkpoints; the items are those that occur in them.
     *
     * @param data per-user sequences
     * @param heldOut items at the end of each sequence never trained on
     * @return the model (close it)
     */
    public SasRecModel train(Interactions data, int heldOut) {
        return train(data, heldOut, null, null, SasRecListener.none());
    }

    /**
     * Trains on interactions.
     *
     * @param data per-user sequences
     * @param heldOut items at the end of each sequence never trained on
     * @param items every item id to score (e.g. the whole catalogue), or null for the items that
     *     occur in {@code data}
     * @param checkpointDir where checkpoints go and a run resumes from, or null for none
     * @param listener progress, or null
     * @return the model (close it)
     */
    public SasRecModel train(
            Interactions data,
            int heldOut,
            int[] items,
            Path checkpointDir,
            SasRecListener listener) {
        Objects.requireNonNull(data, "data");
        List<int[]> seqs = new ArrayList<>(data.userCount());
        for (int r = 0; r < data.userCount(); r++) {
            seqs.add(data.sequence(r));
        }
        return train(seqs, heldOut, items, checkpointDir, listener);
    }

    /**
     * Trains on plain sequences without checkpoints; the items are those that occur in them.
     *
     * @param sequences per-user item ids, oldest first
     * @param heldOut items at the end of each sequence never trained on
     * @return the model (close it)
     */
    public SasRecModel train(List<int[]> sequences, int heldOut) {
        return train(sequences, heldOut, null, null, SasRecListener.none());
    }

    /**
     * Trains on plain sequences.
     *
     * @param sequences per-user item ids, oldest first
     * @param heldOut items at the end of each sequence never trained on
     * @param items the items the model scores (e.g. the whole catalogue), or null for those that
     *     occur in {@code sequences}; every trained item must be among them
     * @param checkpointDir where checkpoints go and a run resumes from, or null for none
     * @param listener progress, or null
     * @return the model (close it)
     * @throws IllegalArgumentException when no sequence has a training window, a trained item is
     *     not in {@code items}, or validation is asked for with {@code heldOut < 2}
     * @throws SasRecException when the checkpoint directory holds a checkpoint of another run
     */
    public SasRecModel train(
            List<int[]> sequences,
            int heldOut,
            int[] items,
            Path checkpointDir,
            SasRecListener listener) {
        Objects.requireNonNull(sequences, "sequences");
        if (heldOut < 0) {
            throw new IllegalArgumentException("heldOut must be >= 0, found " + heldOut);
        }
        if (cfg.validationUsers() > 0 && heldOut < 2) {
            throw new IllegalArgumentException(
                    "validation scores the first held-out item, so it needs heldOut >= 2 (with"
                            + " heldOut="
                            + heldOut
                            + " it would score the test item); found heldOut="
                            + heldOut
                            + ": set validationUsers(0) to train without validation");
        }
        for (int u = 0; u < sequences.size(); u++) {
            if (sequences.get(u) == null) {
                throw new IllegalArgumentException("sequence " + u + " is null");
            }
        }
        SasRecListener ls = listener == null ? SasRecListener.none() : listener;
        ItemVocabulary vocab =
                items == null ? ItemVocabulary.ofSequences(sequences) : ItemVocabulary.of(items);
        List<int[]> train = new ArrayList<>(sequences.size());
        for (int u = 0; u < sequences.size(); u++) {
            int[] s = sequences.get(u);
            int n = Math.max(0, s.length - heldOut);
            int[] r = new int[n];
            for (int i = 0; i < n; i++) {
                int row = vocab.row(s[i]);
                if (row < 0) {
                    throw new IllegalArgumentException(
                            "sequence "
                                    + u
                                    + ": item "
                                    + s[i]
                                    + " at position "
                                    + i
                                    + " is not among the "
                                    + vocab.size()
                                    + " items given");
                }
                r[i] = row + 1;
            }
            train.add(r);
        }
        SasRecBatches batches = SasRecBatches.of(train, cfg.maxLength(), cfg.windows());
        if (batches.size() == 0) {
            throw new IllegalArgumentException(
                    "no training windows: each of the "
                            + sequences.size()
                            + " sequences has fewer than heldOut + 2 = "
                            + (heldOut + 2)
                            + " items");
        }
        Validation val = validation(sequences, train, heldOut, vocab);
        String signature = cfg.trainingSignature();
        String fingerprint = fingerprint(sequences, heldOut, vocab);
        return new Run(vocab, train, batches, val, signature, fingerprint, checkpointDir, ls).run();
    }

    /** The validation sample: histories as item rows + 1, targets as rows (-1 if unknown). */
    private record Validation(int[][] histories, int[] targets) {
        int size() {
            return targets.length;
        }
    }

    private Validation validation(
            List<int[]> sequences, List<int[]> train, int heldOut, ItemVocabulary vocab) {
        if (cfg.validationUsers() == 0) {
            return new Validation(new int[0][], new int[0]);
        }
        List<Integer> eligible = new ArrayList<>();
        for (int u = 0; u < sequences.size(); u++) {
            if (train.get(u).length >= 1 && sequences.get(u).length >= heldOut + 1) {
                eligible.add(u);
            }
        }
        int[] pick = new int[eligible.size()];
        for (int i = 0; i < pick.length; i++) {
            pick[i] = eligible.get(i);
        }
        if (pick.length > cfg.validationUsers()) {
            // a partial Fisher-Yates shuffle from its own stream of the seed
            SplittableRandom rng = new SplittableRandom(cfg.seed() ^ 0x5DEECE66DL);
            for (int i = 0; i < cfg.validationUsers(); i++) {
                int j = i + rng.nextInt(pick.length - i);
                int t = pick[i];
                pick[i] = pick[j];
                pick[j] = t;
            }
            pick = Arrays.copyOf(pick, cfg.validationUsers());
            Arrays.sort(pick);
        }
        int[][] hist = new int[pick.length][];
        int[] targets = new int[pick.length];
        for (int i = 0; i < pick.length; i++) {
            int[] s = sequences.get(pick[i]);
            hist[i] = train.get(pick[i]);
            targets[i] = vocab.row(s[s.length - heldOut]);
        }
        return new Validation(hist, targets);
    }

    /**
     * A 64-bit FNV-1a hash of the data that decides training: refuses a checkpoint of other data.
     */
    private static String fingerprint(List<int[]> sequences, int heldOut, ItemVocabulary vocab) {
        long h = 0xcbf29ce484222325L;
        h = mix(h, heldOut);
        h = mix(h, vocab.size());
        for (int i = 0; i < vocab.size(); i++) {
            h = mix(h, vocab.id(i));
        }
        h = mix(h, sequences.size());
        for (int[] s : sequences) {
            h = mix(h, s.length);
            for (int x : s) {
                h = mix(h, x);
            }
        }
        return "users="
                + sequences.size()
                + ", heldOut="
                + heldOut
                + ", items="
                + vocab.size()
                + ", hash="
                + Long.toHexString(h);
    }

    private static long mix(long h, int v) {
        for (int k = 0; k < 4; k++) {
            h = (h ^ ((v >>> (8 * k)) & 0xFF)) * 0x100000001b3L;
        }
        return h;
    }

    /** One training run: its state lives here so that checkpoints can save and restore it. */
    private final class Run {
        private final ItemVocabulary vocab;
        private final List<int[]> train;
        private final SasRecBatches batches;
        private final Validation val;
        private final String signature;
        private final String fingerprint;
        private final Path dir;
        private final SasRecListener listener;
        private final List<Double> losses = new ArrayList<>();
        private final List<Double> seconds = new ArrayList<>();
        private final List<Double> ndcgs = new ArrayList<>();
        private int bestEpoch;
        private double bestNdcg = Double.NEGATIVE_INFINITY;
        private int badEpochs;
        private float[][] best;
        private int[][] sortedTrain;

        Run(
                ItemVocabulary vocab,
                List<int[]> train,
                SasRecBatches batches,
                Validation val,
                String signature,
                String fingerprint,
                Path dir,
                SasRecListener listener) {
            this.vocab = vocab;
            this.train = train;
            this.batches = batches;
            this.val = val;
            this.signature = signature;
            this.fingerprint = fingerprint;
            this.dir = dir;
            this.listener = listener;
        }

        private boolean validating() {
            return val.size() > 0;
        }

        SasRecModel run() {
            TrainerConfig tc =
                    TrainerConfig.builder()
                            .optimizer(Optimizer.adamW().withWeightDecay(cfg.weightDecay()))
                            .schedule(LrSchedule.constant(cfg.learningRate(), cfg.warmupSteps()))
                            .clipNorm(cfg.clipNorm())
                            .seed(cfg.seed())
                            .session(
                                    SessionConfig.cpu()
                                            .withIntraOpThreads(cfg.numThreads())
                                            .withInterOpThreads(1))
                            .optimizerThreads(cfg.numThreads())
                            .build();
            SasRecGraph.Training graph = SasRecGraph.training(vocab.size(), cfg);
            ParameterStore store =
                    ParameterStore.initialize(graph.builder().parameters(), cfg.seed());
            int resumedFrom = 0;
            SasRecModel scorer = null;
            try (Trainer trainer = Trainer.create(graph.builder(), graph.loss(), store, tc)) {
                Path ckpt = dir == null ? null : latestCheckpoint(dir);
                if (ckpt != null) {
                    restore(ckpt, trainer);
                    resumedFrom = losses.size();
                }
                List<Parameter> params = store.all();
                while (losses.size() < cfg.maxEpochs()
                        && !(validating() && badEpochs >= cfg.patience())) {
                    int epoch = losses.size();
                    long t0 = System.nanoTime();
                    double lossSum = 0;
                    long positions = 0;
                    for (int[] members : batches.epoch(cfg.batchSize(), cfg.seed(), epoch)) {
                        SasRecBatches.Batch b = batches.assemble(members);
                        feed(trainer, b, members);
                        StepResult r = trainer.step();
                        lossSum += (double) r.loss() * b.labels().length;
                        positions += b.labels().length;
                    }
                    double secs = (System.nanoTime() - t0) / 1e9;
                    losses.add(lossSum / positions);
                    seconds.add(secs);
                    boolean improved = false;
                    double ndcg = Double.NaN;
                    if (validating()) {
                        if (scorer == null) {
                            scorer = SasRecModel.following(cfg, vocab, store);
                        }
                        ndcg =
                                scorer.ndcg(
                                        val.histories(),
                                        val.targets(),
                                        VALIDATION_K,
                                        cfg.excludeHistory());
                        improved = ndcg > bestNdcg;
                        if (improved) {
                            bestNdcg = ndcg;
                            bestEpoch = epoch + 1;
                            badEpochs = 0;
                            best = new float[params.size()][];
                            for (int i = 0; i < best.length; i++) {
                                best[i] = params.get(i).toArray();
                            }
                        } else {
                            badEpochs++;
                        }
                    }
                    ndcgs.add(ndcg);
                    if (dir != null) {
                        Path written = checkpoint(trainer, store);
                        listener.onCheckpoint(epoch + 1, written);
                    }
                    listener.onEpoch(
                            new SasRecEpoch(
                                    epoch + 1,
                                    cfg.maxEpochs(),
                                    losses.get(epoch),
                                    ndcg,
                                    improved,
                                    secs,
                                    positions / Math.max(secs, 1e-9)));
                }
            } finally {
                if (scorer != null) {
                    scorer.close();
                }
            }
            if (validating() && best != null) {
                List<Parameter> params = store.all();
                for (int i = 0; i < best.length; i++) {
                    params.get(i).set(best[i]);
                }
            } else {
                bestEpoch = losses.size();
            }
            boolean stoppedEarly =
                    validating() && badEpochs >= cfg.patience() && losses.size() < cfg.maxEpochs();
            SasRecHistory h =
                    new SasRecHistory(
                            losses,
                            seconds,
                            ndcgs,
                            bestEpoch,
                            stoppedEarly,
                            resumedFrom,
                            batches.size(),
                            batches.positions);
            return new SasRecModel(cfg, vocab, store, h);
        }

        private void feed(Trainer t, SasRecBatches.Batch b, int[] members) {
            put(t.input(SasRecGraph.INPUT_IDS, b.rows(), b.length()), b.ids());
            put(t.input(SasRecGraph.POSITION_IDS, b.rows(), b.length()), b.positions());
            put(t.input(SasRecGraph.LOSS_POSITIONS, b.labels().length), b.lossPositions());
            put(t.input(SasRecGraph.LABELS, b.labels().length), b.labels());
            if (cfg.loss() == TrainingLoss.SAMPLED_BCE) {
                put(
                        t.input(SasRecGraph.NEGATIVES, b.labels().length),
                        negatives(t.rng(), b, members));
            }
        }

        /**
         * One negative row per loss position, uniform over the items outside the user's training
         * sequence (any item but the target when the sequence covers them all).
         */
        private long[] negatives(Rng rng, SasRecBatches.Batch b, int[] members) {
            if (sortedTrain == null) {
                sortedTrain = new int[train.size()][];
                for (int u = 0; u < sortedTrain.length; u++) {
                    int[] s = train.get(u).clone();
                    Arrays.sort(s);
                    sortedTrain[u] = s;
                }
            }
            int n = vocab.size();
            long[] out = new long[b.labels().length];
            int k = 0;
            for (int r = 0; r < b.rows(); r++) {
                int[] seen = sortedTrain[batches.sequenceOf[members[r]]];
                int inputs = batches.windows[members[r]].length - 1;
                boolean coversAll = distinct(seen) >= n;
                for (int t = 0; t < inputs; t++, k++) {
                    int neg;
                    do {
                        neg = rng.nextInt(n);
                    } while (coversAll
                            ? neg == b.labels()[k]
                            : Arrays.binarySearch(seen, neg + 1) >= 0);
                    out[k] = neg;
                }
            }
            return out;
        }

        private int distinct(int[] sorted) {
            int d = 0;
            for (int i = 0; i < sorted.length; i++) {
                if (i == 0 || sorted[i] != sorted[i - 1]) {
                    d++;
                }
            }
            return d;
        }

        // -------------------------------------------------------------- checkpoints

        private Path checkpoint(Trainer trainer, ParameterStore store) {
            int epoch = losses.size();
            Path target = dir.resolve(CHECKPOINT_PREFIX + epoch);
            Path tmp = dir.resolve("." + CHECKPOINT_PREFIX + epoch + ".tmp");
            try {
                AtomicFiles.deleteTree(tmp);
                Files.createDirectories(tmp);
                trainer.saveCheckpoint(tmp.resolve(TRAINER_FILE));
                if (best != null) {
                    Map<String, HostTensor> t = new LinkedHashMap<>();
                    List<Parameter> params = store.all();
                    for (int i = 0; i < best.length; i++) {
                        t.put(
                                params.get(i).name(),
                                HostTensor.ofFloats(best[i], params.get(i).shape()));
                    }
                    Safetensors.write(tmp.resolve(BEST_FILE), t, Map.of());
                }
                ObjectNode st = JSON.createObjectNode();
                st.put("format", FORMAT);
                st.put("version", VERSION);
                st.put("signature", signature);
                st.put("data", fingerprint);
                st.put("epoch", epoch);
                SasRecModel.doubles(st.putArray("losses"), losses);
                SasRecModel.doubles(st.putArray("seconds"), seconds);
                SasRecModel.doubles(st.putArray("ndcg"), ndcgs);
                st.put("best_epoch", bestEpoch);
                st.put("bad_epochs", badEpochs);
                Files.writeString(
                        tmp.resolve(STATE_FILE),
                        JSON.writeValueAsString(st),
                        StandardCharsets.UTF_8);
                AtomicFiles.deleteTree(target);
                AtomicFiles.move(tmp, target);
                for (Path old : checkpoints(dir)) {
                    if (!old.equals(target)) {
                        AtomicFiles.deleteTree(old);
                    }
                }
                return target;
            } catch (IOException e) {
                throw new UncheckedIOException("writing checkpoint " + target, e);
            }
        }

        private void restore(Path ckpt, Trainer trainer) {
            Path f = ckpt.resolve(STATE_FILE);
            JsonNode st;
            try {
                st = JSON.readTree(Files.readString(f, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new SasRecException(f + ": cannot read: " + e.getMessage(), e);
            }
            if (!FORMAT.equals(st.path("format").asText())) {
                throw new SasRecException(
                        f
                                + ": format: expected \""
                                + FORMAT
                                + "\", found \""
                                + st.path("format").asText()
                                + "\"");
            }
            if (!st.path("version").isInt() || st.path("version").asInt() != VERSION) {
                throw new SasRecException(
                        f
                                + ": unknown "
                                + FORMAT
                                + " version "
                                + st.path("version")
                                + " (this build reads version "
                                + VERSION
                                + ")");
            }
            for (String[] kv : new String[][] {{"signature", signature}, {"data", fingerprint}}) {
                if (!kv[1].equals(st.path(kv[0]).asText())) {
                    throw new SasRecException(
                            f
                                    + ": the checkpoint was written for a different run: "
                                    + kv[0]
                                    + " expected '"
                                    + kv[1]
                                    + "', found '"
                                    + st.path(kv[0]).asText()
                                    + "' (use a fresh checkpoint directory)");
                }
            }
            trainer.loadCheckpoint(ckpt.resolve(TRAINER_FILE));
            losses.addAll(SasRecModel.doubles(st.path("losses"), "losses", f));
            seconds.addAll(SasRecModel.doubles(st.path("seconds"), "seconds", f));
            ndcgs.addAll(SasRecModel.doubles(st.path("ndcg"), "ndcg", f));
            bestEpoch = st.path("best_epoch").asInt();
            badEpochs = st.path("bad_epochs").asInt();
            if (bestEpoch > 0) {
                bestNdcg = ndcgs.get(bestEpoch - 1);
                Safetensors.Contents c = Safetensors.read(ckpt.resolve(BEST_FILE));
                List<Parameter> params = trainer.parameters().all();
                best = new float[params.size()][];
                for (int i = 0; i < best.length; i++) {
                    HostTensor t = c.tensors().get(params.get(i).name());
                    if (t == null) {
                        throw new SasRecException(
                                ckpt.resolve(BEST_FILE)
                                        + ": tensor '"
                                        + params.get(i).name()
                                        + "' is missing");
                    }
                    best[i] = t.toFloatArray();
                }
            }
        }
    }

    private static void put(DirectTensor t, long[] v) {
        t.longs().put(0, v);
    }

    /** The newest complete checkpoint directory in {@code dir}, or null. */
    static Path latestCheckpoint(Path dir) {
        List<Path> all = checkpoints(dir);
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    /** Complete checkpoint directories, oldest first. */
    static List<Path> checkpoints(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches(CHECKPOINT_PREFIX + "\\d+"))
                    .filter(p -> Files.isRegularFile(p.resolve(STATE_FILE)))
                    .sorted(Comparator.comparingLong(SasRecTrainer::epochOf))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("listing " + dir, e);
        }
    }

    private static long epochOf(Path p) {
        return Long.parseLong(p.getFileName().toString().substring(CHECKPOINT_PREFIX.length()));
    }

    @Override
    public String toString() {
        return "SasRecTrainer(" + cfg + ")";
    }
}
