package org.lcrec.inference;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.lcrec.core.IndexTokens;
import org.lcrec.core.MalformedFileException;
import org.lcrec.core.SemanticIndex;
import org.lcrec.core.UnknownItemPolicy;
import org.lcrec.tokenizers.Tokenizer;

/**
 * History in, top-K items out: prompts built from a token-level {@link PromptTemplate}, decoded by
 * {@link BeamSearch} under an {@link ItemTrie} (or LC-Rec's per-position sets), beams mapped back
 * to item ids. With {@link RecommenderConfig#excludeHistory()}, the known items of each history are
 * excluded inside the search ({@link ItemTrie#exclude}).
 *
 * <pre>{@code
 * try (Recommender r = Recommender.open(Path.of("runs/synthetic/train-seqrec/bundle"))) {
 *     Recommendation rec = r.recommend(new int[] {12, 55, 301}, 10);
 * }
 * }</pre>
 *
 * @implNote thread-safe: any number of threads may call the {@code recommend} methods at once; they
 *     share one ORT session and each call keeps its cache to itself. {@link #close()} waits for
 *     calls in flight and later calls fail with {@link IllegalStateException}.
 */
public final class Recommender implements AutoCloseable {
    /** The token map file looked for in a model directory. */
    public static final String TOKEN_MAP_FILE = "token-map.json";

    private final CausalDecoder decoder;
    private final SemanticIndex index;
    private final IndexVocabulary vocabulary;
    private final DecodingConstraint constraint;
    private final RecommenderConfig config;
    private final List<PromptTemplate> templates;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    /**
     * Wraps a decoder (the recommender takes ownership and closes it).
     *
     * @param decoder the model
     * @param index the catalogue's semantic IDs
     * @param tokenMap index token → vocabulary id
     * @param config decoding settings
     * @throws IllegalArgumentException if the vocabulary lacks index tokens, or no EOS id is known
     *     for an EOS step
     */
    public Recommender(
            CausalDecoder decoder,
            SemanticIndex index,
            Map<String, Integer> tokenMap,
            RecommenderConfig config) {
        Objects.requireNonNull(decoder, "decoder");
        Objects.requireNonNull(index, "index");
        Objects.requireNonNull(tokenMap, "tokenMap");
        Objects.requireNonNull(config, "config");
        this.decoder = decoder;
        this.index = index;
        this.config = config;
        DecoderConfig dc = decoder.config();
        this.vocabulary = IndexVocabulary.of(tokenMap, index, dc.vocabularySize());
        int eos = -1;
        if (config.eosStep()) {
            eos = config.eosId() >= 0 ? config.eosId() : dc.eosId();
            if (eos < 0) {
                throw new IllegalArgumentException(
                        "an EOS step was asked for but the model's config.json has no"
                                + " eos_token_id; give the EOS id or disable the EOS step");
            }
        }
        this.constraint =
                config.constraint() == ConstraintMode.TRIE
                        ? ItemTrie.build(index, vocabulary, eos)
                        : PerPositionConstraint.build(index, vocabulary, eos);
        this.templates =
                config.templates().isEmpty()
                        ? List.of(PromptTemplate.indexOnly(dc.bosId()))
                        : config.templates();
    }

    /**
     * Opens a model bundle ({@link ModelBundle}) on the CPU with the decoding it was trained for.
     *
     * @param bundleDir the bundle directory
     * @return the recommender
     * @throws MalformedFileException naming what the directory lacks or what is wrong in it
     */
    public static Recommender open(Path bundleDir) {
        return open(bundleDir, DecoderOptions.cpu());
    }

    /**
     * Opens a model bundle with the decoding it was trained for.
     *
     * @param bundleDir the bundle directory
     * @param options device and threads
     * @return the recommender
     */
    public static Recommender open(Path bundleDir, DecoderOptions options) {
        ModelBundle b = ModelBundle.read(bundleDir);
        return open(b, b.recommenderConfig(), options);
    }

    /**
     * Opens a model bundle with other decoding settings ({@code bundle.recommenderConfig()} with
     * changes); empty templates take the bundle's.
     *
     * @param bundle the bundle
     * @param config decoding settings
     * @param options device and threads
     * @return the recommender
     */
    public static Recommender open(
            ModelBundle bundle, RecommenderConfig config, DecoderOptions options) {
        Objects.requireNonNull(bundle, "bundle");
        Objects.requireNonNull(config, "config");
        RecommenderConfig c =
                config.templates().isEmpty() ? config.withTemplates(bundle.templates()) : config;
        return open(bundle.dir(), bundle.index(), bundle.tokenMap(), c, options);
    }

