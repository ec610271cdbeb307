package org.lcrec.quantization;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.lcrec.core.Item;
import org.lcrec.core.ItemCatalog;
import org.lcrec.core.SemanticId;
import org.lcrec.core.SemanticIndex;
import org.lcrec.sinkhorn.CapacitatedAssignment;
import org.lcrec.sinkhorn.SinkhornConfig;
import org.lcrec.sinkhorn.SinkhornForm;
import org.lcrec.sinkhorn.SinkhornSolver;

/**
 * Turns a trained {@link ItemQuantizer} into a collision-free {@link SemanticIndex}.
 *
 * <ol>
 *   <li>Encode every item: nearest code at every level.
 *   <li>Uniform semantic mapping (LC-Rec): re-assign the last level by the argmax of a Sinkhorn
 *       plan with uniform marginals over the items' distances to the last codebook, so that items
 *       spread evenly over the last level's codes.
 *   <li>Exact conflict resolution: within every group of items sharing the first {@code L-1} codes,
 *       the items whose full ID collides are re-assigned jointly to distinct last-level codes — the
 *       codes not used by the group's other items — by the minimum-total-distance assignment
 *       ({@link CapacitatedAssignment}). Items with identical embeddings have identical costs and
 *       are separated deterministically by its tie-breaking (lowest item first).
 *   <li>If a prefix group has more items than codes, its items are spread evenly over all codes
 *       ({@code ceil(size / K)} per code) and one level is added to every ID: the rank of the item
 *       within its (still shared) ID, 0 elsewhere.
 * </ol>
 *
 * The result never has collisions (checked before returning). LC-Rec instead repeats Sinkhorn on
 * colliding groups for at most 20 rounds and cannot separate identical items (lcrec-facts 6.5).
 *
 * @implNote resolution costs {@code O(m² K)} per prefix group with {@code m} colliding items (exact
 *     Hungarian); groups larger than {@value #EXACT_LIMIT} items use a deterministic
 *     nearest-code-with-capacity greedy pass instead, which still guarantees distinct IDs via the
 *     added level. Same inputs and config → identical index. Thread-safe.
 */
public final class IndexGenerator {
    private static final System.Logger LOG = System.getLogger(IndexGenerator.class.getName());

    /** Largest oversized prefix group balanced exactly (Hungarian is cubic in the group size). */
    static final int EXACT_LIMIT = 1024;

    private final IndexConfig config;

