package org.lcrec.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeaveOneOutTest {
    private static Interactions small() {
        Map<String, int[]> m = new LinkedHashMap<>();
        m.put("u0", new int[] {10, 11, 12, 13, 14, 15});
        m.put("u1", new int[] {20, 21, 22});
        m.put("u2", new int[] {30, 31});
        m.put("u3", new int[] {40});
        return Interactions.of(m);
    }

    @Test
    void splitsExactlyAsLcRec() {
        LeaveOneOut loo = new LeaveOneOut(0);
        List<LeaveOneOut.Sample> train = loo.list(small(), Split.TRAIN);
        // u0 (n=6): positions 1..3; u1 (n=3): none
        assertThat(train).hasSize(3);
        assertThat(train.get(0).history()).containsExactly(10);
        assertThat(train.get(0).target()).isEqualTo(11);
        assertThat(train.get(2).history()).containsExactly(10, 11, 12);
        assertThat(train.get(2).target()).isEqualTo(13);

        List<LeaveOneOut.Sample> valid = loo.list(small(), Split.VALID);
        assertThat(valid).extracting(LeaveOneOut.Sample::user).containsExactly("u0", "u1");
        assertThat(valid.get(0).target()).isEqualTo(14);
        assertThat(valid.get(0).history()).containsExactly(10, 11, 12, 13);
        assertThat(valid.get(1).target()).isEqualTo(21);
        assertThat(valid.get(1).history()).containsExactly(20);

        List<LeaveOneOut.Sample> test = loo.list(small(), Split.TEST);
        assertThat(test).extracting(LeaveOneOut.Sample::user).containsExactly("u0", "u1", "u2");
        assertThat(test.get(0).target()).isEqualTo(15);
        assertThat(test.get(0).history()).containsExactly(10, 11, 12, 13, 14);
        assertThat(test.get(2).history()).containsExactly(30);

        for (Split s : Split.values()) {
            assertThat(loo.count(small(), s)).isEqualTo(loo.list(small(), s).size());
            assertThat(loo.samples(small(), s).count()).isEqualTo(loo.count(small(), s));
        }
    }

    @Test
    void historyKeepsTheMostRecentItems() {
        LeaveOneOut loo = new LeaveOneOut(2);
        LeaveOneOut.Sample t = loo.list(small(), Split.TEST).get(0);
        assertThat(t.history()).containsExactly(13, 14);
        assertThat(loo.capHistory(new int[] {1, 2, 3})).containsExactly(2, 3);
        assertThat(LeaveOneOut.lcRec().maxHistory()).isEqualTo(20);
        assertThatThrownBy(() -> new LeaveOneOut(-1)).hasMessageContaining("found -1");
    }

    @Test
    void trainSamplesMatchAnIndependentRecount() {
        Dataset d = SyntheticDataset.defaults().generate();
        Interactions in = d.interactions();
        long expected = 0;
        for (String u : in.users()) {
            expected += Math.max(0, in.sequence(u).length - 3);
        }
        LeaveOneOut loo = LeaveOneOut.lcRec();
        assertThat(loo.samples(in, Split.TRAIN).count()).isEqualTo(expected);
        // every training target precedes the validation target and histories are prefixes
        loo.samples(in, Split.TRAIN)
                .forEach(
                        s -> {
                            int[] seq = in.sequence(s.userRow());
                            assertThat(s.position()).isBetween(1, seq.length - 3);
                            assertThat(s.target()).isEqualTo(seq[s.position()]);
                            assertThat(s.history().length).isEqualTo(Math.min(20, s.position()));
                            assertThat(s.history()[s.history().length - 1])
                                    .isEqualTo(seq[s.position() - 1]);
                        });
    }

    @Test
    void splitNamesParse() {
        assertThat(Split.parse("Validation")).isEqualTo(Split.VALID);
        assertThatThrownBy(() -> Split.parse("dev")).hasMessageContaining("\"dev\"");
    }
}
