package org.lcrec.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lcrec.core.Split;
import org.lcrec.core.UnknownItemPolicy;
import org.lcrec.tasks.ExportFormat;
import org.lcrec.tasks.TaskType;

/**
 * A task that fails once, part-way through its partition, is run again by Spark (the session allows
 * four attempts) and the output is the output of a run without the failure.
 */
class FaultToleranceTest {
    /** Failures thrown so far (local mode: the tasks run in this JVM). */
    static final AtomicInteger FAILURES = new AtomicInteger();

    /** Rows the failing partition's first attempt passed before failing. */
    static final AtomicInteger SEEN = new AtomicInteger();

    /** Fails the first attempt of partition 1 at its {@code after}-th row. */
    static <T> T failOnce(T value, int after) {
        TaskContext tc = TaskContext.get();
        if (tc.partitionId() == 1 && tc.attemptNumber() == 0 && SEEN.incrementAndGet() == after) {
            FAILURES.incrementAndGet();
            throw new IllegalStateException("deliberate failure of the first attempt");
        }
        return value;
    }

    @Test
    void aBatchRecommendationTaskThatFailsOnceGivesTheSameOutput() {
        List<Row> users = BatchRecommenderTest.testUsers(64);
        BatchRecommender r =
                new BatchRecommender(
                        ExecutorFile.shared(SparkTests.bundle()),
                        BatchRecommendConfig.builder()
                                .k(5)
                                .batchSize(8)
                                .unknownItems(UnknownItemPolicy.SKIP)
                                .build());
        List<Row> clean = r.recommend(BatchRecommenderTest.frame(users, 4)).collectAsList();

        FAILURES.set(0);
        SEEN.set(0);
        Dataset<Row> failing =
                r.recommend(BatchRecommenderTest.frame(users, 4))
                        .map(
                                (MapFunction<Row, Row>) row -> failOnce(row, 10),
                                Encoders.row(BatchRecommender.SCHEMA));
        List<Row> retried = failing.collectAsList();
        assertThat(FAILURES.get()).as("failures thrown").isEqualTo(1);
        assertThat(retried).isEqualTo(clean);
    }

    @Test
    void aTaskDataShardThatFailsOnceGivesTheSameFiles(@TempDir Path tmp) throws IOException {
        Path data = tmp.resolve("synthetic");
        SparkTests.DATA.write(data);
        TaskDataWriter w =
                new TaskDataWriter(
                                ExecutorFile.shared(data),
                                TaskDataWriterTest.config(),
                                ExportFormat.LCREC)
                        .withExamplesPerShard(2000);
        List<TaskType> tasks = List.of(TaskType.SEQREC, TaskType.ITEM2INDEX);
        w.write(SparkTests.spark(), tasks, Split.TRAIN, tmp.resolve("clean").toString());

        FAILURES.set(0);
        SEEN.set(0);
        w.lines(SparkTests.spark(), tasks, Split.TRAIN)
                .map((MapFunction<String, String>) line -> failOnce(line, 300), Encoders.STRING())
                .write()
                .text(tmp.resolve("retried").toString());
        assertThat(FAILURES.get()).as("failures thrown").isEqualTo(1);
        assertThat(TaskDataWriterTest.partFiles(tmp.resolve("retried")))
                .isEqualTo(TaskDataWriterTest.partFiles(tmp.resolve("clean")));
    }
}
