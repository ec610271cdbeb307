package org.lcrec.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.CollectionAccumulator;
import org.lcrec.core.Split;
import org.lcrec.spark.internal.ExecutorCache;
import org.lcrec.tasks.ExportFormat;
import org.lcrec.tasks.GenerationReport;
import org.lcrec.tasks.JsonlExporter;
import org.lcrec.tasks.Sample;
import org.lcrec.tasks.TaskConfig;
import org.lcrec.tasks.TaskGenerator;
import org.lcrec.tasks.TaskType;
import org.lcrec.tasks.TemplateSet;

/**
 * Instruction data for LC-Rec's six tasks written by Spark as a partitioned dataset of JSON lines:
 * the lines {@code lcrec tasks} writes for the same dataset, templates and configuration, and in
 * the same order when the part files are read in name order.
 *
 * <p>Each task's examples (leave-one-out positions, indexed items, users) are cut into shards of
 * {@link #examplesPerShard()} consecutive examples, one Spark partition per shard, in task order. A
 * task generates its shard with {@link TaskGenerator#iterator(TaskType, Split, long, long)}: every
 * random choice hashes the seed and the example's position in its task, and subsampling replays the
 * whole pass's draws, so the output depends on the seed and configuration only, not on the shard
 * size, the number of executors or retried tasks. Every executor JVM loads the dataset once ({@link
 * ExecutorFile}).
 */
public final class TaskDataWriter {
    /** Shard size when none is given: about a minute of one core on seqrec. */
    public static final long DEFAULT_EXAMPLES_PER_SHARD = 1_000_000;

    private final ExecutorFile dataset;
    private final TemplateSet templates;
    private final TaskConfig config;
    private final ExportFormat format;
    private final long examplesPerShard;

    /**
     * @param dataset the dataset directory, as the executors find it (and the driver, which counts
     *     the examples)
     * @param templates the templates
     * @param config the sampling configuration
     * @param format the JSON-lines layout
     * @param examplesPerShard examples per Spark partition, {@code >= 1}
     */
    public TaskDataWriter(
            ExecutorFile dataset,
            TemplateSet templates,
            TaskConfig config,
            ExportFormat format,
            long examplesPerShard) {
        this.dataset = Objects.requireNonNull(dataset, "dataset");
        this.templates = Objects.requireNonNull(templates, "templates");
        this.config = Objects.requireNonNull(config, "config");
        this.format = Objects.requireNonNull(format, "format");
        if (examplesPerShard < 1) {
            throw new IllegalArgumentException(
                    "examplesPerShard must be >= 1, found " + examplesPerShard);
        }
        this.examplesPerShard = examplesPerShard;
    }

    /**
     * With the built-in templates and the default shard size.
     *
     * @param dataset the dataset directory
     * @param config the sampling configuration
     * @param format the layout
     */
    public TaskDataWriter(ExecutorFile dataset, TaskConfig config, ExportFormat format) {
        this(dataset, TemplateSet.defaults(), config, format, DEFAULT_EXAMPLES_PER_SHARD);
    }

    /**
     * @param n examples per Spark partition
     * @return a copy with that shard size
     */
    public TaskDataWriter withExamplesPerShard(long n) {
        return new TaskDataWriter(dataset, templates, config, format, n);
    }

    /**
     * @return examples per Spark partition
     */
    public long examplesPerShard() {
        return examplesPerShard;
    }

    /**
     * The lines (without line ends), lazily: one partition per shard, in task and example order.
     *
     * @param spark the session
     * @param tasks the tasks, in output order
     * @param split the split
     * @return the lines
     * @throws org.lcrec.tasks.TaskUnavailableException if the dataset cannot provide a task
     */
    public Dataset<String> lines(SparkSession spark, List<TaskType> tasks, Split split) {
        return spark.createDataset(generate(spark, tasks, split, null).rdd(), Encoders.STRING());
    }

    /**
     * Writes the lines as text part files under {@code path} (Spark's text writer: the job fails if
     * the path exists) and counts what was generated.
     *
     * @param spark the session
     * @param tasks the tasks, in output order
     * @param split the split
     * @param path the output directory (any file system Spark writes to)
     * @return the counts per task, as {@code lcrec tasks} reports them
     */
    public GenerationReport write(
            SparkSession spark, List<TaskType> tasks, Split split, String path) {
        Objects.requireNonNull(path, "path");
        CollectionAccumulator<long[]> counts =
                spark.sparkContext().collectionAccumulator("lcrec task counts");
        List<Shard> shards = new ArrayList<>();
        JavaRDD<String> lines = generate(spark, tasks, split, counts, shards);
        spark.createDataset(lines.rdd(), Encoders.STRING()).write().text(path);
        // one entry per shard that finished; a shard computed twice reports the same counts twice
        Map<Integer, long[]> byShard = new HashMap<>();
        for (long[] c : counts.value()) {
            byShard.put((int) c[0], c);
        }
        if (byShard.size() != shards.size()) {
            throw new IllegalStateException(
                    "expected counts of " + shards.size() + " shards, found " + byShard.size());
        }
        Map<TaskType, long[]> sums = new EnumMap<>(TaskType.class);
        for (long[] c : byShard.values()) {
            long[] s = sums.computeIfAbsent(TaskType.values()[(int) c[1]], t -> new long[4]);
            for (int i = 0; i < 4; i++) {
                s[i] += c[2 + i];
            }
        }
        List<GenerationReport.TaskCount> out = new ArrayList<>();
        for (TaskType t : tasks) {
            long[] s = sums.getOrDefault(t, new long[4]);
            out.add(new GenerationReport.TaskCount(t, s[0], s[1], s[2], s[3]));
        }
        return new GenerationReport(split, out);
    }

