package org.lcrec.model.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.lcrec.core.MalformedFileException;
import org.lcrec.core.io.AtomicFiles;
import org.lcrec.core.io.FileChecks;
import org.lcrec.onnx.HostTensor;
import org.lcrec.onnx.Parameter;
import org.lcrec.onnx.ParameterSpec;
import org.lcrec.onnx.ParameterStore;
import org.lcrec.onnx.Safetensors;

/**
 * Reads and writes the weights of a Hugging Face checkpoint directory: {@code model.safetensors},
 * or shards listed in {@code model.safetensors.index.json} ({@code weight_map}). F16, BF16 and F64
 * tensors load as float32. Writes are float32, one file per shard, each atomic.
 */
public final class HfCheckpoint {
    /** Single-file weights. */
    public static final String WEIGHTS = "model.safetensors";

    /** Shard index of sharded weights. */
    public static final String INDEX = "model.safetensors.index.json";

    /** The architecture description. */
    public static final String CONFIG = "config.json";

    /** Tokenizer file copied alongside checkpoints and exports. */
    public static final String TOKENIZER = "tokenizer.json";

    /** Hugging Face's default shard size (5 GB). */
    public static final long DEFAULT_SHARD_BYTES = 5_000_000_000L;

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private HfCheckpoint() {}

    /** Whether {@code dir} holds config.json and weights. */
    public static boolean isCheckpoint(Path dir) {
        return Files.isRegularFile(dir.resolve(CONFIG))
                && (Files.isRegularFile(dir.resolve(WEIGHTS))
                        || Files.isRegularFile(dir.resolve(INDEX)));
    }

    /**
     * Reads the weights of {@code dir} for {@code config}.
     *
     * @throws CheckpointException listing missing tensors, mis-shaped tensors (name, expected and
     *     found shape) and unexpected tensors
     */
    public static ParameterStore readWeights(Path dir, LlamaConfig config) {
        Map<String, HostTensor> all = new LinkedHashMap<>();
        Map<String, Path> source = new LinkedHashMap<>();
        Path single = dir.resolve(WEIGHTS);
        Path index = dir.resolve(INDEX);
        List<Path> files = new ArrayList<>();
        if (Files.isRegularFile(single)) {
            files.add(single);
        } else if (Files.isRegularFile(index)) {
            files.addAll(shards(index));
        } else {
            throw new CheckpointException(dir + ": no " + WEIGHTS + " or " + INDEX);
        }
        for (Path f : files) {
            Safetensors.Contents c;
            try {
                c = Safetensors.read(f);
            } catch (RuntimeException e) {
                throw new CheckpointException(f + ": " + e.getMessage(), e);
            }
            for (Map.Entry<String, HostTensor> e : c.tensors().entrySet()) {
                all.put(e.getKey(), e.getValue());
                source.put(e.getKey(), f);
            }
        }
        checkLayerCount(dir, config, all.keySet());
        List<String> problems = new ArrayList<>();
        ParameterStore store = new ParameterStore();
        List<ParameterSpec> specs = LlamaParameters.specs(config);
        for (ParameterSpec s : specs) {
            HostTensor t = all.get(s.name());
            if (t == null) {
                problems.add("missing tensor '" + s.name() + "' " + Arrays.toString(s.shape()));
                continue;
            }
            if (!Arrays.equals(t.shape(), s.shape())) {
                problems.add(
                        "tensor '"
                                + s.name()
                                + "' in "
                                + source.get(s.name()).getFileName()
                                + ": expected shape "
                                + Arrays.toString(s.shape())
                                + ", found "
                                + Arrays.toString(t.shape()));
                continue;
            }
            if (!t.dtype().isFloating()) {
                problems.add(
                        "tensor '" + s.name() + "': expected a floating dtype, found " + t.dtype());
                continue;
            }
            Parameter p = store.add(s.name(), s.shape(), true, s.decay());
            p.set(t);
        }
        for (String n : all.keySet()) {
            boolean known = specs.stream().anyMatch(s -> s.name().equals(n));
            boolean ignorable =
                    n.endsWith(".rotary_emb.inv_freq")
                            || (config.tieWordEmbeddings() && n.equals(LlamaParameters.LM_HEAD));
            if (!known && !ignorable) {
                problems.add("unexpected tensor '" + n + "' in " + source.get(n).getFileName());
            }
        }
        if (!problems.isEmpty()) {
            int shown = Math.min(problems.size(), FileChecks.MAX_LISTED);
            String more =
                    problems.size() > shown
                            ? "; ... and " + (problems.size() - shown) + " more"
                            : "";
            throw new CheckpointException(
                    dir
                            + ": weights do not match "
                            + config
                            + ": "
                            + String.join("; ", problems.subList(0, shown))
                            + more);
        }
        return store;
    }