    /**
     * @param config the settings
     */
    public IndexGenerator(IndexConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * Indexes a catalogue in one call, for notebooks and demos: lexical embeddings of every item's
     * title and description ({@link LexicalEmbeddings}, dimension {@value #LEXICAL_DIM}), an RQ-VAE
     * trained with the named preset, and LC-Rec's index settings ({@link IndexConfig#lcRec()}).
     *
     * @param items the catalogue (item ids as given)
     * @param preset an {@link RqVaeConfig#preset(String)} name: {@code cpu} or {@code lcrec-paper}
     * @return the index and its statistics
     * @throws QuantizationException naming the preset when it is unknown
     */
    public static GeneratedIndex fromTexts(ItemCatalog items, String preset) {
        return fromTexts(items, RqVaeConfig.preset(preset));
    }

    /**
     * As {@link #fromTexts(ItemCatalog, String)} with an explicit RQ-VAE configuration.
     *
     * @param items the catalogue (item ids as given)
     * @param config the RQ-VAE settings
     * @return the index and its statistics
     */
    public static GeneratedIndex fromTexts(ItemCatalog items, RqVaeConfig config) {
        Objects.requireNonNull(items, "items");
        Objects.requireNonNull(config, "config");
        List<String> texts = new ArrayList<>(items.size());
        for (Item it : items.items()) {
            texts.add(it.title() + " " + it.description());
        }
        Embeddings x = LexicalEmbeddings.of(texts, LEXICAL_DIM);
        IndexConfig ic = IndexConfig.lcRec().withNumThreads(config.numThreads());
        try (RqVaeModel m = new RqVaeTrainer(config).fit(x)) {
            return new IndexGenerator(ic).generate(m, x, items.ids());
        }
    }

    /** Dimension of the lexical embeddings {@link #fromTexts(ItemCatalog, String)} computes. */
    public static final int LEXICAL_DIM = 256;

    /**
     * @return the settings
     */
    public IndexConfig config() {
        return config;
    }

    /**
     * Indexes items whose ids are their row numbers (LC-Rec's {@code .npy} convention).
     *
     * @param quantizer the trained quantizer
     * @param items the item embeddings, row = item id
     * @return the index and statistics
     */
    public GeneratedIndex generate(ItemQuantizer quantizer, Embeddings items) {
        Objects.requireNonNull(items, "items");
        int[] ids = new int[items.rows()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i;
        }
        return generate(quantizer, items, ids);
    }

    /**
     * @param quantizer the trained quantizer
     * @param items the item embeddings
     * @param itemIds the item id of each row (distinct, {@code >= 0})
     * @return the index and statistics
     */
    public GeneratedIndex generate(ItemQuantizer quantizer, Embeddings items, int[] itemIds) {
        Objects.requireNonNull(quantizer, "quantizer");
        Objects.requireNonNull(items, "items");
        Objects.requireNonNull(itemIds, "itemIds");
        if (itemIds.length != items.rows()) {
            throw new QuantizationException(
                    "index generation: expected one item id per embedding row ("
                            + items.rows()
                            + "), found "
                            + itemIds.length);
        }
        Encoding enc = quantizer.encode(items, config.numThreads());
        return generate(enc, quantizer.codebook(quantizer.levels() - 1), itemIds);
    }

    /**
     * Indexes from an existing encoding.
     *
     * @param enc nearest-code encoding
     * @param last the last level's codebook (the space of {@code enc}'s last residuals)
     * @param itemIds the item id of each encoded item
     * @return the index and statistics
     */
    public GeneratedIndex generate(Encoding enc, Codebook last, int[] itemIds) {
        Objects.requireNonNull(enc, "enc");
        Objects.requireNonNull(last, "last");
        Objects.requireNonNull(itemIds, "itemIds");
        int n = enc.items();
        int levels = enc.levels();
        int k = last.size();
        int d = enc.latentDim();
        if (last.dim() != d) {
            throw new QuantizationException(
                    "index generation: last codebook has dimension "
                            + last.dim()
                            + ", the encoding "
                            + d);
        }
        int[] codes = enc.codes();
        float[] res = enc.lastResidualsArray();
        int before = surplus(codes, n, levels);
        if (config.uniformMapping()) {
            int[] mapped = uniformMapping(enc, last);
            for (int i = 0; i < n; i++) {
                codes[i * levels + levels - 1] = mapped[i];
            }
        }
        int afterMapping = surplus(codes, n, levels);
        int[] moved = {0};
        boolean oversized = resolve(codes, n, levels, k, last, res, d, moved);
        int outLevels = levels;
        if (oversized) {
            outLevels = levels + 1;
            int[] wide = new int[n * outLevels];
            Map<Key, Integer> seen = new HashMap<>();
            for (int i = 0; i < n; i++) {
                System.arraycopy(codes, i * levels, wide, i * outLevels, levels);
                Key key = new Key(Arrays.copyOfRange(codes, i * levels, (i + 1) * levels));
                int rank = seen.merge(key, 1, Integer::sum) - 1;
                wide[i * outLevels + levels] = rank;
            }
            codes = wide;
        }
        if (outLevels > org.lcrec.core.IndexTokens.MAX_LEVELS) {
            throw new QuantizationException(
                    "index generation: needs "
                            + outLevels
                            + " levels, more than the "
                            + org.lcrec.core.IndexTokens.MAX_LEVELS
                            + " index tokens can name");
        }
        int finalCollisions = surplus(codes, n, outLevels);
        if (finalCollisions != 0) {
            throw new IllegalStateException(
                    "index generation left " + finalCollisions + " colliding items (a bug)");
        }
        Map<Integer, SemanticId> entries = new LinkedHashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            SemanticId id =
                    SemanticId.of(Arrays.copyOfRange(codes, i * outLevels, (i + 1) * outLevels));
            if (entries.put(itemIds[i], id) != null) {
                throw new QuantizationException(
                        "index generation: item id " + itemIds[i] + " appears twice");
            }
        }
        SemanticIndex index = SemanticIndex.of(entries);
        IndexStatistics stats =
                new IndexStatistics(
                        n,
                        outLevels,
                        outLevels - levels,
                        index.codesUsedPerLevel(),
                        perplexity(codes, n, outLevels),
                        enc.meanResidualNorms(),
                        enc.reconstructionMse(),
                        before,
                        afterMapping,
                        moved[0],
                        finalCollisions);
        return new GeneratedIndex(index, stats);
    }

    /**
     * The uniform semantic mapping step of {@link #generate(Encoding, Codebook, int[])} alone: the
     * last-level code of every item, by the argmax of a Sinkhorn plan with uniform marginals over
     * the items' distances to the last codebook, solved for consecutive batches of {@link
     * IndexConfig#mappingBatch()} items. A caller that maps one batch at a time (lcrec-spark, a
     * batch per task) gets the codes of a whole pass as long as its batches are these.
     *
     * @param enc nearest-code encoding
     * @param last the last level's codebook
     * @return one last-level code per encoded item
     */
    public int[] uniformMapping(Encoding enc, Codebook last) {
        Objects.requireNonNull(enc, "enc");
        Objects.requireNonNull(last, "last");
        int n = enc.items();
        int k = last.size();
        int d = enc.latentDim();
        if (last.dim() != d) {
            throw new QuantizationException(
                    "index generation: last codebook has dimension "
                            + last.dim()
                            + ", the encoding "
                            + d);
        }
        float[] res = enc.lastResidualsArray();
        int[] out = new int[n];
        SinkhornConfig sk =
                SinkhornConfig.lcRec(config.epsilon(), config.sinkhornIterations())
                        .withNumThreads(config.numThreads());
        for (int start = 0; start < n; start += config.mappingBatch()) {
            int b = Math.min(config.mappingBatch(), n - start);
            double[] cost = new double[b * k];
            for (int i = 0; i < b; i++) {
                last.distances(res, (start + i) * d, cost, i * k);
            }
            int[] a;
            try {
                a = new SinkhornSolver(sk).solveUniform(cost, b, k).argmaxPerRow();
            } catch (ArithmeticException e) {
                LOG.log(
                        System.Logger.Level.DEBUG,
                        "collision mapping: plain Sinkhorn failed ({0}); solving in the log"
                                + " domain",
                        e.getMessage());
                a =
                        new SinkhornSolver(sk.withForm(SinkhornForm.LOG_DOMAIN))
                                .solveUniform(cost, b, k)
                                .argmaxPerRow();
            }
            System.arraycopy(a, 0, out, start, b);
        }
        return out;
    }

    /** Makes full IDs distinct within every prefix group; returns whether a level is needed. */
    private static boolean resolve(
            int[] codes, int n, int levels, int k, Codebook last, float[] res, int d, int[] moved) {
        Map<Key, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            Key key = new Key(Arrays.copyOfRange(codes, i * levels, i * levels + levels - 1));
            groups.computeIfAbsent(key, x -> new ArrayList<>()).add(i);
        }
        boolean oversized = false;
        int[] count = new int[k];
        for (List<Integer> g : groups.values()) {
            Arrays.fill(count, 0);
            boolean collides = false;
            for (int i : g) {
                if (++count[codes[i * levels + levels - 1]] > 1) {
                    collides = true;
                }
            }
            if (!collides) {
                continue;
            }
            List<Integer> movers = new ArrayList<>();
            int[] capacity = new int[k];
            if (g.size() <= k) {
                Arrays.fill(capacity, 1);
                for (int i : g) {
                    int c = codes[i * levels + levels - 1];
                    if (count[c] > 1) {
                        movers.add(i);
                    } else {
                        capacity[c] = 0; // taken by an item that does not collide
                    }
                }
            } else {
                oversized = true;
                Arrays.fill(capacity, (g.size() + k - 1) / k);
                movers.addAll(g);
            }
            int m = movers.size();
            double[] cost = new double[m * k];
            for (int r = 0; r < m; r++) {
                last.distances(res, movers.get(r) * d, cost, r * k);
            }
            int[] assigned =
                    m <= EXACT_LIMIT
                            ? CapacitatedAssignment.solve(cost, m, k, capacity).codes()
                            : greedy(cost, m, k, capacity);
            for (int r = 0; r < m; r++) {
                int slot = movers.get(r) * levels + levels - 1;
                if (codes[slot] != assigned[r]) {
                    moved[0]++;
                    codes[slot] = assigned[r];
                }
            }
        }
        return oversized;
    }

    /** Nearest code with room left, items in order: deterministic, capacity-respecting. */
    private static int[] greedy(double[] cost, int m, int k, int[] capacity) {
        int[] left = capacity.clone();
        int[] out = new int[m];
        for (int r = 0; r < m; r++) {
            int best = -1;
            for (int c = 0; c < k; c++) {
                if (left[c] > 0 && (best < 0 || cost[r * k + c] < cost[r * k + best])) {
                    best = c;
                }
            }
            left[best]--;
            out[r] = best;
        }
        return out;
    }

    /** Items beyond the first of every group sharing a full ID. */
    static int surplus(int[] codes, int n, int levels) {
        Map<Key, Integer> seen = new HashMap<>(n * 2);
        int dup = 0;
        for (int i = 0; i < n; i++) {
            if (seen.merge(
                            new Key(Arrays.copyOfRange(codes, i * levels, (i + 1) * levels)),
                            1,
                            Integer::sum)
                    > 1) {
                dup++;
            }
        }
        return dup;
    }

    static double[] perplexity(int[] codes, int n, int levels) {
        double[] p = new double[levels];
        for (int l = 0; l < levels; l++) {
            Map<Integer, Integer> counts = new HashMap<>();
            for (int i = 0; i < n; i++) {
                counts.merge(codes[i * levels + l], 1, Integer::sum);
            }
            double h = 0;
            for (int c : counts.values()) {
                double q = (double) c / n;
                h -= q * Math.log(q);
            }
            p[l] = Math.exp(h);
        }
        return p;
    }

    /** An int[] with value semantics, as a map key. */
    private record Key(int[] codes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key other && Arrays.equals(codes, other.codes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(codes);
        }

        @Override
        public String toString() {
            return Arrays.toString(codes);
        }
    }

    @Override
    public String toString() {
        return "IndexGenerator(" + config + ")";
    }
}
