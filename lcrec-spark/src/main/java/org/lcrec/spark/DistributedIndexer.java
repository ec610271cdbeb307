package org.lcrec.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.lcrec.core.Item;
import org.lcrec.core.ItemCatalog;
import org.lcrec.core.SemanticIndex;
import org.lcrec.model.encoder.ItemTexts;
import org.lcrec.model.encoder.TextEncoder;
import org.lcrec.model.encoder.TextEncoderConfig;
import org.lcrec.quantization.Codebook;
import org.lcrec.quantization.Embeddings;
import org.lcrec.quantization.Encoding;
import org.lcrec.quantization.GeneratedIndex;
import org.lcrec.quantization.IndexConfig;
import org.lcrec.quantization.IndexGenerator;
import org.lcrec.quantization.ItemQuantizer;
import org.lcrec.quantization.QuantizationException;
import org.lcrec.spark.internal.ExecutorCache;
import org.lcrec.spark.internal.Rows;
import scala.Tuple2;

/**
 * Semantic IDs for a catalogue on Spark, with a quantizer trained beforehand (encode only): the
 * item texts are embedded by the text encoder per partition ({@link #embed}), every item is encoded
 * by the quantizer per partition, and the IDs are made conflict-free as {@link IndexGenerator}
 * does, in its steps, each where its data is:
 *
 * <ol>
 *   <li>uniform semantic mapping of the last level ({@link IndexGenerator#uniformMapping}): the
 *       items, in ascending id order, fall into the generator's consecutive batches of {@link
 *       IndexConfig#mappingBatch()}, one Sinkhorn problem per batch, each solved by one task;
 *   <li>conflict resolution per group of items sharing the first {@code L-1} codes: one task per
 *       group runs the generator itself on the group, mapping off ({@link
 *       IndexGenerator#generate(Encoding, Codebook, int[])}), which is exactly the part of the
 *       whole pass that touches that group;
 *   <li>if any group outgrew the codebook, every ID gets the added level (0 where no item shares
 *       its ID), as in the whole pass.
 * </ol>
 *
 * From the same embeddings the index is therefore {@code IndexGenerator}'s on the same catalogue
 * (items in ascending id order, the same config and quantizer). Embedding per partition is where it
 * can differ: the encoder pads each batch to its longest text, and which texts share a batch
 * depends on the partitioning, which may move an embedding by float rounding (the encoder's
 * contract: within 1e-5); an item that close to a code boundary, or a Sinkhorn argmax that close to
 * a tie, could then get another code. With this build's ONNX Runtime the embeddings computed per
 * partition were the single machine's bit for bit on the tested catalogue (240 synthetic items,
 * three partitions), and so was the index.
 */
public final class DistributedIndexer {
    /** Column: the item id. */
    public static final String ITEM = "item";

    /** Column of {@link #embed}'s input: the title. */
    public static final String TITLE = "title";

    /** Column of {@link #embed}'s input: the description. */
    public static final String DESCRIPTION = "description";

    /** Optional column of {@link #embed}'s input: the brand. */
    public static final String BRAND = "brand";

    /** Optional column of {@link #embed}'s input: the categories. */
    public static final String CATEGORIES = "categories";

    /** Column: an item's embedding. */
    public static final String EMBEDDING = "embedding";

    /** Column of the index: the item's semantic ID, one code per level. */
    public static final String SID = "sid";

    /** Embeddings: {@link #ITEM} and {@link #EMBEDDING}. */
    public static final StructType EMBEDDINGS =
            new StructType()
                    .add(ITEM, DataTypes.IntegerType, false)
                    .add(EMBEDDING, DataTypes.createArrayType(DataTypes.FloatType, false), false);

    /** The index: {@link #ITEM} and {@link #SID}. */
    public static final StructType IDS =
            new StructType()
                    .add(ITEM, DataTypes.IntegerType, false)
                    .add(SID, DataTypes.createArrayType(DataTypes.IntegerType, false), false);

