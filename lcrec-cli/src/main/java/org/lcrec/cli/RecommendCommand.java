package org.lcrec.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.lcrec.core.SemanticIndex;
import org.lcrec.core.UnknownItemPolicy;
import org.lcrec.core.io.LcRecFiles;
import org.lcrec.inference.ConstraintMode;
import org.lcrec.inference.DecoderOptions;
import org.lcrec.inference.IndexVocabulary;
import org.lcrec.inference.ModelBundle;
import org.lcrec.inference.PromptTemplate;
import org.lcrec.inference.Recommendation;
import org.lcrec.inference.Recommender;
import org.lcrec.inference.RecommenderConfig;
import org.lcrec.inference.ScoredItem;
import org.lcrec.inference.TextPrompts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lcrec recommend}: top-K items for a history ({@code --history 12,55,301}) or for prompts
 * that are already token ids ({@code --prompt-ids FILE.json}), by trie-constrained beam search.
 */
@Command(
        name = "recommend",
        mixinStandardHelpOptions = true,
        description =
                "Recommend the top-K items for a history, or for token-id prompts, by"
                        + " trie-constrained beam search over a decoder in the Optimum ONNX layout.")
public final class RecommendCommand implements Runnable {
    /** The version of the {@code --out} file format. */
    static final int OUT_VERSION = 1;

    @Spec CommandSpec spec;

    @Option(
            names = "--model",
            required = true,
            paramLabel = "DIR",
            description =
                    "A model bundle (written by reproduce, train or export --bundle), or a model"
                            + " directory with model.onnx + config.json (+ token-map.json), which"
                            + " then needs --index and --prompts or --text-prompts. Repeat it to"
                            + " decode several bundles of one index as one ensemble.")
    List<Path> models;

    @Option(
            names = "--index",
            paramLabel = "FILE",
            description = "The item index (<D>.index.json). Default: the bundle's.")
    Path index;

    @Option(
            names = "--history",
            split = ",",
            paramLabel = "ITEMS",
            description = "Item ids, oldest first, e.g. 12,55,301.")
    int[] history;

    @Option(
            names = "--prompt-ids",
            paramLabel = "FILE",
            description = "JSON list of token-id lists, one prompt each (left-padded as needed).")
    Path promptIds;

    @Option(
            names = "--token-map",
            paramLabel = "FILE",
            description =
                    "JSON {\"<a_12>\": 32012, ...}: index tokens' vocabulary ids. Default:"
                            + " token-map.json in the model directory.")
    Path tokenMap;

    @Option(
            names = "--eos-id",
            paramLabel = "ID",
            description = "EOS id of the terminal step (default: config.json eos_token_id).")
    Integer eosId;

    @Option(
            names = "--exclude-history",
            description = "Never recommend an item already in the history (default: allowed).")
    boolean excludeHistory;

    @Option(names = "--no-eos", description = "Do not score a terminal EOS step.")
    boolean noEos;

    @Option(names = "--k", defaultValue = "10", description = "Items per prompt (default 10).")
    int k;

    @Option(
            names = "--beams",
            paramLabel = "N",
            description = "Beams (default: the bundle's, else 20).")
    Integer beams;

    @Option(
            names = "--prompts",
            paramLabel = "FILE",
            description = "Prompt templates as token ids, version 1 JSON (default: the bundle's).")
    Path prompts;

    @Option(
            names = "--text-prompts",
            paramLabel = "FILE",
            description =
                    "Prompt templates as text ({\"version\": 1, \"templates\": [{\"name\","
                            + " \"prefix\", \"separator\", \"suffix\"}]}; a bundle's prompts.json"
                            + " is one), tokenised with the model's tokenizer.json.")
    Path textPrompts;

    @Option(names = "--template", defaultValue = "0", description = "Template index.")
    int template;

    @Option(
            names = "--per-position",
            description = "Use LC-Rec's per-position constraint (invalid items possible).")
    boolean perPosition;

    @Option(names = "--skip-unknown", description = "Skip unknown history items, do not fail.")
    boolean skipUnknown;

    @Mixin DeviceFlag device;

    @Option(names = "--threads", defaultValue = "0", description = "ORT threads (0 = auto).")
    int threads;

    @Option(
            names = "--out",
            paramLabel = "FILE",
            description = "Write the results as JSON (-: on stdout instead of the table).")
    Path out;

