package org.lcrec.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Records of lcrec-core copy arrays and collections in and out: callers cannot change them. */
class RecordCopiesTest {
    @Test
    void sampleHistory() {
        int[] history = {1, 2, 3};
        LeaveOneOut.Sample s = new LeaveOneOut.Sample(0, "u", history, 4, 3);
        LeaveOneOut.Sample same = new LeaveOneOut.Sample(0, "u", new int[] {1, 2, 3}, 4, 3);
        history[0] = 99;
        s.history()[1] = 99;
        assertThat(s.history()).containsExactly(1, 2, 3);
        assertThat(s).isEqualTo(same).hasSameHashCodeAs(same);
    }

    @Test
    void windowItems() {
        int[] items = {1, 2, 3};
        LeaveOneOut.Window w = new LeaveOneOut.Window(0, "u", items, 1, 0);
        items[0] = 99;
        w.items()[1] = 99;
        assertThat(w.items()).containsExactly(1, 2, 3);
    }

    @Test
    void datasetStatsCodesUsedPerLevel() {
        int[] codes = {5, 6};
        DatasetStats s = new DatasetStats("d", 1, 2, 2, 3, 1.5, 1, 2, 2, 2, codes, 0, 0, 0);
        codes[0] = 99;
        s.codesUsedPerLevel()[1] = 99;
        assertThat(s.codesUsedPerLevel()).containsExactly(5, 6);
        assertThat(s.asMap().get("codesUsedPerLevel")).isEqualTo(new int[] {5, 6});
    }

    @Test
    void collisionReportGroups() {
        List<int[]> groups = new ArrayList<>(List.of(new int[] {0, 2}, new int[] {3, 5}));
        SemanticIndex.CollisionReport c = new SemanticIndex.CollisionReport(groups, 6);
        groups.get(0)[0] = 99;
        groups.clear();
        c.groups().get(1)[0] = 99;
        assertThatThrownBy(() -> c.groups().clear())
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(c.groups()).hasSize(2);
        assertThat(c.groups().get(0)).containsExactly(0, 2);
        assertThat(c.groups().get(1)).containsExactly(3, 5);
        SemanticIndex.CollisionReport same =
                new SemanticIndex.CollisionReport(List.of(new int[] {0, 2}, new int[] {3, 5}), 6);
        assertThat(c).isEqualTo(same).hasSameHashCodeAs(same);
    }

    @Test
    void intentionHistoryAndQueries() {
        int[] history = {1, 2};
        List<String> queries = new ArrayList<>(List.of("q"));
        UserProfiles.Intention i = new UserProfiles.Intention(3, history, queries);
        history[0] = 99;
        queries.add("other");
        i.history()[1] = 99;
        assertThat(i.history()).containsExactly(1, 2);
        assertThat(i.queries()).containsExactly("q");
    }

    @Test
    void userProfilesPreferenceLists() {
        List<String> texts = new ArrayList<>(List.of("likes tools"));
        Map<String, List<String>> prefs = new LinkedHashMap<>(Map.of("u", texts));
        UserProfiles p = new UserProfiles(prefs, Map.of(), Map.of());
        texts.add("other");
        prefs.put("v", List.of("x"));
        assertThat(p.preferences()).containsOnlyKeys("u");
        assertThat(p.preferences().get("u")).containsExactly("likes tools");
        assertThatThrownBy(() -> p.preferences().get("u").add("x"))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
