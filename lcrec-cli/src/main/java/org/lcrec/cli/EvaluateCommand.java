package org.lcrec.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.lcrec.core.Dataset;
import org.lcrec.core.SemanticIndex;
import org.lcrec.core.Split;
import org.lcrec.core.UnknownItemPolicy;
import org.lcrec.inference.ConstraintMode;
import org.lcrec.inference.EvaluationConfig;
import org.lcrec.inference.EvaluationResult;
import org.lcrec.inference.Evaluator;
import org.lcrec.inference.PairedComparison;
import org.lcrec.inference.RankingMetrics;
import org.lcrec.inference.Recommender;
import org.lcrec.inference.RecommenderConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lcrec evaluate}: leave-one-out HR@K / NDCG@K per prompt template with bootstrap confidence
 * intervals, and the mean, min and max across templates.
 */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        description =
                "Leave-one-out evaluation (HR@K, NDCG@K per template, mean/min/max, 95%% bootstrap"
                        + " intervals); the report is the input of `lcrec compare`.")
public final class EvaluateCommand implements Runnable {
    @Spec CommandSpec spec;

    @Mixin DataOptions data = new DataOptions();

    @Option(
            names = "--model",
            required = true,
            paramLabel = "DIR",
            description =
                    "A model bundle, or a model directory (then --prompts or --text-prompts)."
                            + " Repeat it to evaluate several bundles of one index as one"
                            + " ensemble.")
    List<Path> models;

    @Option(
            names = "--index",
            paramLabel = "FILE",
            description = "Index file (default: the bundle's, else the dataset's own index).")
    Path index;

    @Option(names = "--token-map", paramLabel = "FILE", description = "Index token ids (JSON).")
    Path tokenMap;

    @Option(names = "--eos-id", paramLabel = "ID", description = "EOS id of the terminal step.")
    Integer eosId;

    @Option(
            names = "--exclude-history",
            description = "Never recommend an item already in the history (default: allowed).")
    boolean excludeHistory;

    @Option(names = "--no-eos", description = "Do not score a terminal EOS step.")
    boolean noEos;

    @Option(
            names = "--prompts",
            paramLabel = "FILE",
            description = "Prompt templates as token ids (default: the bundle's).")
    Path prompts;

    @Option(
            names = "--text-prompts",
            paramLabel = "FILE",
            description = "Prompt templates as text, tokenised with the model's tokenizer.json.")
    Path textPrompts;

    @Option(
            names = "--templates",
            defaultValue = "all",
            description = "all, or template indices like 0,3.")
    String templates;

    @Option(names = "--split", defaultValue = "test", description = "test or valid.")
    String split;

    @Option(names = "--ks", split = ",", description = "Cut-offs (default 1,3,5,10,20).")
    int[] ks = RankingMetrics.DEFAULT_KS;

    @Option(
            names = "--max-history",
            paramLabel = "N",
            description = "History cap (0: none; default: the bundle's, else 20).")
    Integer maxHistory;

    @Option(names = "--max-users", defaultValue = "0", description = "Sample cap (0: all).")
    int maxUsers;

    @Option(
            names = "--beams",
            paramLabel = "N",
            description = "Beams (default: the bundle's, else 20).")
    Integer beams;

    @Option(names = "--batch", defaultValue = "32", description = "Users per decoder batch.")
    int batch;

    @Option(
            names = "--per-position",
            description = "Evaluate with LC-Rec's per-position constraint instead of the trie.")
    boolean perPosition;

    @Option(
            names = "--also-per-position",
            paramLabel = "FILE",
            description =
                    "Also run LC-Rec's per-position constraint, write its result to FILE and print"
                            + " the paired comparison with the trie.")
    Path alsoPerPosition;

    @Option(names = "--bootstrap", defaultValue = "1000", description = "Bootstrap resamples.")
    int bootstrap;

    @Option(names = "--seed", defaultValue = "2024", description = "Bootstrap seed.")
    long seed;

    @Mixin DeviceFlag device;

    @Option(names = "--threads", defaultValue = "0", description = "ORT threads (0 = auto).")
    int threads;

    @Option(
            names = "--report",
            paramLabel = "FILE",
            description = "Write the result as JSON (-: on stdout instead of the table).")
    Path report;

