package org.lcrec.tokenizers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Records of lcrec-tokenizers copy arrays in and out. */
class RecordCopiesTest {
    @Test
    void batchEncodingRows() {
        int[][] ids = {{5, 6, 0}};
        int[][] mask = {{1, 1, 0}};
        BatchEncoding b = new BatchEncoding(ids, mask);
        ids[0][0] = 99;
        mask[0][0] = 0;
        b.ids()[0][1] = 99;
        b.attentionMask()[0][1] = 0;
        assertThat(b.ids()).isDeepEqualTo(new int[][] {{5, 6, 0}});
        assertThat(b.attentionMask()).isDeepEqualTo(new int[][] {{1, 1, 0}});
        assertThat(b.length(0)).isEqualTo(2);
        BatchEncoding same = new BatchEncoding(new int[][] {{5, 6, 0}}, new int[][] {{1, 1, 0}});
        assertThat(b).isEqualTo(same).hasSameHashCodeAs(same);
    }
}