    /**
     * Opens several bundles as one model: the mean of their next-token distributions ({@link
     * EnsembleDecoder}), decoded with the first bundle's settings. The bundles must share the
     * index, the token map and the prompt templates (the same recipe trained with different seeds,
     * as {@code lcrec reproduce} does with {@code "members"}).
     *
     * @param bundleDirs the bundle directories, at least one
     * @param options device and threads (each member's session gets them)
     * @return the recommender
     * @throws IllegalArgumentException if the list is empty or a bundle's index, token map or
     *     templates differ from the first's
     * @throws MalformedFileException naming what a directory lacks or what is wrong in it
     */
    public static Recommender openEnsemble(List<Path> bundleDirs, DecoderOptions options) {
        Objects.requireNonNull(bundleDirs, "bundleDirs");
        if (bundleDirs.isEmpty()) {
            throw new IllegalArgumentException("an ensemble needs at least one bundle, found none");
        }
        List<ModelBundle> bundles = new ArrayList<>(bundleDirs.size());
        for (Path dir : bundleDirs) {
            bundles.add(ModelBundle.read(dir));
        }
        return openEnsemble(bundles, bundles.get(0).recommenderConfig(), options);
    }

    /**
     * Opens several bundles as one model with other decoding settings; see {@link
     * #openEnsemble(List, DecoderOptions)}. Empty templates in {@code config} take the bundles'.
     *
     * @param bundles the bundles, at least one, sharing index, token map and templates
     * @param config decoding settings
     * @param options device and threads
     * @return the recommender
     * @throws IllegalArgumentException if the list is empty or the bundles differ
     */
    public static Recommender openEnsemble(
            List<ModelBundle> bundles, RecommenderConfig config, DecoderOptions options) {
        Objects.requireNonNull(bundles, "bundles");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(options, "options");
        if (bundles.isEmpty()) {
            throw new IllegalArgumentException("an ensemble needs at least one bundle, found none");
        }
        ModelBundle first = bundles.get(0);
        for (ModelBundle b : bundles.subList(1, bundles.size())) {
            String differs =
                    !b.index().equals(first.index())
                            ? "index"
                            : !b.tokenMap().equals(first.tokenMap())
                                    ? "token map"
                                    : !b.templates().equals(first.templates())
                                            ? "prompt templates"
                                            : null;
            if (differs != null) {
                throw new IllegalArgumentException(
                        b.dir()
                                + ": expected the "
                                + differs
                                + " of "
                                + first.dir()
                                + " (ensemble members must share index, token map and"
                                + " templates: the same recipe trained with other seeds)");
            }
        }
        RecommenderConfig c =
                config.templates().isEmpty() ? config.withTemplates(first.templates()) : config;
        List<CausalDecoder> members = new ArrayList<>(bundles.size());
        try {
            for (ModelBundle b : bundles) {
                members.add(OrtCausalDecoder.open(b.dir(), options));
            }
            return new Recommender(EnsembleDecoder.of(members), first.index(), first.tokenMap(), c);
        } catch (RuntimeException e) {
            for (CausalDecoder d : members) {
                d.close();
            }
            throw e;
        }
    }

    /**
     * Opens a model directory with a given index: the decoder ({@link OrtCausalDecoder#open}) and
     * the index tokens' ids from {@value #TOKEN_MAP_FILE}, else from {@code tokenizer.json} (index
     * tokens added). Without templates in {@code config}, the directory must be a {@link
     * ModelBundle}, whose templates are taken: a model answers well only to the prompt it was
     * trained with, so there is no default prompt.
     *
     * @param modelDir the directory
     * @param index the catalogue's semantic IDs
     * @param config decoding settings
     * @param options device and threads
     * @return the recommender
     * @throws IllegalArgumentException if the directory is missing, lacks the token ids, or has no
     *     prompt templates and none are given
     */
    public static Recommender open(
            Path modelDir, SemanticIndex index, RecommenderConfig config, DecoderOptions options) {
        Objects.requireNonNull(modelDir, "modelDir");
        Objects.requireNonNull(index, "index");
        Objects.requireNonNull(config, "config");
        if (!Files.isDirectory(modelDir)) {
            throw new IllegalArgumentException(
                    modelDir
                            + ": no such model directory (expected a model bundle or a directory"
                            + " with model.onnx and config.json)");
        }
        RecommenderConfig c = config;
        if (c.templates().isEmpty()) {
            if (!ModelBundle.isBundle(modelDir)) {
                throw new IllegalArgumentException(
                        modelDir
                                + ": no prompt templates: the directory is not a model bundle"
                                + " (no "
                                + ModelBundle.MANIFEST
                                + ") and the config names none. Give the templates the model was"
                                + " trained with (RecommenderConfig.withTemplates, or"
                                + " TextPrompts.open with text templates; PromptTemplate.indexOnly"
                                + " for a model trained on bare index sequences), or write the"
                                + " model as a bundle (lcrec export --bundle)");
            }
            c = c.withTemplates(ModelBundle.read(modelDir).templates());
        }
        Path map = modelDir.resolve(TOKEN_MAP_FILE);
        if (Files.isRegularFile(map)) {
            return open(modelDir, index, IndexVocabulary.readTokenMap(map), c, options);
        }
        Path tok = modelDir.resolve("tokenizer.json");
        if (Files.isRegularFile(tok)) {
            return open(
                    modelDir, index, TextPrompts.tokenMap(Tokenizer.load(tok), index), c, options);
        }
        throw new IllegalArgumentException(
                modelDir
                        + ": neither "
                        + TOKEN_MAP_FILE
                        + " nor tokenizer.json found; the recommender needs the ids of the"
                        + " index tokens in the model's vocabulary ({\"<a_12>\": 32012, ...})");
    }

