package org.lcrec.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.lcrec.core.Dataset;
import org.lcrec.core.Split;
import org.lcrec.tasks.ExportFormat;
import org.lcrec.tasks.GenerationReport;
import org.lcrec.tasks.JsonlExporter;
import org.lcrec.tasks.TaskConfig;
import org.lcrec.tasks.TaskGenerator;
import org.lcrec.tasks.TaskType;
import org.lcrec.tasks.TemplateSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lcrec tasks}: LC-Rec's instruction data (seqrec, item2index, index2item, fusionseqrec,
 * itemsearch, preferenceobtain) as JSON Lines for any trainer, with LC-Rec's sampling controls.
 */
@Command(
        name = "tasks",
        mixinStandardHelpOptions = true,
        description =
                "Write instruction data for LC-Rec's alignment tasks as JSON Lines (Alpaca, chat"
                        + " or LC-Rec SFT layout).")
public final class TasksCommand implements Runnable {
    @Spec CommandSpec spec;

    @Mixin DataOptions data = new DataOptions();

    @Option(
            names = "--tasks",
            paramLabel = "LIST",
            defaultValue = "seqrec",
            description =
                    "Comma-separated tasks: seqrec, item2index, index2item, fusionseqrec,"
                            + " itemsearch, preferenceobtain (default: ${DEFAULT-VALUE}).")
    String tasks;

    @Option(
            names = "--split",
            paramLabel = "SPLIT",
            defaultValue = "train",
            description = "train, valid or test (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "lcrec",
            description =
                    "alpaca, chat or lcrec (prompt and response apart, SFT wrapper) (default:"
                            + " ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "The JSONL file.")
    Path out;

    @Option(
            names = "--report",
            paramLabel = "FILE",
            description = "Write the counts as JSON (-: on stdout instead of the table).")
    Path report;

    @Option(
            names = "--templates",
            paramLabel = "FILE",
            description =
                    "Template JSON (format lcrec-task-templates); its tasks replace the built-in"
                            + " templates.")
    Path templates;

    @Option(
            names = "--seed",
            defaultValue = "42",
            description = "Seed of every random choice (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--max-his-len",
            defaultValue = "20",
            description =
                    "History cap, most recent kept; 0 = unlimited (default: ${DEFAULT-VALUE}).")
    int maxHistory;

    @Option(
            names = "--his-sep",
            defaultValue = ", ",
            description = "Separator between history items (default: \"${DEFAULT-VALUE}\").")
    String separator;

    @Option(names = "--add-prefix", description = "Number history items (\"1. \", \"2. \", ...).")
    boolean numbered;

    @Option(
            names = "--prompt-sample-num",
            paramLabel = "N[,N...]",
            description =
                    "Training copies per example, each with a fresh template: one number for all"
                            + " tasks or one per task (default 1).")
    String promptSampleNum;

    @Option(
            names = "--sample-num",
            paramLabel = "N[,N...]",
            description =
                    "Training examples kept per task, 0 = all: one number for all tasks or one per"
                            + " task (LC-Rec run.sh: 0,0,0,20000,0,0 on Instruments).")
    String sampleNum;

    @Option(
            names = "--prompt-ids",
            paramLabel = "IDS",
            defaultValue = "all",
            description =
                    "Template ids for valid/test: all, or a comma list (default: ${DEFAULT-VALUE}).")
    String promptIds;

    @Override
    public void run() {
        Output output = Output.of(spec, report);
        PrintWriter pw = output.results();
        List<TaskType> taskList = TaskType.parseList(tasks);
        Split s = Split.parse(split);
        ExportFormat f = ExportFormat.parse(format);
        TaskConfig.Builder cb =
                TaskConfig.builder()
                        .seed(seed)
                        .maxHistory(maxHistory)
                        .separator(separator)
                        .numbered(numbered);
        int[] copies = perTask("--prompt-sample-num", promptSampleNum, taskList.size());
        int[] keep = perTask("--sample-num", sampleNum, taskList.size());
        List<Integer> ids = ids(promptIds);
        for (int i = 0; i < taskList.size(); i++) {
            TaskType t = taskList.get(i);
            if (copies != null) {
                cb.promptSampleNum(t, copies[i]);
            }
            if (keep != null) {
                cb.sampleNum(t, keep[i]);
            }
            if (!ids.isEmpty()) {
                cb.evalTemplates(t, ids);
            }
        }
        TaskConfig config = cb.build();
        TemplateSet set = TemplateSet.defaults();
        if (templates != null) {
            set = set.withOverrides(TemplateSet.load(templates));
        }
        long t0 = System.nanoTime();
        Dataset dataset = data.load();
        TaskGenerator gen = new TaskGenerator(dataset, set, config);
        TaskGenerator.SampleIterator it = gen.iterator(taskList, s);
        long lines = new JsonlExporter(f).write(it, out);
        double seconds = (System.nanoTime() - t0) / 1e9;
        GenerationReport rep = it.report();

        pw.printf(
                Locale.ROOT,
                "%s, split %s, %s format%n",
                dataset.name(),
                s.name().toLowerCase(Locale.ROOT),
                f.id());
        pw.printf(
                Locale.ROOT,
                "%-18s %12s %12s %14s %14s%n",
                "task",
                "samples",
                "examples",
                "skipped items",
                "skipped pairs");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (GenerationReport.TaskCount c : rep.tasks()) {
            pw.printf(
                    Locale.ROOT,
                    "%-18s %,12d %,12d %,14d %,14d%n",
                    c.task().id(),
                    c.samples(),
                    c.examples(),
                    c.skippedExamples(),
                    c.skippedPairs());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("task", c.task().id());
            row.put("samples", c.samples());
            row.put("examples", c.examples());
            row.put("skippedExamples", c.skippedExamples());
            row.put("skippedPairs", c.skippedPairs());
            rows.add(row);
        }
        pw.printf(Locale.ROOT, "%,d samples written to %s%n", lines, out);
        output.progress().printf(Locale.ROOT, "%-18s %.2f s%n", "generated in", seconds);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("dataset", dataset.name());
        json.put("source", data.synthetic() ? "synthetic (seed 42)" : data.dir().toString());
        json.put("split", s.name().toLowerCase(Locale.ROOT));
        json.put("format", f.id());
        json.put("out", out.toString());
        json.put("samples", lines);
        json.put("tasks", rows);
        json.put("config", config.toString());
        json.put("seconds", seconds);
        output.report(json);
        output.flush();
    }

    /** One number for all tasks, or one per task; null when absent. */
    private static int[] perTask(String option, String value, int tasks) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String[] parts = value.split(",");
        if (parts.length != 1 && parts.length != tasks) {
            throw new IllegalArgumentException(
                    option
                            + ": expected one number or "
                            + tasks
                            + " (one per task), found "
                            + parts.length
                            + " in \""
                            + value
                            + "\"");
        }
        int[] out = new int[tasks];
        for (int i = 0; i < tasks; i++) {
            String p = parts[parts.length == 1 ? 0 : i].trim();
            try {
                out[i] = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        option + ": expected an integer, found \"" + p + "\"", e);
            }
        }
        return out;
    }

    private static List<Integer> ids(String value) {
        if (value == null || value.isBlank() || value.trim().equalsIgnoreCase("all")) {
            return List.of();
        }
        List<Integer> ids = new ArrayList<>();
        for (String p : value.split(",")) {
            try {
                ids.add(Integer.parseInt(p.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "--prompt-ids: expected \"all\" or integers, found \"" + p.trim() + "\"",
                        e);
            }
        }
        return ids;
    }
}
