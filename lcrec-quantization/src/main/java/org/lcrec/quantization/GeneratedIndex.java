package org.lcrec.quantization;

import java.nio.file.Path;
import java.util.Locale;
import org.lcrec.core.SemanticId;
import org.lcrec.core.SemanticIndex;
import org.lcrec.core.io.LcRecFiles;

/**
 * The output of {@link IndexGenerator}: a collision-free index and its statistics.
 *
 * @param index item id → semantic ID, no two items sharing an ID
 * @param statistics quality figures
 */
public record GeneratedIndex(SemanticIndex index, IndexStatistics statistics) {
    /** Widest histogram {@link #render()} draws, in characters. */
    static final int HISTOGRAM_WIDTH = 64;

    /** Eighths of a block, from empty to full. */
    private static final String BLOCKS = " ▁▂▃▄▅▆▇█";

    /**
     * Writes LC-Rec's {@code <D>.index.json} (atomically).
     *
     * @param file the target
     */
    public void writeIndexJson(Path file) {
        LcRecFiles.writeIndex(file, index);
    }

    /**
     * Items per code at every level.
     *
     * @return {@code [level][code]} item counts; every row has {@link SemanticIndex#codebookSize()}
     *     entries
     */
    public int[][] codeUsage() {
        int k = Math.max(1, index.codebookSize());
        int[][] counts = new int[index.levels()][k];
        for (int item : index.itemIds()) {
            SemanticId id = index.get(item);
            for (int l = 0; l < counts.length; l++) {
                counts[l][id.code(l)]++;
            }
        }
        return counts;
    }

    /**
     * A text picture of the index for a terminal or a notebook: the headline figures, then one line
     * per level with the codes used, the perplexity, the busiest code and a code-usage histogram in
     * Unicode blocks (codes in order, {@value #HISTOGRAM_WIDTH} columns at most, each column
     * summing adjacent codes; a blank column is a run of unused codes).
     *
     * @return the rendering, lines separated by {@code \n}
     */
    public String render() {
        IndexStatistics s = statistics;
        StringBuilder b = new StringBuilder();
        b.append(
                String.format(
                        Locale.ROOT,
                        "%,d items, %d levels%s, reconstruction MSE %.4g, collisions %,d nearest"
                                + " -> %,d after mapping -> %,d final (%,d items moved)%n",
                        s.items(),
                        s.levels(),
                        s.levelsAdded() > 0 ? " (1 added)" : "",
                        s.reconstructionMse(),
                        s.collisionsNearest(),
                        s.collisionsAfterMapping(),
                        s.collisionsFinal(),
                        s.itemsMoved()));
        int[][] usage = codeUsage();
        double[] ppl = s.perplexity();
        for (int l = 0; l < usage.length; l++) {
            int used = 0;
            int max = 0;
            for (int c : usage[l]) {
                used += c > 0 ? 1 : 0;
                max = Math.max(max, c);
            }
            b.append(
                    String.format(
                            Locale.ROOT,
                            "level %c  %3d/%d codes  perplexity %6.1f  max %3d items/code  %s%n",
                            (char) ('a' + l),
                            used,
                            usage[l].length,
                            l < ppl.length ? ppl[l] : Double.NaN,
                            max,
                            histogram(usage[l], HISTOGRAM_WIDTH)));
        }
        return b.toString();
    }

    /**
     * Sums {@code counts} into at most {@code width} columns and draws each as a block scaled to
     * the tallest column; a non-empty column is at least one eighth high.
     */
    static String histogram(int[] counts, int width) {
        int cols = Math.min(width, counts.length);
        long[] bins = new long[cols];
        for (int c = 0; c < counts.length; c++) {
            bins[(int) ((long) c * cols / counts.length)] += counts[c];
        }
        long max = 0;
        for (long v : bins) {
            max = Math.max(max, v);
        }
        StringBuilder b = new StringBuilder(cols);
        for (long v : bins) {
            int h = max == 0 || v == 0 ? 0 : (int) Math.max(1, Math.round(8.0 * v / max));
            b.append(BLOCKS.charAt(h));
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return "GeneratedIndex(" + statistics + ")";
    }
}
