package org.lcrec.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lcrec.core.Item;
import org.lcrec.core.ItemCatalog;
import org.lcrec.model.encoder.ItemTexts;
import org.lcrec.model.encoder.TextEncoder;
import org.lcrec.model.encoder.TextEncoderConfig;
import org.lcrec.quantization.Embeddings;
import org.lcrec.quantization.GeneratedIndex;
import org.lcrec.quantization.IndexConfig;
import org.lcrec.quantization.IndexGenerator;
import org.lcrec.quantization.IndexStatistics;
import org.lcrec.quantization.RqKMeansConfig;
import org.lcrec.quantization.RqKMeansModel;
import org.lcrec.quantization.RqKMeansTrainer;
import org.lcrec.quantization.RqVaeConfig;
import org.lcrec.quantization.RqVaeModel;
import org.lcrec.quantization.RqVaeTrainer;

/**
 * Item indexing on Spark equals {@link IndexGenerator} on the same catalogue: from the item texts
 * (embedded per partition) and from given embeddings, with collisions, uniform mapping in several
 * Sinkhorn batches, and a prefix group larger than the codebook (an added level).
 */
class DistributedIndexerTest {
    @TempDir static Path tmp;

    /** The synthetic catalogue's first 240 items (the encoder's time is most of this test's). */
    static final ItemCatalog CATALOG =
            ItemCatalog.of(SparkTests.DATA.items().items().subList(0, 240));

    static final TextEncoderConfig ENCODER = TextEncoderConfig.defaults().withNumThreads(1);

    /** The single machine's embeddings, as lcrec index computes them. */
    static Embeddings single;

    @BeforeAll
    static void embedOnOneMachine() {
        try (TextEncoder te = TextEncoder.miniLm(ENCODER)) {
            float[][] rows = te.encodeItems(CATALOG, ItemTexts.lcRec(), TextEncoder.Progress.NONE);
            int dim = te.dimension();
            float[] flat = new float[rows.length * dim];
            for (int i = 0; i < rows.length; i++) {
                System.arraycopy(rows[i], 0, flat, i * dim, dim);
            }
            single = Embeddings.of(flat, rows.length, dim);
        }
    }

    static Dataset<Row> texts() {
        StructType schema =
                new StructType()
                        .add("item", DataTypes.IntegerType)
                        .add("title", DataTypes.StringType)
                        .add("description", DataTypes.StringType);
        List<Row> rows = new ArrayList<>();
        for (Item it : CATALOG.items()) {
            rows.add(RowFactory.create(it.id(), it.title(), it.description()));
        }
        java.util.Collections.reverse(rows); // not in id order: the indexer must not rely on it
        return SparkTests.spark().createDataFrame(SparkTests.jsc().parallelize(rows, 3), schema);
    }

    static Dataset<Row> embeddings(Embeddings x) {
        List<Row> rows = new ArrayList<>();
        int[] ids = CATALOG.ids();
        for (int i = 0; i < ids.length; i++) {
            float[] v = x.row(i);
            Float[] boxed = new Float[v.length];
            for (int k = 0; k < v.length; k++) {
                boxed[k] = v[k];
            }
            rows.add(RowFactory.create(ids[i], boxed));
        }
        return SparkTests.spark()
                .createDataFrame(
                        SparkTests.jsc().parallelize(rows, 4), DistributedIndexer.EMBEDDINGS);
    }

    static void assertSameStatistics(IndexSummary got, IndexStatistics expected) {
        assertThat(got)
                .isEqualTo(
                        new IndexSummary(
                                expected.items(),
                                expected.levels(),
                                expected.levelsAdded(),
                                expected.collisionsNearest(),
                                expected.collisionsAfterMapping(),
                                expected.itemsMoved()));
    }

    @Test
    void fromTheItemTextsTheIndexIsIndexGeneratorsWithAnAddedLevel() {
        // 3 levels of 4 codes for 240 items: collisions, and prefix groups larger than 4
        RqKMeansModel m =
                new RqKMeansTrainer(RqKMeansConfig.builder().levels(3).codes(4).seed(1).build())
                        .fit(single);
        Path file = tmp.resolve("rq-kmeans.bin");
        m.save(file);
        IndexConfig ic = new IndexConfig(true, IndexConfig.LCREC_EPSILON, 50, 64, 1);
        GeneratedIndex expected = new IndexGenerator(ic).generate(m, single, CATALOG.ids());
        assertThat(expected.statistics().levelsAdded()).isEqualTo(1);
        assertThat(expected.statistics().itemsMoved()).isPositive();

        DistributedIndexer ix =
                new DistributedIndexer(
                        ExecutorFile.shared(file),
                        QuantizerKind.RQ_KMEANS,
                        ic,
                        null,
                        ENCODER,
                        ItemTexts.lcRec());
        Dataset<Row> emb = ix.embed(texts()).cache();
        // embedded per partition: equal here to the single machine's, bit for bit
        for (Row r : emb.collectAsList()) {
            List<Float> v = r.getList(1);
            float[] e = single.row(CATALOG.position(r.getInt(0)));
            for (int k = 0; k < e.length; k++) {
                assertThat(v.get(k)).as("item %d dim %d", r.getInt(0), k).isEqualTo(e[k]);
            }
        }
        DistributedIndex got = ix.index(emb);
        assertThat(got.collect()).isEqualTo(expected.index());
        assertSameStatistics(got.summary(), expected.statistics());
        got.unpersist();
        emb.unpersist();
    }

    @Test
    void fromEmbeddingsAnRqVaeIndexIsIndexGeneratorsWithAndWithoutMapping() {
        RqVaeConfig c = RqVaeConfig.cpu().toBuilder().codes(8).epochs(3).seed(2).build();
        Path file = tmp.resolve("rq-vae.safetensors");
        try (RqVaeModel m = new RqVaeTrainer(c).fit(single)) {
            m.save(file);
            for (boolean mapping : new boolean[] {true, false}) {
                IndexConfig ic = new IndexConfig(mapping, IndexConfig.LCREC_EPSILON, 50, 200, 1);
                GeneratedIndex expected = new IndexGenerator(ic).generate(m, single, CATALOG.ids());
                DistributedIndex got =
                        new DistributedIndexer(ExecutorFile.shared(file), QuantizerKind.RQ_VAE, ic)
                                .index(embeddings(single));
                assertThat(got.collect()).as("mapping %s", mapping).isEqualTo(expected.index());
                assertSameStatistics(got.summary(), expected.statistics());
                got.unpersist();
            }
        }
    }

    @Test
    void anItemTwiceOrAnEmbeddingOfTheWrongSizeIsRefused() {
        RqKMeansModel m =
                new RqKMeansTrainer(RqKMeansConfig.builder().levels(2).codes(4).seed(1).build())
                        .fit(single);
        Path file = tmp.resolve("small.bin");
        m.save(file);
        DistributedIndexer ix =
                new DistributedIndexer(
                        ExecutorFile.shared(file), QuantizerKind.RQ_KMEANS, IndexConfig.lcRec());
        Dataset<Row> e = embeddings(single);
        assertThatThrownBy(() -> ix.index(e.union(e.limit(1))))
                .hasMessageContaining("index generation: item id 0 appears twice");
        Dataset<Row> wrong =
                SparkTests.spark()
                        .createDataFrame(
                                List.of(RowFactory.create(1, new Float[] {1f, 2f})),
                                DistributedIndexer.EMBEDDINGS);
        assertThatThrownBy(() -> ix.index(wrong))
                .hasStackTraceContaining("item 1: expected an embedding of dimension 384, found 2");
    }
}