    /**
     * Opens a model with an explicit token map.
     *
     * @param model the model directory or file
     * @param index the catalogue's semantic IDs
     * @param tokenMap index token → vocabulary id
     * @param config decoding settings
     * @param options device and threads
     * @return the recommender
     */
    public static Recommender open(
            Path model,
            SemanticIndex index,
            Map<String, Integer> tokenMap,
            RecommenderConfig config,
            DecoderOptions options) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(index, "index");
        Objects.requireNonNull(tokenMap, "tokenMap");
        Objects.requireNonNull(config, "config");
        OrtCausalDecoder d = OrtCausalDecoder.open(model, options);
        try {
            return new Recommender(d, index, tokenMap, config);
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
    }

    /**
     * @param history item ids, oldest first
     * @param k how many items
     * @return the top-k items with the first template
     */
    public Recommendation recommend(int[] history, int k) {
        return recommend(history, k, 0);
    }

    /**
     * @param history item ids, oldest first
     * @param k how many items (at most the catalogue size)
     * @param template which template
     * @return the top-k items (fewer only when history items are excluded and fewer than k others
     *     remain)
     */
    public Recommendation recommend(int[] history, int k, int template) {
        return recommendAll(List.of(history), k, template).get(0);
    }

    /**
     * Batched recommendation: the histories are decoded {@link RecommenderConfig#batchSize()} at a
     * time.
     *
     * @param histories item ids per user, oldest first
     * @param k how many items per user
     * @param template which template
     * @return one recommendation per history, in order
     * @throws IllegalArgumentException for an empty history, unknown items (unless skipped), or k
     *     out of range
     */
    public List<Recommendation> recommendAll(List<int[]> histories, int k, int template) {
        checkK(k);
        if (template < 0 || template >= templates.size()) {
            throw new IllegalArgumentException(
                    "template must be in [0, " + templates.size() + "), found " + template);
        }
        PromptTemplate t = templates.get(template);
        List<int[]> prompts = new ArrayList<>(histories.size());
        List<int[]> skipped = new ArrayList<>(histories.size());
        List<int[]> known = new ArrayList<>(histories.size());
        for (int h = 0; h < histories.size(); h++) {
            int[] history = histories.get(h);
            List<Integer> unknown = new ArrayList<>();
            List<int[]> tokens = new ArrayList<>();
            int[] items = new int[history.length];
            for (int item : history) {
                if (index.contains(item)) {
                    items[tokens.size()] = item;
                    tokens.add(vocabulary.tokenIds(index.get(item)));
                } else {
                    unknown.add(item);
                }
            }
            if (!unknown.isEmpty() && config.unknownItems() == UnknownItemPolicy.FAIL) {
                throw new IllegalArgumentException(
                        "history "
                                + h
                                + " has "
                                + unknown.size()
                                + " item(s) the index does not know: "
                                + unknown.subList(0, Math.min(20, unknown.size()))
                                + " (skip them with UnknownItemPolicy.SKIP)");
            }
            if (tokens.isEmpty()) {
                throw new IllegalArgumentException(
                        "history "
                                + h
                                + " is empty"
                                + (unknown.isEmpty()
                                        ? ""
                                        : " after skipping " + unknown.size() + " unknown items")
                                + ": expected at least one known item");
            }
            int from =
                    config.maxHistory() > 0 ? Math.max(0, tokens.size() - config.maxHistory()) : 0;
            prompts.add(t.encode(tokens.subList(from, tokens.size()).toArray(new int[0][])));
            skipped.add(unknown.stream().mapToInt(Integer::intValue).toArray());
            known.add(Arrays.copyOf(items, tokens.size()));
        }
        return decode(prompts, skipped, config.excludeHistory() ? known : null, k);
    }

