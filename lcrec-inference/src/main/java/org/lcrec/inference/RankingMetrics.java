package org.lcrec.inference;

/**
 * HR@K and NDCG@K with one relevant item per sample, from its 1-based rank (0 = not retrieved).
 *
 * <p>HR@K = 1 if rank ≤ K; NDCG@K = 1 / log2(rank + 1) if rank ≤ K (the ideal DCG is 1), as in
 * LC-Rec's evaluate.py ({@code Σ_{i<K} rel_i / log2(i + 2)} with 0-based i).
 */
public final class RankingMetrics {
    /** The cut-offs LC-Rec and MiniOneRec report. */
    public static final int[] DEFAULT_KS = {1, 3, 5, 10, 20};

    private RankingMetrics() {}

    /**
     * @param rank 1-based rank, 0 if missing
     * @param k the cut-off
     * @return 1 or 0
     */
    public static double hit(int rank, int k) {
        return rank >= 1 && rank <= k ? 1 : 0;
    }

    /**
     * @param rank 1-based rank, 0 if missing
     * @param k the cut-off
     * @return the NDCG contribution
     */
    public static double ndcg(int rank, int k) {
        return rank >= 1 && rank <= k ? 1 / (Math.log(rank + 1) / Math.log(2)) : 0;
    }

    /**
     * @param ks cut-offs
     * @return metric names in report order: {@code hr@k...} then {@code ndcg@k...}
     */
    public static String[] names(int[] ks) {
        String[] out = new String[2 * ks.length];
        for (int i = 0; i < ks.length; i++) {
            out[i] = "hr@" + ks[i];
            out[ks.length + i] = "ndcg@" + ks[i];
        }
        return out;
    }

    /**
     * @param metric {@code hr@K} or {@code ndcg@K}
     * @param rank 1-based rank, 0 if missing
     * @return the metric's value for that rank
     * @throws IllegalArgumentException for another name
     */
    public static double value(String metric, int rank) {
        int at = metric.indexOf('@');
        if (at < 0) {
            throw new IllegalArgumentException(
                    "expected a metric like hr@10 or ndcg@10, found \"" + metric + "\"");
        }
        int k;
        try {
            k = Integer.parseInt(metric.substring(at + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "expected a metric like hr@10 or ndcg@10, found \"" + metric + "\"", e);
        }
        return switch (metric.substring(0, at)) {
            case "hr", "hit" -> hit(rank, k);
            case "ndcg" -> ndcg(rank, k);
            default ->
                    throw new IllegalArgumentException(
                            "expected a metric like hr@10 or ndcg@10, found \"" + metric + "\"");
        };
    }

    /**
     * @param metric a metric name
     * @param ranks ranks per sample
     * @return the per-sample values
     */
    public static double[] values(String metric, int[] ranks) {
        double[] v = new double[ranks.length];
        for (int i = 0; i < ranks.length; i++) {
            v[i] = value(metric, ranks[i]);
        }
        return v;
    }
}
