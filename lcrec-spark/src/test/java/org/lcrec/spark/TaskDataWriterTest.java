package org.lcrec.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lcrec.cli.Lcrec;
import org.lcrec.core.Split;
import org.lcrec.tasks.ExportFormat;
import org.lcrec.tasks.GenerationReport;
import org.lcrec.tasks.TaskConfig;
import org.lcrec.tasks.TaskType;
import org.lcrec.tasks.TemplateSet;

/**
 * Task data written by Spark equals what {@code lcrec tasks} writes for the same dataset and
 * options: the same lines (as a multiset, and even in order when the part files are read in name
 * order), the same counts, whatever the shard size.
 */
class TaskDataWriterTest {
    @TempDir static Path tmp;
    static Path data;

    static final List<TaskType> ALL = List.of(TaskType.values());

    @BeforeAll
    static void writeTheSyntheticDataset() {
        data = tmp.resolve("synthetic");
        SparkTests.DATA.write(data);
    }

    /** The options given to `lcrec tasks` below, as a configuration. */
    static TaskConfig config() {
        TaskConfig.Builder b = TaskConfig.builder().seed(7).maxHistory(10);
        for (TaskType t : TaskType.values()) {
            b.promptSampleNum(t, 2);
        }
        return b.sampleNum(TaskType.SEQREC, 1500).sampleNum(TaskType.ITEM2INDEX, 200).build();
    }

    static List<String> lcrecTasks(Split split, String tasks, Path out) throws IOException {
        StringWriter err = new StringWriter();
        int code =
                Lcrec.run(
                        new PrintWriter(new StringWriter()),
                        new PrintWriter(err),
                        "tasks",
                        "--data",
                        data.toString(),
                        "--tasks",
                        tasks,
                        "--split",
                        split.name().toLowerCase(java.util.Locale.ROOT),
                        "--format",
                        "lcrec",
                        "--seed",
                        "7",
                        "--max-his-len",
                        "10",
                        "--prompt-sample-num",
                        "2",
                        "--sample-num",
                        split == Split.TRAIN ? "1500,200,0,0,0,0" : "0",
                        "--out",
                        out.toString(),
                        "--report",
                        out + ".report.json");
        assertThat(code).as(err.toString()).isZero();
        return Files.readAllLines(out, StandardCharsets.UTF_8);
    }

    /** The lines of a Spark text output, part files in name order. */
    static List<String> partFiles(Path dir) throws IOException {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p :
                    s.filter(p -> p.getFileName().toString().startsWith("part-"))
                            .sorted()
                            .toList()) {
                lines.addAll(Files.readAllLines(p, StandardCharsets.UTF_8));
            }
        }
        return lines;
    }

    @Test
    void theSixTasksEqualLcrecTasksLineForLineAndCountForCount() throws IOException {
        List<String> expected =
                lcrecTasks(
                        Split.TRAIN,
                        "seqrec,item2index,index2item,fusionseqrec,itemsearch,preferenceobtain",
                        tmp.resolve("train.jsonl"));
        TaskDataWriter w =
                new TaskDataWriter(
                        ExecutorFile.shared(data),
                        TemplateSet.defaults(),
                        config(),
                        ExportFormat.LCREC,
                        700);
        Path out = tmp.resolve("spark-train");
        GenerationReport report = w.write(SparkTests.spark(), ALL, Split.TRAIN, out.toString());
        List<String> got = partFiles(out);
        assertThat(got).hasSize(expected.size());
        assertThat(got).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(got).isEqualTo(expected); // part files in name order: the very same file

        JsonNode cli = new ObjectMapper().readTree(tmp.resolve("train.jsonl.report.json").toFile());
        assertThat(report.samples()).isEqualTo(cli.get("samples").asLong());
        for (int i = 0; i < ALL.size(); i++) {
            JsonNode row = cli.get("tasks").get(i);
            GenerationReport.TaskCount c = report.tasks().get(i);
            assertThat(c.task().id()).isEqualTo(row.get("task").asText());
            assertThat(
                            new long[] {
                                c.samples(), c.examples(), c.skippedExamples(), c.skippedPairs()
                            })
                    .as(c.task().id())
                    .containsExactly(
                            row.get("samples").asLong(),
                            row.get("examples").asLong(),
                            row.get("skippedExamples").asLong(),
                            row.get("skippedPairs").asLong());
        }

        // another shard size, the same data
        List<String> again =
                w.withExamplesPerShard(5000)
                        .lines(SparkTests.spark(), ALL, Split.TRAIN)
                        .collectAsList();
        assertThat(again).isEqualTo(expected);
    }

    @Test
    void theTestSplitEqualsLcrecTasksToo() throws IOException {
        List<String> expected =
                lcrecTasks(Split.TEST, "seqrec,fusionseqrec,itemsearch", tmp.resolve("test.jsonl"));
        TaskDataWriter w =
                new TaskDataWriter(ExecutorFile.shared(data), config(), ExportFormat.LCREC)
                        .withExamplesPerShard(300);
        List<String> got =
                w.lines(
                                SparkTests.spark(),
                                List.of(
                                        TaskType.SEQREC,
                                        TaskType.FUSIONSEQREC,
                                        TaskType.ITEMSEARCH),
                                Split.TEST)
                        .collectAsList();
        assertThat(got).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void aTaskTheDatasetCannotProvideFailsOnTheDriver() {
        TaskDataWriter w =
                new TaskDataWriter(ExecutorFile.shared(data), config(), ExportFormat.LCREC);
        assertThatThrownBy(
                        () -> w.lines(SparkTests.spark(), List.of(TaskType.ITEM2INDEX), Split.TEST))
                .hasMessageContaining("task item2index has training data only");
    }
}
