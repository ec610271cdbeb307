package org.lcrec.bench.tasks;

import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.lcrec.bench.BenchData;
import org.lcrec.core.Dataset;
import org.lcrec.core.Split;
import org.lcrec.tasks.ExportFormat;
import org.lcrec.tasks.JsonlExporter;
import org.lcrec.tasks.Sample;
import org.lcrec.tasks.TaskGenerator;
import org.lcrec.tasks.TaskType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Generating the full Instruments {@code seqrec} training set (131,837 samples, LC-Rec defaults)
 * and writing it as JSONL, against the physical reference: writing the very same lines (built once
 * in setup) with a plain {@code BufferedWriter} over the same sink. The ratio {@code
 * generateAndWrite / bufferedWriterSameBytes} is the cost of generation on top of I/O; the issue
 * asks for at most 2.
 *
 * <p>{@code sink=file} writes to a temporary file (page cache), {@code sink=null} to a discarding
 * stream (CPU only: template filling, escaping and UTF-8 encoding).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TasksExportBenchmark {
    /** Where the bytes go. */
    @Param({"file", "null"})
    public String sink;

    /** The JSONL shape. */
    @Param({"lcrec"})
    public String format;

    private Dataset data;
    private ExportFormat exportFormat;
    private String[] lines;
    private long bytes;
    private Path file;

    /**
     * Loads Instruments and builds the reference lines once.
     *
     * @throws IOException if the temporary file cannot be created
     */
    @Setup(Level.Trial)
    public void setup() throws IOException {
        data = Dataset.load(BenchData.shared("data/instruments"));
        exportFormat = ExportFormat.parse(format);
        JsonlExporter exporter = new JsonlExporter(exportFormat);
        List<String> l = new ArrayList<>(140_000);
        Iterator<Sample> it =
                TaskGenerator.of(data).iterator(List.of(TaskType.SEQREC), Split.TRAIN);
        long b = 0;
        while (it.hasNext()) {
            String line = exporter.line(it.next());
            l.add(line);
            b += line.getBytes(StandardCharsets.UTF_8).length;
        }
        lines = l.toArray(new String[0]);
        bytes = b;
        file = Files.createTempFile("lcrec-tasks-bench", ".jsonl");
        System.out.printf(
                "%nInstruments seqrec train: %,d samples, %,d bytes of %s JSONL%n",
                lines.length, bytes, format);
    }

    /**
     * Removes the temporary file.
     *
     * @throws IOException on failure
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        Files.deleteIfExists(file);
    }

    private OutputStream open() throws IOException {
        return "null".equals(sink) ? OutputStream.nullOutputStream() : Files.newOutputStream(file);
    }

    /**
     * @return lines written
     * @throws IOException on write failure
     */
    @Benchmark
    public long generateAndWrite() throws IOException {
        try (OutputStream out = new BufferedOutputStream(open(), 1 << 16)) {
            Iterator<Sample> it =
                    TaskGenerator.of(data).iterator(List.of(TaskType.SEQREC), Split.TRAIN);
            return new JsonlExporter(exportFormat).write(it, out);
        }
    }

    /**
     * @return lines written
     * @throws IOException on write failure
     */
    @Benchmark
    public long bufferedWriterSameBytes() throws IOException {
        try (BufferedWriter w =
                new BufferedWriter(
                        new OutputStreamWriter(open(), StandardCharsets.UTF_8), 1 << 16)) {
            for (String line : lines) {
                w.write(line);
            }
            return lines.length;
        }
    }
}