    @Override
    public void run() {
        Output output = Output.of(spec, out);
        PrintWriter o = output.results();
        if ((history == null) == (promptIds == null)) {
            throw new IllegalArgumentException("give exactly one of --history and --prompt-ids");
        }
        long t0 = System.nanoTime();
        List<Recommendation> recs;
        try (Recommender rec =
                open(
                        ModelChoice.of(models, index, tokenMap, prompts, textPrompts),
                        null,
                        b -> {
                            b.excludeHistory(excludeHistory || b.build().excludeHistory())
                                    .eosId(eosId == null ? -1 : eosId)
                                    .constraint(
                                            perPosition
                                                    ? ConstraintMode.PER_POSITION
                                                    : ConstraintMode.TRIE)
                                    .unknownItems(
                                            skipUnknown
                                                    ? UnknownItemPolicy.SKIP
                                                    : UnknownItemPolicy.FAIL);
                            if (noEos) {
                                b.eosStep(false);
                            }
                            if (beams != null) {
                                b.beams(beams);
                            }
                        },
                        device.get().decoder(threads))) {
            noteBeams(output, rec.config().beams(), k);
            if (history != null) {
                recs = List.of(rec.recommend(history, k, template));
            } else {
                recs = rec.recommendPrompts(readPrompts(promptIds), k);
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        List<Map<String, Object>> json = new ArrayList<>();
        for (int p = 0; p < recs.size(); p++) {
            Recommendation r = recs.get(p);
            if (recs.size() > 1) {
                o.printf(Locale.ROOT, "prompt %d%n", p);
            }
            o.printf(Locale.ROOT, "%4s  %8s  %-28s  %10s%n", "rank", "item", "index", "log-prob");
            List<Integer> items = new ArrayList<>();
            List<String> indices = new ArrayList<>();
            List<Double> scores = new ArrayList<>();
            for (int i = 0; i < r.items().size(); i++) {
                ScoredItem s = r.items().get(i);
                o.printf(
                        Locale.ROOT,
                        "%4d  %8s  %-28s  %10.4f%n",
                        i + 1,
                        s.valid() ? Integer.toString(s.item()) : "invalid",
                        s.index(),
                        s.score());
                items.add(s.item());
                indices.add(s.index());
                scores.add(s.score());
            }
            if (r.skippedHistoryItems().length > 0) {
                o.printf(
                        Locale.ROOT,
                        "skipped %d unknown history item(s): %s%n",
                        r.skippedHistoryItems().length,
                        java.util.Arrays.toString(r.skippedHistoryItems()));
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("prompt", p);
            m.put("items", items);
            m.put("indices", indices);
            m.put("scores", scores);
            m.put("invalid", r.invalidPredictions());
            m.put("skippedHistoryItems", r.skippedHistoryItems());
            json.add(m);
        }
        output.progress().printf(Locale.ROOT, "%d prompt(s) in %.2f s%n", recs.size(), secs);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("version", OUT_VERSION);
        report.put("model", ModelChoice.describe(models));
        report.put("index", index == null ? "bundle" : index.toString());
        report.put("k", k);
        report.put("beams", Math.max(beams == null ? RecommenderConfig.DEFAULT_BEAMS : beams, k));
        report.put("constraint", perPosition ? "per-position" : "trie");
        report.put("eos", !noEos);
        report.put("results", json);
        report.put("seconds", secs);
        output.report(report);
        output.flush();
    }

    /**
     * The model options shared by recommend and evaluate.
     *
     * @param model a bundle or a model directory
     * @param index the index file, or null for the bundle's (or {@code fallbackIndex})
     * @param tokenMap the token map file, or null
     * @param prompts token-id templates file, or null
     * @param textPrompts text templates file, or null
     * @param bundle the bundle {@code model} holds, or null when it is a plain model directory
     * @param members further bundles decoded with {@code model} as one ensemble (empty for one
     *     model)
     */
    record ModelChoice(
            Path model,
            Path index,
            Path tokenMap,
            Path prompts,
            Path textPrompts,
            ModelBundle bundle,
            List<ModelBundle> members) {
        /**
         * The options, with the bundles read once; the first {@code --model} may be a plain model
         * directory, further ones (an ensemble) must be bundles.
         */
        static ModelChoice of(
                List<Path> models, Path index, Path tokenMap, Path prompts, Path textPrompts) {
            Path first = models.get(0);
            List<ModelBundle> members = new ArrayList<>();
            if (models.size() > 1) {
                if (index != null || tokenMap != null || prompts != null || textPrompts != null) {
                    throw new IllegalArgumentException(
                            "an ensemble (--model given "
                                    + models.size()
                                    + " times) decodes bundles with their own index, token map"
                                    + " and prompts: drop --index, --token-map, --prompts and"
                                    + " --text-prompts");
                }
                for (Path p : models) {
                    if (!ModelBundle.isBundle(p)) {
                        throw new IllegalArgumentException(
                                p
                                        + ": an ensemble member must be a model bundle (no "
                                        + ModelBundle.MANIFEST
                                        + ")");
                    }
                }
                for (Path p : models.subList(1, models.size())) {
                    members.add(ModelBundle.read(p));
                }
            }
            return new ModelChoice(
                    first,
                    index,
                    tokenMap,
                    prompts,
                    textPrompts,
                    ModelBundle.isBundle(first) ? ModelBundle.read(first) : null,
                    List.copyOf(members));
        }

        /** The model paths as reports name them: one path, or the members joined by " + ". */
        static String describe(List<Path> models) {
            return String.join(" + ", models.stream().map(Path::toString).toList());
        }
    }

    /**
     * Opens a recommender: a bundle gives the index, prompts and decoding it was trained with, and
     * the options override them; a plain model directory needs the index and the prompts given.
     *
     * @param m the model options
     * @param fallbackIndex the dataset's index when neither the options nor a bundle give one
     * @param settings applies the command's settings to the starting config
     * @param options device and threads
     */
    static Recommender open(
            ModelChoice m,
            SemanticIndex fallbackIndex,
            Consumer<RecommenderConfig.Builder> settings,
            DecoderOptions options) {
        if (m.prompts() != null && m.textPrompts() != null) {
            throw new IllegalArgumentException("give at most one of --prompts and --text-prompts");
        }
        ModelBundle bundle = m.bundle();
        SemanticIndex idx;
        if (m.index() != null) {
            idx = LcRecFiles.readIndex(m.index());
        } else if (bundle != null) {
            idx = bundle.index();
        } else if (fallbackIndex != null) {
            idx = fallbackIndex;
        } else {
            throw new IllegalArgumentException(
                    "--index: required, since "
                            + m.model()
                            + " is not a model bundle (no "
                            + ModelBundle.MANIFEST
                            + ")");
        }
        RecommenderConfig.Builder b =
                bundle != null
                        ? bundle.recommenderConfig().toBuilder()
                        : RecommenderConfig.builder();
        settings.accept(b);
        if (m.prompts() != null) {
            b.templates(PromptTemplate.read(m.prompts()));
        } else if (m.textPrompts() != null) {
            return TextPrompts.open(
                    m.model(), idx, TextPrompts.read(m.textPrompts()), b.build(), options);
        }
        RecommenderConfig config = b.build();
        if (!m.members().isEmpty()) {
            List<ModelBundle> all = new ArrayList<>();
            all.add(bundle);
            all.addAll(m.members());
            return Recommender.openEnsemble(all, config, options);
        }
        if (m.tokenMap() != null) {
            return Recommender.open(
                    m.model(), idx, IndexVocabulary.readTokenMap(m.tokenMap()), config, options);
        }
        return Recommender.open(m.model(), idx, config, options);
    }

    /**
     * The search keeps at least k beams to return k items; says so when that overrides the beams
     * asked for (or the bundle's), rather than changing them silently.
     */
    static void noteBeams(Output output, int beams, int k) {
        if (k > beams) {
            output.progress()
                    .printf(
                            Locale.ROOT,
                            "note: %d beams raised to %d, the number of items asked for%n",
                            beams,
                            k);
        }
    }

    static List<int[]> readPrompts(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (root == null || !root.isArray() || root.isEmpty()) {
            throw new IllegalArgumentException(
                    file + ": expected a non-empty JSON list of token-id lists");
        }
        List<int[]> out = new ArrayList<>();
        for (int p = 0; p < root.size(); p++) {
            JsonNode row = root.get(p);
            if (!row.isArray() || row.isEmpty()) {
                throw new IllegalArgumentException(
                        file + ": prompt " + p + ": expected a non-empty list of token ids");
            }
            int[] ids = new int[row.size()];
            for (int i = 0; i < ids.length; i++) {
                if (!row.get(i).canConvertToInt()) {
                    throw new IllegalArgumentException(
                            file
                                    + ": prompt "
                                    + p
                                    + "["
                                    + i
                                    + "]: expected a token id, found "
                                    + row.get(i));
                }
                ids[i] = row.get(i).intValue();
            }
            out.add(ids);
        }
        return out;
    }
}