    private JavaRDD<String> generate(
            SparkSession spark,
            List<TaskType> tasks,
            Split split,
            CollectionAccumulator<long[]> counts) {
        return generate(spark, tasks, split, counts, new ArrayList<>());
    }

    private JavaRDD<String> generate(
            SparkSession spark,
            List<TaskType> tasks,
            Split split,
            CollectionAccumulator<long[]> counts,
            List<Shard> shards) {
        Objects.requireNonNull(spark, "spark");
        Objects.requireNonNull(tasks, "tasks");
        Objects.requireNonNull(split, "split");
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("expected at least one task");
        }
        TaskGenerator gen =
                new TaskGenerator(
                        org.lcrec.core.Dataset.load(dataset.driverPath()), templates, config);
        gen.iterator(tasks, split); // every availability and template check, before any work
        for (TaskType t : tasks) {
            long n = gen.exampleCount(t, split);
            for (long from = 0; from < n; from += examplesPerShard) {
                shards.add(new Shard(shards.size(), t, from, Math.min(n, from + examplesPerShard)));
            }
        }
        if (shards.isEmpty()) {
            throw new IllegalArgumentException(
                    "no " + split + " examples for " + tasks + ": nothing to write");
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return jsc.parallelize(shards, shards.size())
                .mapPartitions(
                        new Generate(
                                dataset,
                                templates.toJson(),
                                new Settings(config),
                                format,
                                split,
                                counts));
    }

    /** One range of one task's examples. */
    private record Shard(int index, TaskType task, long from, long to) implements Serializable {}

    /** {@link TaskConfig}'s values, serialisable. */
    private static final class Settings implements Serializable {
        private static final long serialVersionUID = 1L;
        private final long seed;
        private final int maxHistory;
        private final String separator;
        private final boolean numbered;
        private final EnumMap<TaskType, Integer> promptSampleNum = new EnumMap<>(TaskType.class);
        private final EnumMap<TaskType, Integer> sampleNum = new EnumMap<>(TaskType.class);
        private final EnumMap<TaskType, ArrayList<Integer>> evalTemplates =
                new EnumMap<>(TaskType.class);

        Settings(TaskConfig c) {
            seed = c.seed();
            maxHistory = c.maxHistory();
            separator = c.separator();
            numbered = c.numbered();
            promptSampleNum.putAll(c.promptSampleNum());
            sampleNum.putAll(c.sampleNum());
            c.evalTemplates().forEach((t, ids) -> evalTemplates.put(t, new ArrayList<>(ids)));
        }

        TaskConfig config() {
            return new TaskConfig(
                    seed,
                    maxHistory,
                    separator,
                    numbered,
                    promptSampleNum,
                    sampleNum,
                    new EnumMap<TaskType, List<Integer>>(evalTemplates));
        }
    }

    /** A partition's work: its shard's samples as JSON lines, then the shard's counts. */
    private static final class Generate implements FlatMapFunction<Iterator<Shard>, String> {
        private static final long serialVersionUID = 1L;
        private final ExecutorFile dataset;
        private final String templates;
        private final Settings settings;
        private final ExportFormat format;
        private final Split split;
        private final CollectionAccumulator<long[]> counts;

        Generate(
                ExecutorFile dataset,
                String templates,
                Settings settings,
                ExportFormat format,
                Split split,
                CollectionAccumulator<long[]> counts) {
            this.dataset = dataset;
            this.templates = templates;
            this.settings = settings;
            this.format = format;
            this.split = split;
            this.counts = counts;
        }

        @Override
        public Iterator<String> call(Iterator<Shard> shards) {
            if (!shards.hasNext()) {
                return java.util.Collections.emptyIterator();
            }
            Shard shard = shards.next();
            TaskConfig config = settings.config();
            java.nio.file.Path dir = dataset.local();
            TaskGenerator gen =
                    ExecutorCache.get(
                            "tasks "
                                    + ExecutorCache.stamp(dir)
                                    + " "
                                    + config
                                    + " "
                                    + templates.hashCode(),
                            TaskGenerator.class,
                            () ->
                                    new TaskGenerator(
                                            ExecutorCache.get(
                                                    "dataset " + ExecutorCache.stamp(dir),
                                                    org.lcrec.core.Dataset.class,
                                                    () -> org.lcrec.core.Dataset.load(dir)),
                                            TemplateSet.parse(templates, "the driver's templates"),
                                            config));
            TaskGenerator.SampleIterator it =
                    gen.iterator(shard.task(), split, shard.from(), shard.to());
            JsonlExporter exporter = new JsonlExporter(format);
            return new Iterator<>() {
                private boolean reported;

                @Override
                public boolean hasNext() {
                    if (it.hasNext()) {
                        return true;
                    }
                    if (!reported) {
                        reported = true;
                        if (counts != null) {
                            GenerationReport.TaskCount c = it.report().tasks().get(0);
                            counts.add(
                                    new long[] {
                                        shard.index(),
                                        shard.task().ordinal(),
                                        c.examples(),
                                        c.samples(),
                                        c.skippedExamples(),
                                        c.skippedPairs()
                                    });
                        }
                    }
                    return false;
                }

                @Override
                public String next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    Sample s = it.next();
                    String line = exporter.line(s);
                    return line.substring(0, line.length() - 1); // the text writer adds the \n
                }
            };
        }
    }
}