    /**
     * Fails before the tensor list of a config is built when the config has more layers than the
     * weights: a {@code num_hidden_layers} of a million would otherwise list nine million missing
     * tensors.
     */
    private static void checkLayerCount(Path dir, LlamaConfig config, Set<String> names) {
        String prefix = "model.layers.";
        long present = 0;
        for (String n : names) {
            int end = n.indexOf('.', prefix.length());
            if (n.startsWith(prefix) && end > prefix.length()) {
                try {
                    present =
                            Math.max(
                                    present,
                                    Integer.parseInt(n.substring(prefix.length(), end)) + 1L);
                } catch (NumberFormatException e) {
                    // not a layer tensor; reported as unexpected below
                }
            }
        }
        if (config.numLayers() > present) {
            throw new CheckpointException(
                    dir.resolve(CONFIG)
                            + ": num_hidden_layers: expected at most "
                            + present
                            + " (the layers the weights hold), found "
                            + config.numLayers());
        }
    }

    private static List<Path> shards(Path index) {
        JsonNode n;
        try {
            n = JSON.readTree(Files.readString(index, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CheckpointException(index + ": cannot read: " + e.getMessage(), e);
        }
        JsonNode map = n == null ? null : n.get("weight_map");
        if (map == null || !map.isObject()) {
            throw new CheckpointException(index + ": missing object 'weight_map'");
        }
        TreeMap<String, Path> files = new TreeMap<>();
        map.properties()
                .forEach(
                        e -> {
                            String f = e.getValue().asText();
                            Path p;
                            try {
                                p =
                                        FileChecks.resolveInside(
                                                index.toAbsolutePath().getParent(),
                                                f,
                                                "file",
                                                index
                                                        + ": weight_map: tensor '"
                                                        + FileChecks.abbreviate(e.getKey())
                                                        + "'");
                            } catch (MalformedFileException outside) {
                                throw new CheckpointException(outside.getMessage(), outside);
                            }
                            if (!Files.isRegularFile(p)) {
                                throw new CheckpointException(
                                        index
                                                + ": weight_map: tensor '"
                                                + e.getKey()
                                                + "' is in missing shard "
                                                + FileChecks.abbreviate(f));
                            }
                            files.put(f, p);
                        });
        return new ArrayList<>(files.values());
    }

    /**
     * Writes the weights of {@code store} named by {@code config}'s specs into {@code dir}: {@code
     * model.safetensors} when they fit one shard, else {@code model-0000k-of-0000n .safetensors}
     * files and the index. Stale weight files of the other layout are removed.
     */
    public static void writeWeights(
            Path dir, LlamaConfig config, ParameterStore store, long maxShardBytes) {
        List<List<ParameterSpec>> shards = new ArrayList<>();
        List<ParameterSpec> cur = new ArrayList<>();
        long curBytes = 0;
        long total = 0;
        for (ParameterSpec s : LlamaParameters.specs(config)) {
            long bytes = s.size() * 4;
            if (!cur.isEmpty() && curBytes + bytes > maxShardBytes) {
                shards.add(cur);
                cur = new ArrayList<>();
                curBytes = 0;
            }
            cur.add(s);
            curBytes += bytes;
            total += bytes;
        }
        shards.add(cur);
        try {
            Files.createDirectories(dir);
            Map<String, String> meta = Map.of("format", "pt");
            if (shards.size() == 1) {
                Safetensors.write(dir.resolve(WEIGHTS), tensors(store, shards.get(0)), meta);
                Files.deleteIfExists(dir.resolve(INDEX));
                return;
            }
            ObjectNode idx = JSON.createObjectNode();
            idx.putObject("metadata").put("total_size", total);
            ObjectNode map = idx.putObject("weight_map");
            for (int k = 0; k < shards.size(); k++) {
                String f =
                        String.format(
                                java.util.Locale.ROOT,
                                "model-%05d-of-%05d.safetensors",
                                k + 1,
                                shards.size());
                Safetensors.write(dir.resolve(f), tensors(store, shards.get(k)), meta);
                for (ParameterSpec s : shards.get(k)) {
                    map.put(s.name(), f);
                }
            }
            AtomicFiles.writeString(dir.resolve(INDEX), JSON.writeValueAsString(idx) + "\n");
            Files.deleteIfExists(dir.resolve(WEIGHTS));
        } catch (IOException e) {
            throw new CheckpointException(dir + ": cannot write weights: " + e.getMessage(), e);
        }
    }

    private static Map<String, HostTensor> tensors(
            ParameterStore store, List<ParameterSpec> specs) {
        Map<String, HostTensor> m = new LinkedHashMap<>();
        for (ParameterSpec s : specs) {
            Parameter p = store.get(s.name());
            if (!Arrays.equals(p.shape(), s.shape())) {
                throw new CheckpointException(
                        "tensor '"
                                + s.name()
                                + "': expected shape "
                                + Arrays.toString(s.shape())
                                + ", found "
                                + Arrays.toString(p.shape()));
            }
            m.put(s.name(), p.view());
        }
        return m;
    }
}
