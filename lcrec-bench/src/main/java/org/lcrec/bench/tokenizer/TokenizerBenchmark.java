package org.lcrec.bench.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.lcrec.bench.BenchData;
import org.lcrec.core.Dataset;
import org.lcrec.core.Item;
import org.lcrec.core.TextCleaner;
import org.lcrec.model.encoder.TextEncoder;
import org.lcrec.tokenizers.Tokenizer;
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
 * Encode throughput on the Industrial corpus (every title and cleaned description, 7,372 texts) for
 * the three tokenizer families: this SDK's pure-Java {@link Tokenizer} against the Hugging Face
 * Rust implementation through DJL in the same run — one JNI call per text ({@code djl}, the
 * like-for-like reference) and DJL's batch call ({@code djlBatch}, Rust's own multi-threaded batch
 * encoding, chunks of 256). One operation = one pass over the corpus; the {@code tokens} counter is
 * tokens/s.
 *
 * <p>Run: {@code java -jar lcrec-bench/target/benchmarks.jar TokenizerBenchmark -f 1 -wi 2 -i 3}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class TokenizerBenchmark {
    @Param({"minilm", "qwen3", "llama2"})
    public String tokenizer;

    private List<String> corpus;
    private Tokenizer ours;
    private HuggingFaceTokenizer djl;
    private Path tmp;

    /** Tokens encoded, reported as a rate. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Tokens {
        /** Tokens produced in the iteration. */
        public long tokens;

        /** Clears the counter. */
        @Setup(Level.Iteration)
        public void clear() {
            tokens = 0;
        }
    }

    /**
     * Loads the corpus and both tokenizers.
     *
     * @throws IOException if the MiniLM tokenizer cannot be copied out of the jar
     */
    @Setup
    public void setup() throws IOException {
        corpus = corpus();
        Path file;
        if (tokenizer.equals("minilm")) {
            tmp = Files.createTempFile("minilm", "-tokenizer.json");
            try (InputStream in =
                    TextEncoder.class.getResourceAsStream(TextEncoder.MINILM_TOKENIZER_RESOURCE)) {
                Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            file = tmp;
        } else {
            file = BenchData.shared("tokenizers/" + tokenizer).resolve("tokenizer.json");
        }
        ours = Tokenizer.load(file);
        djl =
                HuggingFaceTokenizer.newInstance(
                        file, Map.of("padding", "false", "truncation", "false"));
        long a = 0;
        long b = 0;
        for (String t : corpus) {
            a += ours.encode(t).length;
            b += djl.encode(t).getIds().length;
        }
        if (a != b) {
            throw new IllegalStateException(
                    tokenizer + ": token counts differ, ours " + a + " vs DJL " + b);
        }
    }

    /** Every title and cleaned description of Industrial, in item order. */
    static List<String> corpus() {
        List<String> out = new ArrayList<>();
        for (Item it : Dataset.load(BenchData.shared("data/industrial")).items().items()) {
            out.add(TextCleaner.clean(it.title()));
            out.add(TextCleaner.clean(it.description()));
        }
        return out;
    }

    /** Releases DJL's native tokenizer. */
    @TearDown
    public void tearDown() throws IOException {
        djl.close();
        if (tmp != null) {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * @param counter the token counter
     * @return a checksum of the ids
     */
    @Benchmark
    public long ours(Tokens counter) {
        long sum = 0;
        for (String t : corpus) {
            int[] ids = ours.encode(t);
            counter.tokens += ids.length;
            sum += ids.length == 0 ? 0 : ids[ids.length - 1];
        }
        return sum;
    }

    /**
     * @param counter the token counter
     * @return a checksum of the ids
     */
    @Benchmark
    public long djl(Tokens counter) {
        long sum = 0;
        for (String t : corpus) {
            long[] ids = djl.encode(t).getIds();
            counter.tokens += ids.length;
            sum += ids.length == 0 ? 0 : ids[ids.length - 1];
        }
        return sum;
    }

    /**
     * @param counter the token counter
     * @return a checksum of the ids
     */
    @Benchmark
    public long djlBatch(Tokens counter) {
        long sum = 0;
        for (int from = 0; from < corpus.size(); from += 256) {
            Encoding[] enc =
                    djl.batchEncode(corpus.subList(from, Math.min(corpus.size(), from + 256)));
            for (Encoding e : enc) {
                long[] ids = e.getIds();
                counter.tokens += ids.length;
                sum += ids.length == 0 ? 0 : ids[ids.length - 1];
            }
        }
        return sum;
    }
}
