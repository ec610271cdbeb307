package org.lcrec.bench.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.lcrec.bench.BenchData;
import org.lcrec.core.Dataset;
import org.lcrec.core.Interactions;
import org.lcrec.core.io.LcRecFiles;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Loading Instruments (3.3 MB {@code inter.json}, 0.5 MB {@code index.json}). The reference is
 * reading the same bytes from the page cache: {@code interactions / readBytes} is the parsing cost
 * as a multiple of I/O.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DatasetLoadBenchmark {
    private Path dir;
    private Path inter;

    /** Finds the data. */
    @Setup
    public void setup() {
        dir = BenchData.shared("data/instruments");
        inter = dir.resolve("Instruments.inter.json");
    }

    /**
     * @return the parsed interactions
     */
    @Benchmark
    public Interactions interactions() {
        return LcRecFiles.readInteractions(inter);
    }

    /**
     * @return the whole dataset, validated (interactions + index + consistency checks)
     */
    @Benchmark
    public Dataset dataset() {
        return Dataset.load(dir);
    }

    /**
     * @return the raw bytes of inter.json (the I/O reference)
     * @throws IOException never in practice
     */
    @Benchmark
    public byte[] readBytes() throws IOException {
        return Files.readAllBytes(inter);
    }
}
