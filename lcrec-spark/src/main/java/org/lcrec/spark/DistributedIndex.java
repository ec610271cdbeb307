package org.lcrec.spark;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.lcrec.core.SemanticId;
import org.lcrec.core.SemanticIndex;
import org.lcrec.spark.internal.Rows;

/**
 * A semantic index generated on Spark ({@link DistributedIndexer}): one row per item with its
 * conflict-free ID ({@link DistributedIndexer#IDS}), kept by Spark (memory, spilling to disk) until
 * {@link #unpersist()}, and the generation's counts.
 */
public final class DistributedIndex {
    private final Dataset<Row> ids;
    private final IndexSummary summary;

    DistributedIndex(Dataset<Row> ids, IndexSummary summary) {
        this.ids = ids;
        this.summary = summary;
    }

    /**
     * @return item ({@code int}) and sid ({@code array<int>}), one row per item
     */
    public Dataset<Row> ids() {
        return ids;
    }

    /**
     * @return the counts
     */
    public IndexSummary summary() {
        return summary;
    }

    /**
     * Brings the whole index to the driver (four ints and a map entry per item: fine for millions
     * of items), e.g. to write {@code index.json} with lcrec-core.
     *
     * @return the index
     */
    public SemanticIndex collect() {
        List<Row> rows = ids.collectAsList();
        Map<Integer, SemanticId> m = new HashMap<>(rows.size() * 2);
        for (Row r : rows) {
            Integer[] sid = Rows.integers(r, 1);
            int[] codes = new int[sid.length];
            for (int i = 0; i < codes.length; i++) {
                codes[i] = sid[i];
            }
            m.put(r.getInt(0), SemanticId.of(codes));
        }
        return SemanticIndex.of(m);
    }

    /** Lets Spark drop the kept rows. */
    public void unpersist() {
        ids.unpersist();
    }

    @Override
    public String toString() {
        return "DistributedIndex(" + Objects.toString(summary) + ")";
    }
}
