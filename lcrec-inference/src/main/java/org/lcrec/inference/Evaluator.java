package org.lcrec.inference;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.lcrec.core.Interactions;
import org.lcrec.core.LeaveOneOut;
import org.lcrec.core.SemanticIndex;

/**
 * Leave-one-out evaluation of a {@link Recommender}: for every user of the split, recommend the top
 * max(K) items from the (capped) history, find the target's rank by item id, and report HR@K and
 * NDCG@K per template with bootstrap confidence intervals, plus the mean, min and max across
 * templates.
 *
 * <p>Matching is on item ids, not index strings, so items that share a code (collisions) are not
 * counted as hits for each other (unlike LC-Rec's evaluate.py). History items the index does not
 * know are left out of the prompt; a sample with no known history item is ranked 0 and counted as
 * skipped. Whether history items may be recommended is the recommender's rule ({@link
 * RecommenderConfig#excludeHistory()}), recorded in the result ({@link
 * EvaluationResult#excludeHistory()}); the excluded history is the capped one the prompt shows.
 */
public final class Evaluator {
    /**
     * Users decoded between two progress updates, in decoder batches: a multiple of the batch size
     * keeps the batches, and so the results, those of one call over all users.
     */
    private static final int BATCHES_PER_UPDATE = 8;

    private Evaluator() {}

    /**
     * @param recommender the model to evaluate
     * @param data the interactions (complete sequences)
     * @param config the protocol
     * @param model a label for the report
     * @return the results
     */
    public static EvaluationResult evaluate(
            Recommender recommender, Interactions data, EvaluationConfig config, String model) {
        return evaluate(recommender, data, config, model, EvaluationProgress.NONE);
    }

    /**
     * Like {@link #evaluate(Recommender, Interactions, EvaluationConfig, String)}, reporting
     * progress.
     *
     * @param recommender the model to evaluate
     * @param data the interactions (complete sequences)
     * @param config the protocol
     * @param model a label for the report
     * @param progress told after every few decoder batches
     * @return the results
     */
    public static EvaluationResult evaluate(
            Recommender recommender,
            Interactions data,
            EvaluationConfig config,
            String model,
            EvaluationProgress progress) {
        Objects.requireNonNull(recommender, "recommender");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(progress, "progress");
        SemanticIndex index = recommender.index();
        List<LeaveOneOut.Sample> samples =
                new LeaveOneOut(config.maxHistory()).list(data, config.split());
        if (config.maxUsers() > 0 && samples.size() > config.maxUsers()) {
            samples = samples.subList(0, config.maxUsers());
        }
        if (samples.isEmpty()) {
            throw new IllegalArgumentException(
                    "no " + config.split() + " samples: every user is too short for the split");
        }
        List<Integer> templates = config.templates();
        if (templates.isEmpty()) {
            templates = new ArrayList<>();
            for (int t = 0; t < recommender.templates().size(); t++) {
                templates.add(t);
            }
        }
        for (int t : templates) {
            if (t < 0 || t >= recommender.templates().size()) {
                throw new IllegalArgumentException(
                        "template "
                                + t
                                + " does not exist: the model has "
                                + recommender.templates().size()
                                + " template(s)");
            }
        }
        int k = Math.min(config.maxK(), index.size());
        List<String> users = new ArrayList<>(samples.size());
        List<int[]> histories = new ArrayList<>();
        List<Integer> rows = new ArrayList<>(); // sample position of each history that is decoded
        for (int s = 0; s < samples.size(); s++) {
            LeaveOneOut.Sample sample = samples.get(s);
            users.add(sample.user());
            int[] h = sample.history();
            int n = 0;
            int[] known = new int[h.length];
            for (int item : h) {
                if (index.contains(item)) {
                    known[n++] = item;
                }
            }
            if (n > 0) {
                histories.add(java.util.Arrays.copyOf(known, n));
                rows.add(s);
            }
        }
        List<EvaluationResult.TemplateResult> results = new ArrayList<>();
        long total = (long) histories.size() * templates.size();
        long done = 0;
        int chunk = recommender.config().batchSize() * BATCHES_PER_UPDATE;
        progress.update(0, total);
        for (int t : templates) {
            int[] ranks = new int[samples.size()];
            int invalid = 0;
            List<Recommendation> recs = new ArrayList<>(histories.size());
            for (int from = 0; from < histories.size(); from += chunk) {
                int to = Math.min(histories.size(), from + chunk);
                recs.addAll(recommender.recommendAll(histories.subList(from, to), k, t));
                done += to - from;
                progress.update(done, total);
            }
            for (int i = 0; i < recs.size(); i++) {
                int s = rows.get(i);
                ranks[s] = recs.get(i).rankOf(samples.get(s).target());
                invalid += recs.get(i).invalidPredictions();
            }
            results.add(
                    EvaluationResult.TemplateResult.of(
                            recommender.templates().get(t).name(),
                            users,
                            ranks,
                            invalid,
                            samples.size() - histories.size(),
                            config));
        }
        int beams = Math.max(recommender.config().beams(), k);
        return EvaluationResult.of(
                model,
                recommender.config().constraint(),
                config,
                beams,
                recommender.config().excludeHistory(),
                results);
    }
}
