package org.lcrec.model.sft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SftResultTest {
    private static SftResult withLosses(List<Double> losses) {
        return new SftResult(
                null,
                losses.size(),
                losses,
                100,
                50,
                4,
                0,
                0,
                0,
                0,
                Double.NaN,
                -1,
                Path.of("m"),
                null);
    }

    @Test
    void sparklineDrawsLowestLossLowestAndAveragesGroupsOfSteps() {
        SftResult r = withLosses(List.of(8.0, 4.0, 1.0, 1.0));
        // (v - 1) / 7 * 7 eighths -> 7, 3, 0, 0
        assertThat(r.sparkline(10)).isEqualTo("█▄▁▁");
        // pairs averaged: 6 and 1
        assertThat(r.sparkline(2)).isEqualTo("█▁");
        assertThat(r.toString()).endsWith("loss=█▄▁▁)").contains("steps=4", "finalLoss=1.00000");
    }

    @Test
    void sparklineSkipsNonFiniteLossesAndHandlesNoSteps() {
        assertThat(withLosses(List.of(2.0, Double.NaN, 1.0)).sparkline(3)).isEqualTo("█ ▁");
        assertThat(withLosses(List.of(3.0, 3.0)).sparkline(5)).isEqualTo("▁▁");
        assertThat(withLosses(List.of()).sparkline(5)).isEmpty();
        assertThatThrownBy(() -> withLosses(List.of(1.0)).sparkline(0))
                .hasMessageContaining("width must be >= 1");
    }
}
