package org.lcrec.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.lcrec.core.Dataset;
import org.lcrec.core.DatasetStats;
import org.lcrec.core.io.DatasetDirectory;
import org.lcrec.core.io.MiniOneRecImporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lcrec stats}: a dataset's size, sequence lengths, index shape and collisions. The pattern
 * of every subcommand: human output on stdout, the same figures as JSON with {@code --report},
 * timings on stderr ({@link Output}).
 */
@Command(
        name = "stats",
        mixinStandardHelpOptions = true,
        description =
                "Print a dataset's statistics (users, items, interactions, index, collisions).")
public final class StatsCommand implements Runnable {
    @Spec CommandSpec spec;

    @Mixin DataOptions data = new DataOptions();

    @Option(
            names = "--report",
            paramLabel = "FILE",
            description = "Write the statistics as JSON (-: on stdout instead of the table).")
    Path report;

    @Override
    public void run() {
        Output output = Output.of(spec, report);
        PrintWriter out = output.results();
        long t0 = System.nanoTime();
        Dataset dataset;
        MiniOneRecImporter.ImportReport imported = null;
        if (data.synthetic()) {
            dataset = data.load();
        } else {
            DatasetDirectory.Detected d = DatasetDirectory.detect(data.dir());
            if (d.layout() == DatasetDirectory.Layout.MINIONEREC) {
                MiniOneRecImporter.Result r = MiniOneRecImporter.read(d.dir(), d.name());
                dataset = r.dataset();
                imported = r.report();
            } else {
                dataset = DatasetDirectory.read(d.dir());
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        DatasetStats stats = dataset.stats();
        out.print(stats.render());
        Map<String, Object> json = new LinkedHashMap<>(stats.asMap());
        if (imported != null) {
            out.printf(
                    Locale.ROOT,
                    "%-22s %,d of %,d users from %,d CSV rows (%,d dropped as inconsistent,"
                            + " %,d may miss their earliest items)%n",
                    "users rebuilt",
                    imported.rebuilt(),
                    imported.users(),
                    imported.rows(),
                    imported.dropped(),
                    imported.truncatedStart());
            json.put("import", imported);
        }
        output.progress().printf(Locale.ROOT, "%-22s %.2f s%n", "loaded in", seconds);
        json.put("source", data.synthetic() ? "synthetic (seed 42)" : data.dir().toString());
        json.put("loadSeconds", seconds);
        output.report(json);
        output.flush();
    }
}
