package org.lcrec.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.lcrec.core.io.AtomicFiles;

/**
 * An evaluation's results, per template and aggregated (mean, min, max across templates, as LC-Rec
 * reports them), with per-sample ranks so that two result files can be compared pairwise ({@link
 * PairedComparison}). Written as JSON with a format version.
 *
 * <p>Format versions: 2 added {@code excludeHistory}; files of version 1 are still read, as results
 * that did not exclude history items (the only rule version 1 knew).
 *
 * @param version the file format version ({@value #VERSION})
 * @param model what was evaluated (a path or name)
 * @param constraint TRIE or PER_POSITION, or {@code none} for a recommender without one (a
 *     baseline)
 * @param split test or valid
 * @param ks the cut-offs
 * @param beams beams used (0 for a recommender without beams)
 * @param excludeHistory whether the evaluated recommender was barred from recommending history
 *     items (the rule a results table must state; LC-Rec's is {@code false})
 * @param confidenceLevel of the intervals
 * @param bootstrapResamples used for the intervals
 * @param templates per-template results
 * @param mean metric → mean over templates
 * @param min metric → min over templates
 * @param max metric → max over templates
 */
public record EvaluationResult(
        int version,
        String model,
        String constraint,
        String split,
        int[] ks,
        int beams,
        boolean excludeHistory,
        double confidenceLevel,
        int bootstrapResamples,
        List<TemplateResult> templates,
        Map<String, Double> mean,
        Map<String, Double> min,
        Map<String, Double> max) {
    /** The format version this code writes (and reads, besides version 1). */
    public static final int VERSION = 2;

    /** Checks the version. */
    public EvaluationResult {
        if (version != VERSION) {
            throw new IllegalArgumentException(
                    "evaluation result: expected version " + VERSION + ", found " + version);
        }
        ks = ks.clone();
        templates = List.copyOf(templates);
        mean = ordered(mean);
        min = ordered(min);
        max = ordered(max);
    }

    /** An unmodifiable copy that keeps the metrics' order (which the JSON file shows). */
    private static <V> Map<String, V> ordered(Map<String, V> m) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    /**
     * @return a copy of the cut-offs
     */
    @Override
    public int[] ks() {
        return ks.clone();
    }

    /**
     * One template's results.
     *
     * @param name the template's name
     * @param samples number of evaluated samples
     * @param invalidPredictions predictions naming no item (per-position constraint only)
     * @param skippedSamples samples left unranked (rank 0) because no history item was indexed
     * @param metrics metric → mean over samples
     * @param intervals metric → {low, high} bootstrap interval of the mean
     * @param users the sample's user ids, in order
     * @param ranks the target's 1-based rank per sample, 0 when not in the top max(K)
     */
    public record TemplateResult(
            String name,
            int samples,
            int invalidPredictions,
            int skippedSamples,
            Map<String, Double> metrics,
            Map<String, double[]> intervals,
            List<String> users,
            int[] ranks) {
        /** Checks the lengths and copies. */
        public TemplateResult {
            if (users.size() != ranks.length || samples != ranks.length) {
                throw new IllegalArgumentException(
                        "template "
                                + name
                                + ": expected "
                                + samples
                                + " users and ranks, found "
                                + users.size()
                                + " and "
                                + ranks.length);
            }
            metrics = ordered(metrics);
            Map<String, double[]> iv = new LinkedHashMap<>();
            intervals.forEach((m, v) -> iv.put(m, v.clone()));
            intervals = Collections.unmodifiableMap(iv);
            users = List.copyOf(users);
            ranks = ranks.clone();
        }

        /**
         * @return metric → a copy of its {low, high} interval
         */
        @Override
        public Map<String, double[]> intervals() {
            Map<String, double[]> out = new LinkedHashMap<>();
            intervals.forEach((m, v) -> out.put(m, v.clone()));
            return Collections.unmodifiableMap(out);
        }

        /**
         * @return a copy of the per-sample ranks
         */
        @Override
        public int[] ranks() {
            return ranks.clone();
        }

        /**
         * Computes the metrics and their bootstrap intervals from per-sample ranks.
         *
         * @param name the template's (or baseline's) name
         * @param users the sample's user ids, in order
         * @param ranks the target's 1-based rank per sample, 0 when not retrieved
         * @param invalidPredictions predictions naming no item
         * @param skippedSamples samples left unranked
         * @param config the cut-offs and the bootstrap settings
         * @return the template result
         */
        public static TemplateResult of(
                String name,
                List<String> users,
                int[] ranks,
                int invalidPredictions,
                int skippedSamples,
                EvaluationConfig config) {
            Map<String, Double> metrics = new LinkedHashMap<>();
            Map<String, double[]> intervals = new LinkedHashMap<>();
            for (String m : RankingMetrics.names(config.ks())) {
                double[] v = RankingMetrics.values(m, ranks);
                double sum = 0;
                for (double x : v) {
                    sum += x;
                }
                metrics.put(m, v.length == 0 ? 0 : sum / v.length);
                intervals.put(
                        m,
                        Bootstrap.meanInterval(
                                v,
                                config.bootstrapResamples(),
                                config.confidenceLevel(),
                                config.seed()));
            }
            return new TemplateResult(
                    name,
                    ranks.length,
                    invalidPredictions,
                    skippedSamples,
                    metrics,
                    intervals,
                    users,
                    ranks);
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof TemplateResult t)
                    || !name.equals(t.name)
                    || samples != t.samples
                    || invalidPredictions != t.invalidPredictions
                    || skippedSamples != t.skippedSamples
                    || !metrics.equals(t.metrics)
                    || !intervals.keySet().equals(t.intervals.keySet())
                    || !users.equals(t.users)
                    || !Arrays.equals(ranks, t.ranks)) {
                return false;
            }
            for (Map.Entry<String, double[]> e : intervals.entrySet()) {
                if (!Arrays.equals(e.getValue(), t.intervals.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int hashCode() {
            return (name.hashCode() * 31 + metrics.hashCode()) * 31 + Arrays.hashCode(ranks);
        }

        @Override
        public String toString() {
            return "TemplateResult(" + name + ", samples=" + samples + ", " + metrics + ")";
        }
    }

    /**
     * Aggregates per-template results.
     *
     * @param model what was evaluated
     * @param constraint the constraint mode, or {@code null} for a recommender without one
     *     (recorded as {@code none})
     * @param config the evaluation config
     * @param beams beams used
     * @param excludeHistory whether history items were barred from the recommendations
     * @param templates per-template results (non-empty)
     * @return the result
     */
    public static EvaluationResult of(
            String model,
            ConstraintMode constraint,
            EvaluationConfig config,
            int beams,
            boolean excludeHistory,
            List<TemplateResult> templates) {
        Map<String, Double> mean = new LinkedHashMap<>();
        Map<String, Double> min = new LinkedHashMap<>();
        Map<String, Double> max = new LinkedHashMap<>();
        for (String m : RankingMetrics.names(config.ks())) {
            double s = 0;
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (TemplateResult t : templates) {
                double v = t.metrics().get(m);
                s += v;
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            mean.put(m, s / templates.size());
            min.put(m, lo);
            max.put(m, hi);
        }
        return new EvaluationResult(
                VERSION,
                model,
                constraint == null ? "none" : constraint.name(),
                config.split().name().toLowerCase(Locale.ROOT),
                config.ks(),
                beams,
                excludeHistory,
                config.confidenceLevel(),
                config.bootstrapResamples(),
                templates,
                mean,
                min,
                max);
    }

    private static ObjectMapper mapper() {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    /**
     * Writes the result atomically.
     *
     * @param file the target
     */
    public void write(Path file) {
        try {
            AtomicFiles.writeString(file, mapper().writeValueAsString(this));
        } catch (IOException e) {
            throw new IllegalStateException(file + ": cannot serialise: " + e.getMessage(), e);
        }
    }

    /**
     * @param file a file written by {@link #write(Path)} (format version 1 or 2)
     * @return the result
     * @throws IllegalArgumentException naming the file if it is unreadable or of another version
     */
    public static EvaluationResult read(Path file) {
        try {
            JsonNode n = mapper().readTree(file.toFile());
            int version = n == null ? -1 : n.path("version").asInt(-1);
            if (!(n instanceof ObjectNode o) || (version != 1 && version != VERSION)) {
                throw new IllegalArgumentException(
                        file
                                + ": expected an evaluation result with \"version\": 1 or "
                                + VERSION
                                + ", found "
                                + (n == null ? "nothing" : n.get("version")));
            }
            if (version == 1) {
                // version 1 had no exclusion rule: every result recommended history items freely
                o.put("version", VERSION);
                o.put("excludeHistory", false);
            }
            return mapper().treeToValue(o, EvaluationResult.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * @param name a template name
     * @return that template's results
     */
    public TemplateResult template(String name) {
        for (TemplateResult t : templates) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("no template named \"" + name + "\" in the result");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EvaluationResult r
                && version == r.version
                && model.equals(r.model)
                && constraint.equals(r.constraint)
                && split.equals(r.split)
                && Arrays.equals(ks, r.ks)
                && beams == r.beams
                && excludeHistory == r.excludeHistory
                && Double.compare(confidenceLevel, r.confidenceLevel) == 0
                && bootstrapResamples == r.bootstrapResamples
                && templates.equals(r.templates)
                && mean.equals(r.mean)
                && min.equals(r.min)
                && max.equals(r.max);
    }

    @Override
    public int hashCode() {
        return model.hashCode() * 31 + mean.hashCode();
    }

    @Override
    public String toString() {
        return "EvaluationResult(model="
                + model
                + ", constraint="
                + constraint
                + ", split="
                + split
                + ", excludeHistory="
                + excludeHistory
                + ", templates="
                + templates.size()
                + ", mean="
                + mean
                + ")";
    }
}
