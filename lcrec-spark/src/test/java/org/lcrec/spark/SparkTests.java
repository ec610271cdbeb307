package org.lcrec.spark;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.lcrec.core.Dataset;
import org.lcrec.core.SemanticIndex;
import org.lcrec.inference.BundleManifest;
import org.lcrec.inference.ModelBundle;
import org.lcrec.inference.TextTemplate;
import org.lcrec.model.encoder.TextEncoder;
import org.lcrec.model.export.BundleWriter;
import org.lcrec.model.llm.LlamaModel;
import org.lcrec.model.llm.LlamaPreset;
import org.lcrec.tokenizers.Tokenizer;

/**
 * What the module's tests share: one local Spark session ({@code local[2,4]}: two task threads, a
 * task may fail three times before its job does) and one tiny model bundle over the synthetic
 * dataset's index (a random cpu-tiny decoder; decoding is deterministic, which is all these tests
 * need of it) with two prompt templates.
 */
final class SparkTests {
    /** The synthetic dataset (2,000 users, 600 items) that the fixtures are built on. */
    static final Dataset DATA = Dataset.synthetic();

    private static SparkSession spark;
    private static Path bundle;

    private SparkTests() {}

    static synchronized SparkSession spark() {
        if (spark == null) {
            spark =
                    SparkSession.builder()
                            .master("local[2,4]")
                            .appName("lcrec-spark tests")
                            .config("spark.ui.enabled", "false")
                            .config("spark.driver.host", "127.0.0.1")
                            .config("spark.driver.bindAddress", "127.0.0.1")
                            .config("spark.sql.shuffle.partitions", "4")
                            .getOrCreate();
        }
        return spark;
    }

    static JavaSparkContext jsc() {
        return JavaSparkContext.fromSparkContext(spark().sparkContext());
    }

    /** The bundle, written once per test JVM under target/. */
    static synchronized Path bundle() {
        if (bundle == null) {
            bundle = writeBundle(Path.of("target", "test-fixtures", "tiny-bundle"), 5);
        }
        return bundle;
    }

    /**
     * @param dir where
     * @param seed the random decoder's seed
     * @return the bundle directory (absolute)
     */
    static Path writeBundle(Path dir, long seed) {
        {
            SemanticIndex index = DATA.index();
            TextTemplate prompt =
                    new TextTemplate("seqrec-test", "the user bought", ", ", ". next:");
            TextTemplate second =
                    new TextTemplate("seqrec-other", "items so far", " then ", ". what next?");
            Tokenizer tokenizer =
                    TextEncoder.miniLmTokenizer()
                            .withIndexTokens(index)
                            .restrictedTo(
                                    List.of(
                                            prompt.prefix(),
                                            prompt.separator(),
                                            prompt.suffix(),
                                            second.prefix(),
                                            second.separator(),
                                            second.suffix()));
            LlamaModel model =
                    LlamaModel.random(
                            LlamaPreset.CPU_TINY.config(
                                    tokenizer.vocabSize(),
                                    tokenizer.tokenToId("[CLS]"),
                                    tokenizer.tokenToId("[SEP]"),
                                    tokenizer.padId()),
                            seed);
            return BundleWriter.write(
                            model,
                            tokenizer,
                            index,
                            List.of(prompt, second),
                            new BundleManifest(
                                    ModelBundle.FORMAT_VERSION,
                                    "test",
                                    "2026-12-07T00:00:00Z",
                                    DATA.name(),
                                    "sha256:00",
                                    new BundleManifest.Decoding(20, false, 20, false),
                                    Map.of("epochs", 0),
                                    Map.of()),
                            dir.toAbsolutePath())
                    .dir();
        }
    }
}
