package org.lcrec.inference;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.lcrec.core.MalformedFileException;
import org.lcrec.core.SemanticIndex;
import org.lcrec.core.io.AtomicFiles;
import org.lcrec.core.io.FileChecks;
import org.lcrec.core.io.LcRecFiles;
import org.lcrec.tokenizers.Tokenizer;

/**
 * A trained model as one self-describing directory: everything {@link Recommender#open(Path)}
 * needs, and nothing it has to be told.
 *
 * <pre>
 * model.onnx (+ model.onnx_data)   the decoder (Hugging Face Optimum layout)
 * config.json                      the decoder's configuration (vocabulary size, BOS/EOS, ...)
 * tokenizer.json                   the tokenizer, index tokens added
 * token-map.json                   index token → vocabulary id
 * index.json                       item → semantic ID (LC-Rec's {@code .index.json} layout)
 * prompts.json                     the prompt templates exactly as training used them
 * manifest.json                    format and SDK version, data fingerprint, training, metrics
 * </pre>
 *
 * <p>{@code prompts.json} keeps each template as text and as the token ids training used; reading
 * the bundle tokenises the text again with the bundle's tokenizer and refuses a bundle where the
 * two disagree (a tokenizer swapped after training would otherwise change every prompt silently).
 * lcrec-model's {@code BundleWriter} writes bundles; this class reads them and owns the format.
 */
public final class ModelBundle {
    /** The bundle format this SDK reads and writes. */
    public static final int FORMAT_VERSION = 1;

    /** The manifest file. */
    public static final String MANIFEST = "manifest.json";

    /** The prompt templates file. */
    public static final String PROMPTS = "prompts.json";

    /** The item index file. */
    public static final String INDEX = "index.json";

    /** The tokenizer file. */
    public static final String TOKENIZER = "tokenizer.json";

    /** The token map file. */
    public static final String TOKEN_MAP = Recommender.TOKEN_MAP_FILE;

    /** The decoder configuration file. */
    public static final String CONFIG = "config.json";

    /** The decoder graph. */
    public static final String MODEL = "model.onnx";

    private static final int PROMPTS_VERSION = 1;
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;
    private final BundleManifest manifest;
    private final SemanticIndex index;
    private final Map<String, Integer> tokenMap;
    private final List<TextTemplate> prompts;
    private final List<PromptTemplate> templates;

    private ModelBundle(
            Path dir,
            BundleManifest manifest,
            SemanticIndex index,
            Map<String, Integer> tokenMap,
            List<TextTemplate> prompts,
            List<PromptTemplate> templates) {
        this.dir = dir;
        this.manifest = manifest;
        this.index = index;
        this.tokenMap = Map.copyOf(tokenMap);
        this.prompts = List.copyOf(prompts);
        this.templates = List.copyOf(templates);
    }

    /**
     * @param dir a directory
     * @return whether it holds a bundle manifest
     */
    public static boolean isBundle(Path dir) {
        return Files.isRegularFile(dir.resolve(MANIFEST));
    }

