package org.lcrec.cli.reproduce;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.lcrec.core.LeaveOneOut;
import org.lcrec.core.io.FileChecks;
import org.lcrec.tasks.TaskType;

/**
 * What {@code lcrec reproduce} runs: where the index comes from, which task mixes are trained, the
 * model size and training budget, and how evaluation is done. Read from JSON; the named
 * configurations ({@link #NAMES}) are resources of this package.
 *
 * @param name the configuration's name
 * @param data the dataset directory ({@code null}: the synthetic dataset); {@code --data} overrides
 *     it
 * @param index {@code given} (the dataset's index.json), {@code rqvae} or {@code rqkmeans}
 * @param indexPreset the indexer preset ({@code cpu} or {@code lcrec-paper})
 * @param indexCodes codes per index level (0: the preset's; small catalogues want fewer)
 * @param embedder item text embeddings for the indexer: {@code minilm} or {@code lexical}
 * @param mixes task mixes, each trained as its own model (e.g. seqrec only vs all tasks)
 * @param model the from-scratch model preset ({@code cpu-tiny}, {@code cpu-small}, ...)
 * @param epochs training epochs
 * @param learningRate peak learning rate
 * @param batchSize examples per batch
 * @param maxLength maximum tokens per example
 * @param maxSamples cap on training samples per mix (0: all), a seeded random subset
 * @param maxHistory history cap of the leave-one-out split (LC-Rec: 20)
 * @param beams beam width (LC-Rec: 20)
 * @param templates seqrec template ids used for evaluation
 * @param validUsers validation users scored for checkpoint selection (0: all)
 * @param testUsers test users scored (0: all)
 * @param evaluateEvery validation every N optimiser steps (0: once per epoch)
 * @param seed the seed of every random component
 * @param form how seqrec is trained: {@code samples} (LC-Rec: one prompt per target position) or
 *     {@code sequence} (one sequence per user window with every target position carrying loss;
 *     {@link LeaveOneOut#trainingWindows}); default {@code samples}
 * @param dropout hidden dropout in training (default 0)
 * @param weightDecay AdamW weight decay (default 0.01, LC-Rec's)
 * @param warmupRatio share of the steps in linear warmup before the cosine decay (default 0.01)
 * @param patience stop after this many validations without a better NDCG@10 (default 0: never)
 * @param excludeHistory whether items already in the history may not be recommended, for the model
 *     and every baseline alike (default false, LC-Rec's rule)
 * @param vocabulary {@code compact} (default): the from-scratch model's vocabulary is the base
 *     tokenizer's tokens that the training texts and prompts use, plus specials and index tokens
 *     ({@code Tokenizer.restrictedTo}); {@code full}: the whole base vocabulary
 * @param sasrec whether SASRec is trained and scored as a learned ID baseline (default true)
 * @param sasrecEpochs SASRec's epoch cap (default 200; it stops earlier on its validation)
 * @param keep which checkpoint the bundle gets: {@code best} (default: the best validation NDCG@10)
 *     or {@code last} (the end of the schedule; validation still runs and is reported; needs {@code
 *     patience} 0)
 * @param members models trained per mix and decoded together as one ensemble ({@code
 *     EnsembleDecoder}: the mean of their next-token distributions), default 1. Member 1 trains
 *     with {@code seed}, member {@code m} with {@code seed + 1000 (m - 1)}; all share the index.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record ReproduceConfig(
        String name,
        String data,
        String index,
        String indexPreset,
        int indexCodes,
        String embedder,
        List<List<String>> mixes,
        String model,
        int epochs,
        double learningRate,
        int batchSize,
        int maxLength,
        int maxSamples,
        int maxHistory,
        int beams,
        List<Integer> templates,
        int validUsers,
        int testUsers,
        int evaluateEvery,
        long seed,
        String form,
        Double dropout,
        Double weightDecay,
        Double warmupRatio,
        Integer patience,
        Boolean excludeHistory,
        String vocabulary,
        Boolean sasrec,
        Integer sasrecEpochs,
        String keep,
        Integer members) {

    /** {@link #form()}: one prompt per training position, as LC-Rec trains. */
    public static final String FORM_SAMPLES = "samples";

    /** {@link #form()}: one sequence per user window, the loss at every target. */
    public static final String FORM_SEQUENCE = "sequence";

    /** {@link #keep()}: the checkpoint with the best validation NDCG@10. */
    public static final String KEEP_BEST = "best";

    /** {@link #keep()}: the last checkpoint. */
    public static final String KEEP_LAST = "last";

    /** A name that is one path element: no separators, no leading dot. */
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");

    /** The task ids a mix may name, as LC-Rec spells them. */
    private static final List<String> TASK_IDS =
            Arrays.stream(TaskType.values()).map(TaskType::id).toList();

    /** The configurations shipped with the CLI. */
    public static final List<String> NAMES =
            List.of("synthetic", "instruments-seqrec", "industrial-full");

    /** Validates every field, naming the one that is wrong. */
    public ReproduceConfig {
        // the name is a directory (runs/<name>) when --out is not given
        req(
                name != null && PLAIN_NAME.matcher(name).matches(),
                "name",
                "a plain name (letters, digits, '.', '_' or '-', not starting with '.')",
                name == null ? null : FileChecks.abbreviate(name));
        oneOf("index", index, "given", "rqvae", "rqkmeans");
        req(indexPreset != null, "indexPreset", "a preset name", indexPreset);
        req(indexCodes >= 0, "indexCodes", ">= 0", indexCodes);
        oneOf("embedder", embedder, "minilm", "lexical");
        req(
                mixes != null
                        && !mixes.isEmpty()
                        && mixes.stream().allMatch(m -> m != null && !m.isEmpty()),
                "mixes",
                "a non-empty list of non-empty task lists",
                mixes);
        // task names become directory names (train-<mix>): only known task ids pass
        for (int i = 0; i < mixes.size(); i++) {
            for (int j = 0; j < mixes.get(i).size(); j++) {
                String task = mixes.get(i).get(j);
                req(
                        TASK_IDS.contains(task),
                        "mixes[" + i + "][" + j + "]",
                        "a task id (" + String.join(", ", TASK_IDS) + ")",
                        task == null ? null : "\"" + FileChecks.abbreviate(task) + "\"");
            }
        }
        req(model != null, "model", "a model preset", model);
        req(epochs >= 1, "epochs", ">= 1", epochs);
        req(learningRate > 0 && Double.isFinite(learningRate), "learningRate", "> 0", learningRate);
        req(batchSize >= 1, "batchSize", ">= 1", batchSize);
        req(maxLength >= 16, "maxLength", ">= 16", maxLength);
        req(maxSamples >= 0, "maxSamples", ">= 0", maxSamples);
        req(maxHistory >= 0, "maxHistory", ">= 0", maxHistory);
        req(beams >= 1, "beams", ">= 1", beams);
        req(
                templates != null && !templates.isEmpty(),
                "templates",
                "a non-empty list of template ids",
                templates);
        req(
                validUsers >= 0 && testUsers >= 0,
                "validUsers/testUsers",
                ">= 0",
                validUsers + "/" + testUsers);
        req(evaluateEvery >= 0, "evaluateEvery", ">= 0", evaluateEvery);
        form = form == null ? FORM_SAMPLES : form;
        oneOf("form", form, FORM_SAMPLES, FORM_SEQUENCE);
        dropout = dropout == null ? 0.0 : dropout;
        req(dropout >= 0 && dropout < 1, "dropout", "in [0, 1)", dropout);
        weightDecay = weightDecay == null ? 0.01 : weightDecay;
        req(weightDecay >= 0 && Double.isFinite(weightDecay), "weightDecay", ">= 0", weightDecay);
        warmupRatio = warmupRatio == null ? 0.01 : warmupRatio;
        req(warmupRatio >= 0 && warmupRatio < 1, "warmupRatio", "in [0, 1)", warmupRatio);
        patience = patience == null ? 0 : patience;
        req(patience >= 0, "patience", ">= 0", patience);
        keep = keep == null ? KEEP_BEST : keep;
        oneOf("keep", keep, KEEP_BEST, KEEP_LAST);
        req(
                keep.equals(KEEP_BEST) || patience == 0,
                "patience",
                "0 with keep \"last\" (early stopping keeps the best checkpoint)",
                patience);
        members = members == null ? 1 : members;
        req(members >= 1, "members", ">= 1", members);
        excludeHistory = excludeHistory != null && excludeHistory;
        vocabulary = vocabulary == null ? "compact" : vocabulary;
        sasrec = sasrec == null || sasrec;
        sasrecEpochs = sasrecEpochs == null ? 200 : sasrecEpochs;
        req(sasrecEpochs >= 1, "sasrecEpochs", ">= 1", sasrecEpochs);
        oneOf("vocabulary", vocabulary, "compact", "full");
        mixes = mixes.stream().map(List::copyOf).toList();
        templates = List.copyOf(templates);
    }

    /** Requires {@code value} to be one of {@code allowed} ("a, b or c" in the message). */
    private static void oneOf(String field, String value, String... allowed) {
        int last = allowed.length - 1;
        req(
                Arrays.asList(allowed).contains(value),
                field,
                String.join(", ", Arrays.copyOf(allowed, last)) + " or " + allowed[last],
                value);
    }

    private static void req(boolean ok, String field, String expected, Object found) {
        if (!ok) {
            throw new IllegalArgumentException(
                    "reproduce config: " + field + ": expected " + expected + ", found " + found);
        }
    }

    /**
     * @param nameOrFile a shipped configuration's name or a JSON file
     * @return the configuration
     */
    public static ReproduceConfig load(String nameOrFile) {
        ObjectMapper m =
                new ObjectMapper().enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        if (NAMES.contains(nameOrFile)) {
            String res = "/org/lcrec/cli/reproduce/" + nameOrFile + ".json";
            try (InputStream in = ReproduceConfig.class.getResourceAsStream(res)) {
                return m.readValue(in, ReproduceConfig.class);
            } catch (IOException e) {
                throw new IllegalStateException(
                        "cannot read the shipped config " + res + ": " + e.getMessage(), e);
            }
        }
        Path file = Path.of(nameOrFile);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(
                    "--config: expected one of "
                            + NAMES
                            + " or a JSON file, found \""
                            + nameOrFile
                            + "\"");
        }
        try {
            return m.readValue(file.toFile(), ReproduceConfig.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": " + explain(e), e);
        }
    }

    /** Jackson's failure as one line in this format's terms: the field, what was wrong. */
    static String explain(IOException e) {
        if (e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException u) {
            return "unknown field \""
                    + u.getPropertyName()
                    + "\" (known fields: "
                    + String.join(", ", fieldNames())
                    + ")";
        }
        if (e instanceof com.fasterxml.jackson.databind.JsonMappingException jm
                && !jm.getPath().isEmpty()) {
            String field = jm.getPath().get(jm.getPath().size() - 1).getFieldName();
            String what =
                    e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException mi
                                    && mi.getTargetType() != null
                            ? mi.getTargetType().getSimpleName()
                            : "another value";
            String msg = String.valueOf(jm.getOriginalMessage());
            return "field \""
                    + field
                    + "\": "
                    + (msg.contains("null") ? "missing or null" : "has the wrong type")
                    + " (expected "
                    + (what.equals("int") || what.equals("long") || what.equals("double")
                            ? "a number"
                            : what)
                    + ")";
        }
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException jp
                && jp.getLocation() != null) {
            return "not valid JSON at line "
                    + jp.getLocation().getLineNr()
                    + ", column "
                    + jp.getLocation().getColumnNr()
                    + ": "
                    + jp.getOriginalMessage();
        }
        return "cannot read: " + e.getMessage();
    }

    private static List<String> fieldNames() {
        return java.util.Arrays.stream(ReproduceConfig.class.getRecordComponents())
                .map(java.lang.reflect.RecordComponent::getName)
                .toList();
    }

    /**
     * @return whether the model's vocabulary is restricted to the tokens its texts use
     */
    public boolean compactVocabulary() {
        return vocabulary.equals("compact");
    }

    /**
     * @return whether seqrec is trained in the sequence form
     */
    public boolean sequenceForm() {
        return form.equals(FORM_SEQUENCE);
    }

    /**
     * @param member the member, 1-based
     * @return the seed member {@code member} trains with: {@link #seed()} for the first, {@code
     *     seed + 1000 (member - 1)} for the others (apart from other runs' seeds, which are small)
     */
    public long memberSeed(int member) {
        if (member < 1 || member > members) {
            throw new IllegalArgumentException(
                    "member must be in [1, " + members + "], found " + member);
        }
        return seed + 1000L * (member - 1);
    }

    /**
     * @param mix a task mix
     * @return its name in tables and directories, e.g. {@code seqrec} or {@code seqrec+item2index}
     */
    public static String mixName(List<String> mix) {
        return String.join("+", mix).toLowerCase(Locale.ROOT);
    }
}