    private static final StructType ENCODED =
            new StructType()
                    .add(ITEM, DataTypes.IntegerType, false)
                    .add("codes", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
                    .add("residual", DataTypes.createArrayType(DataTypes.FloatType, false), false);

    /**
     * Items a task embeds or encodes at once (bounds its memory; any value gives the same codes).
     */
    static final int CHUNK = 4096;

    private final ExecutorFile quantizer;
    private final QuantizerKind kind;
    private final Settings settings;

    /**
     * With the bundled MiniLM encoder ({@link TextEncoderConfig#defaults()}) and LC-Rec's item
     * texts (title and description).
     *
     * @param quantizer the trained quantizer's model file, as the executors find it
     * @param kind what the file holds
     * @param config the index generation settings ({@code numThreads}: threads per task for
     *     encoding and Sinkhorn)
     */
    public DistributedIndexer(ExecutorFile quantizer, QuantizerKind kind, IndexConfig config) {
        this(quantizer, kind, config, null, TextEncoderConfig.defaults(), ItemTexts.lcRec());
    }

    /**
     * @param quantizer the trained quantizer's model file, as the executors find it
     * @param kind what the file holds
     * @param config the index generation settings
     * @param encoder a BERT-style encoder directory ({@link TextEncoder#open}), or null for the
     *     bundled MiniLM
     * @param encoderConfig how the encoder runs on each executor
     * @param texts which item fields are embedded
     */
    public DistributedIndexer(
            ExecutorFile quantizer,
            QuantizerKind kind,
            IndexConfig config,
            ExecutorFile encoder,
            TextEncoderConfig encoderConfig,
            ItemTexts texts) {
        this.quantizer = Objects.requireNonNull(quantizer, "quantizer");
        this.kind = Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(encoderConfig, "encoderConfig");
        Objects.requireNonNull(texts, "texts");
        this.settings = new Settings(config, encoder, encoderConfig, texts);
    }

    /**
     * Embeds every item's texts, the items of a partition {@value #CHUNK} at a time, as {@link
     * TextEncoder#encodeItems} does for a catalogue (each field embedded, the mean, normalised as
     * the encoder's config says).
     *
     * @param items {@link #ITEM}, {@link #TITLE} and {@link #DESCRIPTION} columns, and {@link
     *     #BRAND} / {@link #CATEGORIES} when the item texts include them; a null text counts as
     *     empty
     * @return {@link #EMBEDDINGS}
     */
    public Dataset<Row> embed(Dataset<Row> items) {
        Objects.requireNonNull(items, "items");
        List<String> have = Arrays.asList(items.columns());
        BatchRecommender.requireColumns(items, ITEM, TITLE, DESCRIPTION);
        ItemTexts t = settings.texts();
        if (t.includeBrand()) {
            BatchRecommender.requireColumns(items, BRAND);
        }
        if (t.includeCategories()) {
            BatchRecommender.requireColumns(items, CATEGORIES);
        }
        return items.select(
                        col(ITEM).cast(DataTypes.IntegerType),
                        col(TITLE).cast(DataTypes.StringType),
                        col(DESCRIPTION).cast(DataTypes.StringType),
                        have.contains(BRAND)
                                ? col(BRAND).cast(DataTypes.StringType)
                                : org.apache
                                        .spark
                                        .sql
                                        .functions
                                        .lit(null)
                                        .cast(DataTypes.StringType),
                        have.contains(CATEGORIES)
                                ? col(CATEGORIES).cast(DataTypes.StringType)
                                : org.apache
                                        .spark
                                        .sql
                                        .functions
                                        .lit(null)
                                        .cast(DataTypes.StringType))
                .mapPartitions(new Embed(settings), Encoders.row(EMBEDDINGS));
    }

    /**
     * Embeds and indexes a catalogue: {@code index(embed(items))}.
     *
     * @param items as for {@link #embed}
     * @return the index
     */
    public DistributedIndex indexTexts(Dataset<Row> items) {
        return index(embed(items));
    }

    /**
     * Indexes items from their embeddings.
     *
     * @param embeddings {@link #ITEM} and {@link #EMBEDDING} columns, one row per item
     * @return the index, its rows kept by Spark
     * @throws QuantizationException if an item id appears twice, or an embedding's dimension is not
     *     the quantizer's
     */
    public DistributedIndex index(Dataset<Row> embeddings) {
        Objects.requireNonNull(embeddings, "embeddings");
        BatchRecommender.requireColumns(embeddings, ITEM, EMBEDDING);
        SparkSession spark = embeddings.sparkSession();
        ItemQuantizer q = quantizer(quantizer.driverPath(), kind);
        int levels = q.levels();
        IndexConfig config = settings.config();

        Dataset<Row> encoded =
                embeddings
                        .select(
                                col(ITEM).cast(DataTypes.IntegerType),
                                col(EMBEDDING).cast(DataTypes.createArrayType(DataTypes.FloatType)))
                        .mapPartitions(
                                new Encode(quantizer, kind, config.numThreads()),
                                Encoders.row(ENCODED))
                        .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            List<Row> twice =
                    encoded.groupBy(ITEM)
                            .count()
                            .filter(col("count").gt(1))
                            .limit(1)
                            .collectAsList();
            if (!twice.isEmpty()) {
                throw new QuantizationException(
                        "index generation: item id " + twice.get(0).getInt(0) + " appears twice");
            }
            long nearest = surplus(encoded.select(col("codes")));

            // items in ascending id order, numbered: the order of the single-machine pass
            JavaRDD<Coded> coded =
                    encoded.orderBy(ITEM)
                            .toJavaRDD()
                            .zipWithIndex()
                            .map(
                                    t ->
                                            new Coded(
                                                    t._2(),
                                                    t._1().getInt(0),
                                                    ints(t._1(), 1),
                                                    floats(t._1(), 2)));
            if (config.uniformMapping()) {
                long batch = config.mappingBatch();
                coded =
                        coded.keyBy(c -> c.ordinal() / batch)
                                .groupByKey()
                                .flatMap(new MapBatch(quantizer, kind, settings));
            }
            JavaRDD<Resolved> resolved =
                    coded.keyBy(c -> prefix(c.codes(), levels - 1))
                            .groupByKey()
                            .flatMap(new Resolve(quantizer, kind, settings))
                            .persist(StorageLevel.MEMORY_AND_DISK());
            try {
                Tuple2<Integer, long[]> totals =
                        resolved.map(
                                        r ->
                                                new Tuple2<>(
                                                        r.sid().length,
                                                        new long[] {
                                                            1, r.afterMapping(), r.moved()
                                                        }))
                                .reduce(
                                        (a, b) ->
                                                new Tuple2<>(
                                                        Math.max(a._1(), b._1()),
                                                        new long[] {
                                                            a._2()[0] + b._2()[0],
                                                            a._2()[1] + b._2()[1],
                                                            a._2()[2] + b._2()[2]
                                                        }));
                int outLevels = totals._1();
                JavaRDD<Row> rows =
                        resolved.map(
                                r ->
                                        RowFactory.create(
                                                r.item(),
                                                Rows.array(Arrays.copyOf(r.sid(), outLevels))));
                Dataset<Row> ids =
                        spark.createDataFrame(rows, IDS).persist(StorageLevel.MEMORY_AND_DISK());
                ids.count(); // kept before what it was computed from is let go
                IndexSummary summary =
                        new IndexSummary(
                                totals._2()[0],
                                outLevels,
                                outLevels - levels,
                                nearest,
                                config.uniformMapping() ? totals._2()[1] : nearest,
                                totals._2()[2]);
                return new DistributedIndex(ids, summary);
            } finally {
                resolved.unpersist();
            }
        } finally {
            encoded.unpersist();
        }
    }

