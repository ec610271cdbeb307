package org.lcrec.bench.inference;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.lcrec.core.SemanticIndex;
import org.lcrec.inference.DecoderOptions;
import org.lcrec.inference.IndexVocabulary;
import org.lcrec.inference.Recommendation;
import org.lcrec.inference.Recommender;
import org.lcrec.inference.RecommenderConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Users per second for whole recommendations (prefill + 3 index levels + EOS, 20 beams, top 10) on
 * the tiny decoder, one user per call and 32 users per batched call. Scores are operations per
 * second where one operation is one user.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RecommendThroughputBenchmark {
    @Param({InferenceBenchData.DEFAULT_MODEL})
    String modelDir;

    private Recommender recommender;
    private List<int[]> histories;
    private int next;

    /** Opens the recommender over a 1000-item, 3-level index and draws 10-item histories. */
    @Setup
    public void open() {
        Path model = InferenceBenchData.model(modelDir);
        SemanticIndex index = InferenceBenchData.index(1000, 3, 16, 16, 3);
        recommender =
                Recommender.open(
                        model,
                        index,
                        IndexVocabulary.readTokenMap(model.getParent().resolve("token-map.json")),
                        RecommenderConfig.defaults(),
                        DecoderOptions.cpu());
        SplittableRandom r = new SplittableRandom(5);
        int[] ids = index.itemIds();
        histories = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            int[] h = new int[10];
            for (int j = 0; j < h.length; j++) {
                h[j] = ids[r.nextInt(ids.length)];
            }
            histories.add(h);
        }
    }

    /**
     * @return one user's recommendation
     */
    @Benchmark
    public Recommendation batch1() {
        next = (next + 1) % histories.size();
        return recommender.recommend(histories.get(next), 10);
    }

    /**
     * @return 32 users' recommendations from one batched call
     */
    @Benchmark
    @OperationsPerInvocation(32)
    public List<Recommendation> batch32() {
        next = (next + 32) % (histories.size() - 32);
        return recommender.recommendAll(histories.subList(next, next + 32), 10, 0);
    }

    /** Closes the recommender. */
    @TearDown
    public void close() {
        recommender.close();
    }
}
