package org.lcrec.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lcrec.model.encoder.EmbeddingCache;
import org.lcrec.model.llm.DecoderGraph;
import org.lcrec.model.sft.SftExample;
import org.lcrec.model.sft.SftSequence;
import org.lcrec.onnx.Tensor;

/** Records of lcrec-model copy arrays and lists in and out. */
class RecordCopiesTest {
    @Test
    void embeddingCacheResultRows() {
        float[][] rows = {{1f, 2f}, {3f, 4f}};
        EmbeddingCache.Result r = new EmbeddingCache.Result(rows, false, "h");
        rows[0][0] = 99f;
        r.embeddings()[1][0] = 99f;
        assertThat(r.embeddings()).isDeepEqualTo(new float[][] {{1f, 2f}, {3f, 4f}});
        assertThat(r.size()).isEqualTo(2);
        EmbeddingCache.Result same =
                new EmbeddingCache.Result(new float[][] {{1f, 2f}, {3f, 4f}}, false, "h");
        assertThat(r).isEqualTo(same).hasSameHashCodeAs(same);
    }

    @Test
    void decoderGraphResultLists() {
        List<Tensor> keys = new ArrayList<>();
        DecoderGraph.Result r = new DecoderGraph.Result(null, keys, List.of());
        assertThatThrownBy(() -> r.presentKeys().add(null))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(r.presentKeys()).isEmpty();
    }

    @Test
    void sftExampleAndSequenceArrays() {
        int[] prompt = {1, 2};
        SftExample e = new SftExample(prompt, new int[] {3});
        prompt[0] = 99;
        e.prompt()[1] = 99;
        assertThat(e.prompt()).containsExactly(1, 2);
        int[] tokens = {1, 2, 3};
        SftSequence s = new SftSequence(tokens, new int[] {1, 3});
        tokens[0] = 99;
        s.tokens()[1] = 99;
        assertThat(s.tokens()).containsExactly(1, 2, 3);
    }
}