    /** Items beyond the first of every group sharing an ID. */
    private static long surplus(Dataset<Row> codes) {
        Row r = codes.groupBy(col("codes")).count().agg(sum(col("count").minus(1))).first();
        return r.isNullAt(0) ? 0 : r.getLong(0);
    }

    private static String prefix(int[] codes, int n) {
        StringBuilder sb = new StringBuilder(4 * n);
        for (int i = 0; i < n; i++) {
            sb.append(codes[i]).append(',');
        }
        return sb.toString();
    }

    private static int[] ints(Row r, int i) {
        Integer[] v = Rows.integers(r, i);
        int[] out = new int[v.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = v[k];
        }
        return out;
    }

    private static float[] floats(Row r, int i) {
        if (r.isNullAt(i)) {
            return null;
        }
        Object v = r.get(i);
        if (v instanceof float[] a) {
            return a;
        }
        List<Object> list = r.getList(i);
        float[] out = new float[list.size()];
        for (int k = 0; k < out.length; k++) {
            Object x = list.get(k);
            if (x == null) {
                return null;
            }
            out[k] = ((Number) x).floatValue();
        }
        return out;
    }

    /** The quantizer of this JVM for a file (opened once). */
    static ItemQuantizer quantizer(Path file, QuantizerKind kind) {
        return ExecutorCache.get(
                "quantizer " + ExecutorCache.stamp(file) + " " + kind,
                ItemQuantizer.class,
                () -> kind.load(file));
    }

    /** What the tasks need of the settings, serialisable. */
    private static final class Settings implements Serializable {
        private static final long serialVersionUID = 1L;
        private final boolean uniformMapping;
        private final double epsilon;
        private final int sinkhornIterations;
        private final int mappingBatch;
        private final int numThreads;
        private final ExecutorFile encoder;
        private final int maxLength;
        private final int encoderBatch;
        private final boolean normalize;
        private final int encoderThreads;
        private final boolean brand;
        private final boolean categories;

