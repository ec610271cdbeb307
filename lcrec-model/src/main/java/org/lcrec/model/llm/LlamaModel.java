package org.lcrec.model.llm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.lcrec.core.io.AtomicFiles;
import org.lcrec.onnx.ParameterStore;

/**
 * A LLaMA-family decoder: its {@link LlamaConfig} and float32 weights under Hugging Face names.
 * Loaded from and saved to Hugging Face checkpoint directories; built into graphs by {@link
 * DecoderGraph}.
 *
 * @implNote Not thread-safe: the weights are mutable direct buffers shared with trainers.
 */
public final class LlamaModel {
    private final LlamaConfig config;
    private final ParameterStore weights;

    /**
     * A model over existing weights.
     *
     * @throws CheckpointException when the weights do not match the config's tensors
     */
    public LlamaModel(LlamaConfig config, ParameterStore weights) {
        this.config = Objects.requireNonNull(config, "config");
        this.weights = Objects.requireNonNull(weights, "weights");
        try {
            weights.checkMatches(LlamaParameters.specs(config), "weights of " + config);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(e.getMessage(), e);
        }
    }

    /** A model with Hugging Face's random initialisation, seeded. */
    public static LlamaModel random(LlamaConfig config, long seed) {
        return new LlamaModel(
                config, ParameterStore.initialize(LlamaParameters.specs(config), seed));
    }

    /**
     * Loads config.json and the (possibly sharded) safetensors weights of a checkpoint directory.
     */
    public static LlamaModel load(Path dir) {
        Path cfg = dir.resolve(HfCheckpoint.CONFIG);
        if (!Files.isRegularFile(cfg)) {
            throw new CheckpointException(
                    dir + ": not a checkpoint directory (no " + HfCheckpoint.CONFIG + ")");
        }
        LlamaConfig c = LlamaConfig.read(cfg);
        return new LlamaModel(c, HfCheckpoint.readWeights(dir, c));
    }

    public LlamaConfig config() {
        return config;
    }

    /** The weights (shared, not copied). */
    public ParameterStore weights() {
        return weights;
    }

    /** Saves config.json and model.safetensors (each atomically) into {@code dir}. */
    public void save(Path dir) {
        save(dir, HfCheckpoint.DEFAULT_SHARD_BYTES);
    }

    /** Saves with weights split into shards of at most {@code maxShardBytes} (plus the index). */
    public void save(Path dir, long maxShardBytes) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new CheckpointException(dir + ": cannot create: " + e.getMessage(), e);
        }
        HfCheckpoint.writeWeights(dir, config, weights, maxShardBytes);
        config.write(dir.resolve(HfCheckpoint.CONFIG));
    }

    /** A deep copy of the weights. */
    public LlamaModel copy() {
        ParameterStore s = new ParameterStore();
        for (var p : weights.all()) {
            s.add(p.name(), p.shape(), p.trainable(), p.decay()).set(p.toArray());
        }
        return new LlamaModel(config, s);
    }

    /**
     * Copies {@code tokenizer.json} from {@code from} to {@code to} when it exists there (atomic).
     *
     * @return whether a tokenizer was copied
     */
    public static boolean copyTokenizer(Path from, Path to) {
        Path src = from.resolve(HfCheckpoint.TOKENIZER);
        if (!Files.isRegularFile(src)
                || from.toAbsolutePath().normalize().equals(to.toAbsolutePath().normalize())) {
            return false;
        }
        try {
            AtomicFiles.copy(src, to.resolve(HfCheckpoint.TOKENIZER));
            return true;
        } catch (java.io.UncheckedIOException e) {
            throw new CheckpointException(
                    "copying " + src + " to " + to + ": " + e.getCause().getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "LlamaModel(" + config + ", " + weights.totalSize() + " values)";
    }
}
