package org.lcrec.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StageResultTest {
    @Test
    void figuresAreCopied() {
        Map<String, Object> figures = new LinkedHashMap<>(Map.of("items", 3));
        Pipeline.StageResult r = new Pipeline.StageResult("index", 1.0, false, figures);
        figures.put("other", 4);
        assertThat(r.figures()).containsOnlyKeys("items");
        assertThatThrownBy(() -> r.figures().put("x", 1))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
