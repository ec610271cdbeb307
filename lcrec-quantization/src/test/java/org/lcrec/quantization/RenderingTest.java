package org.lcrec.quantization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lcrec.core.Dataset;
import org.lcrec.core.SemanticId;
import org.lcrec.core.SemanticIndex;

/** The text renderings notebooks print: code-usage histograms, loss sparklines, one-call index. */
class RenderingTest {

    @Test
    void histogramScalesToTheTallestColumnAndLeavesUnusedCodesBlank() {
        // hand-computed: max 8 -> full block; 4 -> half; 1 -> one eighth; 0 -> blank
        assertThat(GeneratedIndex.histogram(new int[] {8, 4, 1, 0}, 64)).isEqualTo("█▄▁ ");
        // 8 codes into 4 columns: sums 3, 0, 6, 12 -> 2/8, blank, 4/8, 8/8
        assertThat(GeneratedIndex.histogram(new int[] {1, 2, 0, 0, 3, 3, 6, 6}, 4))
                .isEqualTo("▂ ▄█");
        assertThat(GeneratedIndex.histogram(new int[] {0, 0}, 4)).isEqualTo("  ");
    }

    @Test
    void codeUsageCountsItemsPerCodeAtEveryLevel() {
        SemanticIndex idx =
                SemanticIndex.of(
                        Map.of(
                                1, SemanticId.of(0, 1),
                                2, SemanticId.of(0, 2),
                                3, SemanticId.of(2, 1)));
        GeneratedIndex g =
                new GeneratedIndex(
                        idx,
                        new IndexStatistics(
                                3,
                                2,
                                0,
                                new int[] {2, 2},
                                new double[] {1.9, 1.9},
                                new double[] {1, 0.5, 0.2},
                                0.01,
                                0,
                                0,
                                0,
                                0));
        assertThat(g.codeUsage()).isDeepEqualTo(new int[][] {{2, 0, 1}, {0, 2, 1}});
        String r = g.render();
        assertThat(r).contains("3 items, 2 levels");
        assertThat(r).contains("level a    2/3 codes").contains("max   2 items/code  █ ▄");
        assertThat(r).contains("level b    2/3 codes").contains(" █▄");
        assertThat(r.lines()).hasSize(3);
    }

    @Test
    void sparklineDrawsTheLowestLossLowestAndAveragesGroupsOfEpochs() {
        TrainingHistory h =
                new TrainingHistory(
                        new double[] {8, 4, 1, 1}, new double[] {1, 1, 1, 1}, 4, 10, 9, 0, 1, 0);
        // (v - 1) / 7 * 7 -> 7, 3, 0, 0
        assertThat(h.sparkline(10)).isEqualTo("█▄▁▁");
        // pairs averaged: 6 and 1 -> top and bottom
        assertThat(h.sparkline(2)).isEqualTo("█▁");
        assertThat(h.toString()).endsWith("loss=█▄▁▁)");
        assertThat(new TrainingHistory(new double[0], new double[0], 0, 0, 0, 0, 0, 0).sparkline(5))
                .isEmpty();
        assertThatThrownBy(() -> h.sparkline(0)).hasMessageContaining("width must be >= 1");
    }

    @Test
    void fromTextsIndexesACatalogInOneCallWithoutCollisions() {
        Dataset data = Dataset.synthetic();
        RqVaeConfig c = RqVaeConfig.cpu().toBuilder().codes(16).epochs(3).kmeansSample(64).build();
        GeneratedIndex g = IndexGenerator.fromTexts(data.items(), c);
        assertThat(g.index().size()).isEqualTo(data.items().size());
        assertThat(g.index().collisions().surplusItems()).isZero();
        int[][] usage = g.codeUsage();
        for (int[] level : usage) {
            assertThat(java.util.Arrays.stream(level).sum()).isEqualTo(data.items().size());
        }
        assertThat(g.render()).contains("600 items");
        assertThatThrownBy(() -> IndexGenerator.fromTexts(data.items(), "fast"))
                .isInstanceOf(QuantizationException.class)
                .hasMessageContaining("unknown RQ-VAE preset \"fast\"");
    }
}