        Settings(IndexConfig c, ExecutorFile encoder, TextEncoderConfig e, ItemTexts t) {
            uniformMapping = c.uniformMapping();
            epsilon = c.epsilon();
            sinkhornIterations = c.sinkhornIterations();
            mappingBatch = c.mappingBatch();
            numThreads = c.numThreads();
            this.encoder = encoder;
            maxLength = e.maxLength();
            encoderBatch = e.batchSize();
            normalize = e.normalize();
            encoderThreads = e.numThreads();
            brand = t.includeBrand();
            categories = t.includeCategories();
        }

        IndexConfig config() {
            return new IndexConfig(
                    uniformMapping, epsilon, sinkhornIterations, mappingBatch, numThreads);
        }

        TextEncoderConfig encoderConfig() {
            return new TextEncoderConfig(maxLength, encoderBatch, normalize, encoderThreads);
        }

        ItemTexts texts() {
            return new ItemTexts(brand, categories);
        }

        TextEncoder open() {
            TextEncoderConfig c = encoderConfig();
            if (encoder == null) {
                return ExecutorCache.get(
                        "encoder minilm " + c, TextEncoder.class, () -> TextEncoder.miniLm(c));
            }
            Path dir = encoder.local();
            return ExecutorCache.get(
                    "encoder " + ExecutorCache.stamp(dir) + " " + c,
                    TextEncoder.class,
                    () -> TextEncoder.open(dir, c));
        }
    }

    /** An encoded item, numbered by its position in ascending id order. */
    private record Coded(long ordinal, int item, int[] codes, float[] residual)
            implements Serializable {}

    /** A resolved item; its group's counts ride on the group's first item. */
    private record Resolved(int item, int[] sid, long afterMapping, long moved)
            implements Serializable {}

    /** Embeds a partition's items, a chunk at a time. */
    private static final class Embed implements MapPartitionsFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final Settings settings;

        Embed(Settings settings) {
            this.settings = settings;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> input) {
            return new Chunked<>(input) {
                @Override
                List<Row> process(List<Row> chunk) {
                    List<Item> items = new ArrayList<>(chunk.size());
                    for (Row r : chunk) {
                        if (r.isNullAt(0)) {
                            throw new IllegalArgumentException("an item without an id");
                        }
                        items.add(
                                new Item(
                                        r.getInt(0),
                                        text(r, 1),
                                        text(r, 2),
                                        text(r, 3),
                                        text(r, 4)));
                    }
                    ItemCatalog catalog = ItemCatalog.of(items);
                    float[][] emb =
                            settings.open()
                                    .encodeItems(
                                            catalog, settings.texts(), TextEncoder.Progress.NONE);
                    List<Row> out = new ArrayList<>(emb.length);
                    List<Item> sorted = catalog.items();
                    for (int i = 0; i < emb.length; i++) {
                        out.add(RowFactory.create(sorted.get(i).id(), Rows.array(emb[i])));
                    }
                    return out;
                }
            };
        }