    /**
     * Reads and checks a bundle (the decoder itself is opened by {@link Recommender#open(Path)}).
     *
     * @param dir the bundle directory
     * @return the bundle
     * @throws MalformedFileException naming the directory or file and what is missing or wrong
     */
    public static ModelBundle read(Path dir) {
        Objects.requireNonNull(dir, "dir");
        if (!Files.isDirectory(dir)) {
            // a write killed between its two moves left the previous bundle aside: put it back
            try {
                AtomicFiles.recoverDirectory(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(
                        dir + ": cannot restore the bundle a killed write moved aside", e);
            }
        }
        if (!Files.isDirectory(dir)) {
            throw new MalformedFileException(
                    dir
                            + ": no such directory (expected a model bundle written by lcrec train,"
                            + " lcrec export or lcrec reproduce)");
        }
        if (!isBundle(dir)) {
            throw new MalformedFileException(
                    dir.resolve(MANIFEST)
                            + ": missing, so "
                            + dir
                            + " is not a model bundle"
                            + (Files.isRegularFile(dir.resolve(MODEL))
                                    ? " (it holds a bare decoder, as SDK versions before bundles"
                                            + " and other tools write). Rewrite it as a bundle with"
                                            + " `lcrec export --bundle`, or open it with"
                                            + " Recommender.open(dir, index, config, options),"
                                            + " giving the prompt templates the model was trained"
                                            + " with in config.withTemplates(...)"
                                    : ""));
        }
        for (String f : List.of(MODEL, CONFIG, TOKENIZER, TOKEN_MAP, INDEX, PROMPTS)) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                throw new MalformedFileException(
                        dir.resolve(f)
                                + ": missing from the model bundle (every bundle holds "
                                + String.join(", ", MODEL, CONFIG, TOKENIZER, TOKEN_MAP, INDEX)
                                + ", "
                                + PROMPTS
                                + " and "
                                + MANIFEST
                                + "); write the bundle again with lcrec export --bundle");
            }
        }
        BundleManifest manifest = readManifest(dir.resolve(MANIFEST));
        SemanticIndex index = LcRecFiles.readIndex(dir.resolve(INDEX));
        Map<String, Integer> tokenMap = IndexVocabulary.readTokenMap(dir.resolve(TOKEN_MAP));
        Tokenizer tokenizer = Tokenizer.load(dir.resolve(TOKENIZER));
        Prompts p = readPrompts(dir.resolve(PROMPTS));
        for (int i = 0; i < p.text.size(); i++) {
            PromptTemplate again = TextPrompts.tokenize(tokenizer, p.text.get(i), p.bos);
            if (!again.equals(p.ids.get(i))) {
                throw new MalformedFileException(
                        dir.resolve(PROMPTS)
                                + ": template \""
                                + p.text.get(i).name()
                                + "\": its text tokenises to "
                                + again
                                + " with "
                                + dir.resolve(TOKENIZER)
                                + ", but training used "
                                + p.ids.get(i)
                                + " (the tokenizer does not belong to this model)");
            }
        }
        return new ModelBundle(dir, manifest, index, tokenMap, p.text, p.ids);
    }

    /**
     * Writes every file of a bundle but the decoder and the tokenizer (which the model's exporter
     * writes): token map, index, prompts and manifest, each atomically.
     *
     * @param dir the bundle directory
     * @param index the index
     * @param tokenMap index token → vocabulary id
     * @param prompts the templates as text
     * @param templates the same templates as the token ids training used (same order)
     * @param bosId the BOS id the token templates start with, or -1
     * @param manifest the manifest
     */
    public static void writeServingFiles(
            Path dir,
            SemanticIndex index,
            Map<String, Integer> tokenMap,
            List<TextTemplate> prompts,
            List<PromptTemplate> templates,
            int bosId,
            BundleManifest manifest) {
        if (prompts.isEmpty() || prompts.size() != templates.size()) {
            throw new IllegalArgumentException(
                    "a bundle needs at least one prompt template, as text and as ids; found "
                            + prompts.size()
                            + " text and "
                            + templates.size()
                            + " token templates");
        }
        writeJson(dir.resolve(TOKEN_MAP), new java.util.TreeMap<>(tokenMap));
        LcRecFiles.writeIndex(dir.resolve(INDEX), index);
        ObjectNode root = JSON.createObjectNode();
        root.put("version", PROMPTS_VERSION);
        root.put("bos", bosId);
        ArrayNode list = root.putArray("templates");
        for (int i = 0; i < prompts.size(); i++) {
            TextTemplate t = prompts.get(i);
            PromptTemplate ids = templates.get(i);
            ObjectNode n = list.addObject();
            n.put("name", t.name());
            n.put("prefix", t.prefix());
            n.put("separator", t.separator());
            n.put("suffix", t.suffix());
            ObjectNode tokens = n.putObject("ids");
            ids(tokens.putArray("prefix"), ids.prefix());
            ids(tokens.putArray("separator"), ids.separator());
            ids(tokens.putArray("suffix"), ids.suffix());
        }
        writeJson(dir.resolve(PROMPTS), root);
        writeManifest(dir, manifest);
    }

    /**
     * Replaces the manifest (atomically).
     *
     * @param dir the bundle directory
     * @param manifest the manifest
     */
    public static void writeManifest(Path dir, BundleManifest manifest) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", "lcrec-model-bundle");
        root.put("formatVersion", manifest.formatVersion());
        root.put("sdkVersion", manifest.sdkVersion());
        root.put("created", manifest.created());
        root.put("dataset", manifest.dataset());
        root.put("datasetFingerprint", manifest.datasetFingerprint());
        ObjectNode d = root.putObject("decoding");
        d.put("beams", manifest.decoding().beams());
        d.put("eosStep", manifest.decoding().eosStep());
        d.put("maxHistory", manifest.decoding().maxHistory());
        d.put("excludeHistory", manifest.decoding().excludeHistory());
        root.set("training", JSON.valueToTree(manifest.training()));
        root.set("metrics", JSON.valueToTree(manifest.metrics()));
        writeJson(dir.resolve(MANIFEST), root);
    }

    /**
     * Records a split's metrics in the manifest (the test stage adds {@code test} after training
     * wrote {@code validation}).
     *
     * @param split {@code validation} or {@code test}
     * @param metrics metric name → value
     * @return the bundle with the new manifest
     */
    public ModelBundle withMetrics(String split, Map<String, Double> metrics) {
        BundleManifest m = manifest.withMetrics(split, metrics);
        writeManifest(dir, m);
        return new ModelBundle(dir, m, index, tokenMap, prompts, templates);
    }

    /**
     * @return the directory
     */
    public Path dir() {
        return dir;
    }

    /**
     * @return the manifest
     */
    public BundleManifest manifest() {
        return manifest;
    }

    /**
     * @return the item index the model was trained with
     */
    public SemanticIndex index() {
        return index;
    }

    /**
     * @return index token → vocabulary id (unmodifiable)
     */
    public Map<String, Integer> tokenMap() {
        return tokenMap;
    }

    /**
     * @return the prompt templates as text (unmodifiable)
     */
    public List<TextTemplate> prompts() {
        return prompts;
    }

    /**
     * @return the prompt templates as token ids (unmodifiable)
     */
    public List<PromptTemplate> templates() {
        return templates;
    }

    /**
     * The decoding the bundle was trained for: its beams, EOS step, history cap and exclusion rule,
     * and its prompt templates; adjust with the {@code withX} copies.
     *
     * @return the recommender settings
     */
    public RecommenderConfig recommenderConfig() {
        BundleManifest.Decoding d = manifest.decoding();
        return RecommenderConfig.builder()
                .beams(d.beams())
                .eosStep(d.eosStep())
                .maxHistory(d.maxHistory())
                .excludeHistory(d.excludeHistory())
                .templates(templates)
                .build();
    }

    @Override
    public String toString() {
        return "ModelBundle("
                + dir
                + ", dataset="
                + manifest.dataset()
                + ", items="
                + index.size()
                + ", templates="
                + prompts.stream().map(TextTemplate::name).toList()
                + ", metrics="
                + manifest.metrics()
                + ", sdk="
                + manifest.sdkVersion()
                + ")";
    }

    private record Prompts(int bos, List<TextTemplate> text, List<PromptTemplate> ids) {}

    private static Prompts readPrompts(Path file) {
        JsonNode root = readTree(file);
        List<TextTemplate> text = TextPrompts.fromTree(root, file);
        List<PromptTemplate> ids = new ArrayList<>();
        for (int i = 0; i < text.size(); i++) {
            String where = file + ": templates[" + i + "]";
            JsonNode n = root.get("templates").get(i).get("ids");
            if (n == null || !n.isObject()) {
                throw new MalformedFileException(
                        where + ".ids: expected {\"prefix\": [...], \"separator\": [...], ...}");
            }
            ids.add(
                    new PromptTemplate(
                            text.get(i).name(),
                            PromptTemplate.tokenIds(n.get("prefix"), where + ".ids.prefix"),
                            PromptTemplate.tokenIds(n.get("separator"), where + ".ids.separator"),
                            PromptTemplate.tokenIds(n.get("suffix"), where + ".ids.suffix")));
        }
        JsonNode bos = root.get("bos");
        if (bos == null || !bos.canConvertToInt() || bos.intValue() < -1) {
            throw new MalformedFileException(
                    file
                            + ": \"bos\": expected a token id or -1, found "
                            + FileChecks.abbreviate(bos));
        }
        return new Prompts(bos.intValue(), text, ids);
    }

    private static BundleManifest readManifest(Path file) {
        JsonNode root = readTree(file);
        int version = root.path("formatVersion").asInt(-1);
        if (version != FORMAT_VERSION) {
            throw new MalformedFileException(
                    file
                            + ": \"formatVersion\": expected "
                            + FORMAT_VERSION
                            + " (this SDK reads bundle format "
                            + FORMAT_VERSION
                            + "), found "
                            + root.get("formatVersion"));
        }
        JsonNode d = root.get("decoding");
        if (d == null || !d.isObject()) {
            throw new MalformedFileException(
                    file + ": \"decoding\": expected {\"beams\": ..., \"eosStep\": ..., ...}");
        }
        String where = file + ": decoding";
        BundleManifest.Decoding decoding;
        try {
            decoding =
                    new BundleManifest.Decoding(
                            integer(d, "beams", where),
                            bool(d, "eosStep", where),
                            integer(d, "maxHistory", where),
                            bool(d, "excludeHistory", where));
        } catch (IllegalArgumentException | MalformedFileException e) {
            if (e.getMessage().startsWith(file.toString())) {
                throw e;
            }
            throw new MalformedFileException(where + ": " + e.getMessage(), e);
        }
        Map<String, Object> training =
                JSON.convertValue(
                        root.path("training").isObject()
                                ? root.get("training")
                                : JSON.createObjectNode(),
                        new TypeReference<LinkedHashMap<String, Object>>() {});
        Map<String, Map<String, Double>> metrics;
        try {
            metrics =
                    JSON.convertValue(
                            root.path("metrics").isObject()
                                    ? root.get("metrics")
                                    : JSON.createObjectNode(),
                            new TypeReference<LinkedHashMap<String, Map<String, Double>>>() {});
        } catch (IllegalArgumentException e) {
            throw new MalformedFileException(
                    file
                            + ": \"metrics\": expected {\"split\": {\"metric\": number, ...}}: "
                            + e.getMessage(),
                    e);
        }
        return new BundleManifest(
                version,
                text(root, "sdkVersion", file.toString()),
                text(root, "created", file.toString()),
                text(root, "dataset", file.toString()),
                text(root, "datasetFingerprint", file.toString()),
                decoding,
                training,
                metrics);
    }

    private static JsonNode readTree(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new MalformedFileException(
                    file + ": expected a JSON object: " + FileChecks.describe(e), e);
        }
        if (root == null || !root.isObject()) {
            throw new MalformedFileException(
                    file + ": expected a JSON object, found " + FileChecks.abbreviate(root));
        }
        return root;
    }

    private static String text(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new MalformedFileException(
                    where
                            + ": \""
                            + field
                            + "\": expected a string, found "
                            + FileChecks.abbreviate(v));
        }
        return v.textValue();
    }

    private static int integer(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new MalformedFileException(
                    where
                            + ": \""
                            + field
                            + "\": expected an integer, found "
                            + FileChecks.abbreviate(v));
        }
        return v.intValue();
    }

    private static boolean bool(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.isBoolean()) {
            throw new MalformedFileException(
                    where
                            + ": \""
                            + field
                            + "\": expected true or false, found "
                            + FileChecks.abbreviate(v));
        }
        return v.booleanValue();
    }

    private static void ids(ArrayNode a, int[] ids) {
        Arrays.stream(ids).forEach(a::add);
    }

    private static void writeJson(Path file, Object value) {
        AtomicFiles.write(file, out -> JSON.writeValue(out, value));
    }
}