    @Override
    public void run() {
        Output output = Output.of(spec, report);
        Dataset dataset = data.load();
        RecommendCommand.ModelChoice m =
                RecommendCommand.ModelChoice.of(models, index, tokenMap, prompts, textPrompts);
        SemanticIndex fallback = index == null && m.bundle() == null ? dataset.index() : null;
        int cap =
                maxHistory != null
                        ? maxHistory
                        : m.bundle() != null ? m.bundle().manifest().decoding().maxHistory() : 20;
        List<Integer> which = new ArrayList<>();
        if (!templates.equalsIgnoreCase("all")) {
            for (String s : templates.split(",")) {
                try {
                    which.add(Integer.parseInt(s.trim()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(
                            "--templates: expected all or indices like 0,3, found " + templates, e);
                }
            }
        }
        EvaluationConfig ec =
                EvaluationConfig.builder()
                        .split(Split.parse(split))
                        .ks(ks)
                        .maxHistory(cap)
                        .maxUsers(maxUsers)
                        .templates(which)
                        .bootstrapResamples(bootstrap)
                        .seed(seed)
                        .build();
        ConstraintMode mode = perPosition ? ConstraintMode.PER_POSITION : ConstraintMode.TRIE;
        EvaluationResult main = run(output, dataset, m, fallback, mode, ec);
        output.report(main);
        if (alsoPerPosition != null) {
            EvaluationResult pp =
                    run(output, dataset, m, fallback, ConstraintMode.PER_POSITION, ec);
            pp.write(alsoPerPosition);
            CompareCommand.print(
                    output.results(),
                    PairedComparison.compare(pp, main, bootstrap, 0.95, seed),
                    "per-position",
                    "trie");
        }
        output.flush();
    }

    private void settings(RecommenderConfig.Builder b, ConstraintMode mode) {
        b.excludeHistory(excludeHistory || b.build().excludeHistory())
                .batchSize(batch)
                .eosId(eosId == null ? -1 : eosId)
                .constraint(mode)
                .unknownItems(UnknownItemPolicy.SKIP);
        if (noEos) {
            b.eosStep(false);
        }
        if (beams != null) {
            b.beams(beams);
        }
    }

    private EvaluationResult run(
            Output output,
            Dataset dataset,
            RecommendCommand.ModelChoice choice,
            SemanticIndex fallback,
            ConstraintMode mode,
            EvaluationConfig ec) {
        long t0 = System.nanoTime();
        EvaluationResult r;
        try (Recommender rec =
                        RecommendCommand.open(
                                choice,
                                fallback,
                                b -> settings(b, mode),
                                device.get().decoder(threads));
                EvaluationBar bar =
                        new EvaluationBar(
                                output.progress(), ec.split().name().toLowerCase(Locale.ROOT))) {
            RecommendCommand.noteBeams(
                    output, rec.config().beams(), Arrays.stream(ec.ks()).max().orElse(0));
            r =
                    Evaluator.evaluate(
                            rec,
                            dataset.interactions(),
                            ec,
                            RecommendCommand.ModelChoice.describe(models),
                            bar);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        output.progress().printf(Locale.ROOT, "%-14s %.1f s%n", "evaluated in", secs);
        PrintWriter o = output.results();
        String[] names = RankingMetrics.names(ec.ks());
        o.printf(
                Locale.ROOT,
                "%s constraint, %s split, %d sample(s)%n",
                mode.name().toLowerCase(Locale.ROOT),
                ec.split().name().toLowerCase(Locale.ROOT),
                r.templates().get(0).samples());
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-14s", "template"));
        for (String n : names) {
            head.append(String.format(Locale.ROOT, " %11s", n));
        }
        o.println(head);
        for (EvaluationResult.TemplateResult t : r.templates()) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-14s", t.name()));
            StringBuilder ci = new StringBuilder(String.format(Locale.ROOT, "%-14s", "  95% CI"));
            for (String n : names) {
                line.append(String.format(Locale.ROOT, " %11.4f", t.metrics().get(n)));
                double[] c = t.intervals().get(n);
                ci.append(' ').append(interval(c[0], c[1]));
            }
            o.println(line);
            o.println(ci);
            if (t.invalidPredictions() > 0 || t.skippedSamples() > 0) {
                o.printf(
                        Locale.ROOT,
                        "%-14s %d invalid prediction(s), %d sample(s) without a known history"
                                + " item%n",
                        "",
                        t.invalidPredictions(),
                        t.skippedSamples());
            }
        }
        for (String agg : new String[] {"mean", "min", "max"}) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-14s", agg));
            java.util.Map<String, Double> m =
                    agg.equals("mean") ? r.mean() : agg.equals("min") ? r.min() : r.max();
            for (String n : names) {
                line.append(String.format(Locale.ROOT, " %11.4f", m.get(n)));
            }
            o.println(line);
        }
        return r;
    }

    /**
     * A 95% interval in the width of a metric column ({@code %11.4f}): {@code 0.012-0.034}, three
     * decimals each side, which fits for the metrics' range [0, 1]; a wider interval is printed
     * whole rather than cut.
     *
     * @param low the lower bound
     * @param high the upper bound
     * @return the interval, right-aligned in eleven characters
     */
    static String interval(double low, double high) {
        return String.format(
                Locale.ROOT, "%11s", String.format(Locale.ROOT, "%.3f-%.3f", low, high));
    }
}