        private static String text(Row r, int i) {
            return r.isNullAt(i) ? "" : r.getString(i);
        }
    }

    /** Encodes a partition's embeddings with the quantizer, a chunk at a time. */
    private static final class Encode implements MapPartitionsFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final ExecutorFile file;
        private final QuantizerKind kind;
        private final int threads;

        Encode(ExecutorFile file, QuantizerKind kind, int threads) {
            this.file = file;
            this.kind = kind;
            this.threads = threads;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> input) {
            return new Chunked<>(input) {
                @Override
                List<Row> process(List<Row> chunk) {
                    ItemQuantizer q = quantizer(file.local(), kind);
                    int dim = q.inputDim();
                    float[] flat = new float[chunk.size() * dim];
                    for (int i = 0; i < chunk.size(); i++) {
                        Row r = chunk.get(i);
                        float[] e = floats(r, 1);
                        if (e == null || e.length != dim) {
                            throw new QuantizationException(
                                    "item "
                                            + (r.isNullAt(0) ? null : r.getInt(0))
                                            + ": expected an embedding of dimension "
                                            + dim
                                            + ", found "
                                            + (e == null ? "none (or a null entry)" : e.length));
                        }
                        System.arraycopy(e, 0, flat, i * dim, dim);
                    }
                    Encoding enc = q.encode(Embeddings.of(flat, chunk.size(), dim), threads);
                    int levels = enc.levels();
                    int d = enc.latentDim();
                    int[] codes = enc.codes();
                    float[] res = enc.lastResiduals();
                    List<Row> out = new ArrayList<>(chunk.size());
                    for (int i = 0; i < chunk.size(); i++) {
                        out.add(
                                RowFactory.create(
                                        chunk.get(i).getInt(0),
                                        Rows.array(
                                                Arrays.copyOfRange(
                                                        codes, i * levels, (i + 1) * levels)),
                                        Rows.array(Arrays.copyOfRange(res, i * d, (i + 1) * d))));
                    }
                    return out;
                }
            };
        }
    }

    /** Uniform semantic mapping of one of the generator's batches. */
    private static final class MapBatch
            implements FlatMapFunction<Tuple2<Long, Iterable<Coded>>, Coded> {
        private static final long serialVersionUID = 1L;
        private final ExecutorFile file;
        private final QuantizerKind kind;
        private final Settings settings;

        MapBatch(ExecutorFile file, QuantizerKind kind, Settings settings) {
            this.file = file;
            this.kind = kind;
            this.settings = settings;
        }

        @Override
        public Iterator<Coded> call(Tuple2<Long, Iterable<Coded>> batch) {
            List<Coded> items = sorted(batch._2());
            ItemQuantizer q = quantizer(file.local(), kind);
            Codebook last = q.codebook(q.levels() - 1);
            int[] mapped =
                    new IndexGenerator(settings.config())
                            .uniformMapping(encoding(items, q.levels()), last);
            List<Coded> out = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                Coded c = items.get(i);
                int[] codes = c.codes().clone();
                codes[codes.length - 1] = mapped[i];
                out.add(new Coded(c.ordinal(), c.item(), codes, c.residual()));
            }
            return out.iterator();
        }
    }

    /** Conflict resolution of one prefix group: the generator on the group, mapping off. */
    private static final class Resolve
            implements FlatMapFunction<Tuple2<String, Iterable<Coded>>, Resolved> {
        private static final long serialVersionUID = 1L;
        private final ExecutorFile file;
        private final QuantizerKind kind;
        private final Settings settings;

        Resolve(ExecutorFile file, QuantizerKind kind, Settings settings) {
            this.file = file;
            this.kind = kind;
            this.settings = settings;
        }

        @Override
        public Iterator<Resolved> call(Tuple2<String, Iterable<Coded>> group) {
            List<Coded> items = sorted(group._2());
            ItemQuantizer q = quantizer(file.local(), kind);
            int[] ids = new int[items.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = items.get(i).item();
            }
            GeneratedIndex g =
                    new IndexGenerator(settings.config().withUniformMapping(false))
                            .generate(encoding(items, q.levels()), q.codebook(q.levels() - 1), ids);
            SemanticIndex index = g.index();
            List<Resolved> out = new ArrayList<>(ids.length);
            for (int i = 0; i < ids.length; i++) {
                out.add(
                        new Resolved(
                                ids[i],
                                index.get(ids[i]).codes(),
                                i == 0 ? g.statistics().collisionsNearest() : 0,
                                i == 0 ? g.statistics().itemsMoved() : 0));
            }
            return out.iterator();
        }
    }

    private static List<Coded> sorted(Iterable<Coded> group) {
        List<Coded> items = new ArrayList<>();
        group.forEach(items::add);
        items.sort(Comparator.comparingLong(Coded::ordinal));
        return items;
    }

    /** The encoding of some items (their codes and last residuals; the quality figures unused). */
    private static Encoding encoding(List<Coded> items, int levels) {
        int n = items.size();
        int d = items.get(0).residual().length;
        int[] codes = new int[n * levels];
        float[] res = new float[n * d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(items.get(i).codes(), 0, codes, i * levels, levels);
            System.arraycopy(items.get(i).residual(), 0, res, i * d, d);
        }
        return new Encoding(n, levels, codes, res, d, new double[levels + 1], 0);
    }

    /**
     * Hands out a partition's results, processing its input a chunk of {@link #CHUNK} rows at a
     * time.
     */
    private abstract static class Chunked<T> implements Iterator<T> {
        private final Iterator<Row> input;
        private List<T> ready = Collections.emptyList();
        private int next;

        Chunked(Iterator<Row> input) {
            this.input = input;
        }

        abstract List<T> process(List<Row> chunk);

        @Override
        public boolean hasNext() {
            while (next == ready.size() && input.hasNext()) {
                List<Row> chunk = new ArrayList<>(CHUNK);
                while (chunk.size() < CHUNK && input.hasNext()) {
                    chunk.add(input.next());
                }
                ready = process(chunk);
                next = 0;
            }
            return next < ready.size();
        }

        @Override
        public T next() {
            if (!hasNext()) {
                throw new java.util.NoSuchElementException();
            }
            return ready.get(next++);
        }
    }
}
