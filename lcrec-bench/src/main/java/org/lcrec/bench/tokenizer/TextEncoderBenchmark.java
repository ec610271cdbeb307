package org.lcrec.bench.tokenizer;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.lcrec.bench.BenchData;
import org.lcrec.core.Dataset;
import org.lcrec.core.ItemCatalog;
import org.lcrec.model.encoder.ItemTexts;
import org.lcrec.model.encoder.TextEncoder;
import org.lcrec.model.encoder.TextEncoderConfig;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * Item embedding throughput of the bundled all-MiniLM-L6-v2 {@link TextEncoder} on Industrial items
 * (title and description, LC-Rec style, max length 256). One operation = 64 items (128 texts); the
 * {@code items} counter is items/s. The reference in the same run is the tokenizer alone on the
 * same texts ({@code tokenizeOnly}), which shows how little of the time is not the model.
 *
 * <p>Run: {@code java -jar lcrec-bench/target/benchmarks.jar TextEncoderBenchmark -f 1 -wi 1 -i 3}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 10)
@Measurement(iterations = 3, time = 10)
@Fork(1)
public class TextEncoderBenchmark {
    /** Items per operation. */
    private static final int ITEMS = 64;

    @Param({"32"})
    public int batchSize;

    private TextEncoder encoder;
    private ItemCatalog items;
    private List<String> texts;

    /** Items embedded, reported as a rate. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Items {
        /** Items embedded in the iteration. */
        public long items;

        /** Clears the counter. */
        @Setup(Level.Iteration)
        public void clear() {
            items = 0;
        }
    }

    /** Opens the encoder and picks the items. */
    @Setup
    public void setup() {
        ItemCatalog all = Dataset.load(BenchData.shared("data/industrial")).items();
        items = ItemCatalog.of(all.items().subList(0, ITEMS));
        texts =
                items.items().stream()
                        .flatMap(it -> ItemTexts.lcRec().fields(it).stream())
                        .toList();
        encoder = TextEncoder.miniLm(TextEncoderConfig.defaults().withBatchSize(batchSize));
    }

    /** Closes the encoder. */
    @TearDown
    public void tearDown() {
        encoder.close();
    }

    /**
     * @param counter the item counter
     * @return the embeddings
     */
    @Benchmark
    public float[][] encodeItems(Items counter) {
        float[][] e = encoder.encodeItems(items, ItemTexts.lcRec(), TextEncoder.Progress.NONE);
        counter.items += e.length;
        return e;
    }

    /**
     * @param counter the item counter
     * @return the token rows
     */
    @Benchmark
    public int[][] tokenizeOnly(Items counter) {
        int[][] rows = new int[texts.size()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = encoder.tokenizer().encode(texts.get(i));
        }
        counter.items += ITEMS;
        return rows;
    }
}