    /**
     * Recommends from prompts that are already token ids (the {@code --prompt-ids} path). No item
     * history is known here, so {@link RecommenderConfig#excludeHistory()} has no effect.
     *
     * @param prompts token ids per prompt (left-padded here as needed)
     * @param k how many items per prompt
     * @return one recommendation per prompt
     */
    public List<Recommendation> recommendPrompts(List<int[]> prompts, int k) {
        checkK(k);
        List<int[]> skipped = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            if (prompts.get(i).length == 0) {
                throw new IllegalArgumentException("prompt " + i + " is empty");
            }
            skipped.add(new int[0]);
        }
        return decode(prompts, skipped, null, k);
    }

    /**
     * @param history item ids (all known)
     * @param template which template
     * @return the prompt's token ids
     */
    public int[] prompt(int[] history, int template) {
        int[][] tokens = new int[history.length][];
        for (int i = 0; i < history.length; i++) {
            tokens[i] = vocabulary.tokenIds(index.get(history[i]));
        }
        return templates.get(template).encode(tokens);
    }

    private void checkK(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, found " + k);
        }
        if (k > index.size()) {
            throw new IllegalArgumentException(
                    "k=" + k + " is larger than the catalogue (" + index.size() + " items)");
        }
    }

    /**
     * @param exclude per prompt, the items it must not be recommended, or null for none
     */
    private List<Recommendation> decode(
            List<int[]> prompts, List<int[]> skipped, List<int[]> exclude, int k) {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("Recommender is closed");
            }
            int beams = Math.max(config.beams(), k);
            List<Recommendation> out = new ArrayList<>(prompts.size());
            for (int from = 0; from < prompts.size(); from += config.batchSize()) {
                int to = Math.min(prompts.size(), from + config.batchSize());
                ItemTrie.Exclusion exclusion =
                        exclude == null
                                ? null
                                : ((ItemTrie) constraint).exclude(exclude.subList(from, to));
                List<BeamResult> results =
                        BeamSearch.search(
                                decoder, constraint, prompts.subList(from, to), beams, exclusion);
                for (int i = 0; i < results.size(); i++) {
                    out.add(
                            toRecommendation(
                                    results.get(i), skipped.get(from + i), exclusion, i, k));
                }
            }
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    private Recommendation toRecommendation(
            BeamResult r, int[] skipped, ItemTrie.Exclusion exclusion, int prompt, int k) {
        List<ScoredItem> items = new ArrayList<>(k);
        int invalid = 0;
        for (int b = 0; b < r.size() && items.size() < k; b++) {
            int[] tokens = r.tokens(b);
            // a live leaf keeps at least one allowed item, so only a per-position beam is empty
            int[] ids =
                    exclusion == null
                            ? constraint.items(r.leaf(b), tokens)
                            : exclusion.items(prompt, r.leaf(b));
            if (ids.length == 0) {
                items.add(new ScoredItem(-1, indexString(tokens), r.score(b)));
                invalid++;
                continue;
            }
            for (int item : ids) {
                if (items.size() == k) {
                    break;
                }
                items.add(new ScoredItem(item, index.get(item).toTokenString(), r.score(b)));
            }
        }
        return new Recommendation(items, skipped, invalid);
    }

    private String indexString(int[] tokens) {
        StringBuilder sb = new StringBuilder();
        for (int t : tokens) {
            int[] lc = vocabulary.levelAndCode(t);
            if (lc != null) {
                sb.append(IndexTokens.token(lc[0], lc[1]));
            }
        }
        return sb.toString();
    }

    /**
     * @return the constraint in use
     */
    public DecodingConstraint constraint() {
        return constraint;
    }

    /**
     * @return the index
     */
    public SemanticIndex index() {
        return index;
    }

    /**
     * @return the index tokens' ids
     */
    public IndexVocabulary vocabulary() {
        return vocabulary;
    }

    /**
     * @return the prompt templates (at least one)
     */
    public List<PromptTemplate> templates() {
        return templates;
    }

    /**
     * @return the decoding settings
     */
    public RecommenderConfig config() {
        return config;
    }

    /**
     * @return the decoder
     */
    public CausalDecoder decoder() {
        return decoder;
    }

    /** Waits for calls in flight, then closes the decoder; idempotent. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                decoder.close();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "Recommender(" + constraint + ", " + config + ")";
    }
}
