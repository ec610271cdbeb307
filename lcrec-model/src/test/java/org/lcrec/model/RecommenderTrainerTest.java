package org.lcrec.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lcrec.core.Dataset;
import org.lcrec.core.Interactions;
import org.lcrec.core.SemanticId;
import org.lcrec.core.SemanticIndex;
import org.lcrec.inference.ModelBundle;
import org.lcrec.tasks.TaskType;

/** The recipe's checks; the whole training path runs in lcrec-cli's reproduce and example tests. */
class RecommenderTrainerTest {
    @Test
    void aDatasetWithoutAnIndexIsRefusedBeforeAnyWork(@TempDir Path tmp) {
        Dataset data = Dataset.synthetic();
        Dataset noIndex =
                new Dataset(data.name(), data.items(), data.interactions(), null, null, null);
        assertThatThrownBy(
                        () ->
                                new RecommenderTrainer(RecommenderTrainerConfig.defaults())
                                        .train(noIndex, tmp.resolve("b")))
                .hasMessageContaining("has no semantic index");
    }

    @Test
    void aChangedIndexRetrainsInsteadOfResumingTheOldCheckpoints(@TempDir Path tmp)
            throws Exception {
        RecommenderTrainerConfig c =
                RecommenderTrainerConfig.builder()
                        .epochs(1)
                        .batchSize(128)
                        .maxLength(160)
                        .validUsers(10)
                        .beams(5)
                        .build();
        Dataset data = Dataset.synthetic();
        Path work = tmp.resolve("work");
        ModelBundle first =
                new RecommenderTrainer(c)
                        .train(data, tmp.resolve("a"), work, new RecommenderTrainer.Listener() {});
        long steps = ((Number) first.manifest().training().get("steps")).longValue();
        assertThat(first.manifest().training().get("resumedFromStep")).isEqualTo(0);
        assertThat(Files.readString(work.resolve(RecommenderTrainer.RUN_FILE)))
                .contains(first.manifest().datasetFingerprint());

        // the same run again: its checkpoints are resumed (nothing is left to train)
        ModelBundle again =
                new RecommenderTrainer(c)
                        .train(data, tmp.resolve("b"), work, new RecommenderTrainer.Listener() {});
        assertThat(((Number) again.manifest().training().get("resumedFromStep")).longValue())
                .isEqualTo(steps);

        // two items swap codes: same examples, same vocabulary, another run
        Map<Integer, SemanticId> m = new HashMap<>(data.index().asMap());
        int[] ids = data.index().itemIds();
        SemanticId x = m.get(ids[0]);
        m.put(ids[0], m.get(ids[1]));
        m.put(ids[1], x);
        Dataset swapped = data.withIndex(SemanticIndex.of(m));
        ModelBundle other =
                new RecommenderTrainer(c)
                        .train(
                                swapped,
                                tmp.resolve("c"),
                                work,
                                new RecommenderTrainer.Listener() {});
        assertThat(other.manifest().training().get("resumedFromStep")).isEqualTo(0);
        assertThat(other.manifest().datasetFingerprint())
                .isNotEqualTo(first.manifest().datasetFingerprint());
        assertThat(other.index().get(ids[0])).isEqualTo(data.index().get(ids[1]));
    }

    @Test
    void configsAreCheckedAndReadable() {
        assertThatThrownBy(() -> RecommenderTrainerConfig.builder().epochs(0).build())
                .hasMessageContaining("epochs: expected >= 1, found 0");
        assertThatThrownBy(() -> RecommenderTrainerConfig.builder().model("huge").build())
                .hasMessageContaining("huge");
        assertThatThrownBy(() -> RecommenderTrainerConfig.builder().tasks(List.of()).build())
                .hasMessageContaining("tasks");
        RecommenderTrainerConfig c =
                RecommenderTrainerConfig.builder()
                        .tasks(TaskType.SEQREC, TaskType.ITEM2INDEX)
                        .build();
        assertThat(c.toString())
                .startsWith(
                        "RecommenderTrainerConfig(tasks=[seqrec, item2index], sequenceForm=true");
        assertThat(c.toBuilder().build()).isEqualTo(c);
    }

    @Test
    void theValidationSampleIsSeededAndKeepsFileOrder() {
        Interactions all = Dataset.synthetic().interactions();
        Interactions a = RecommenderTrainer.sampleUsers(all, 50, 7);
        Interactions b = RecommenderTrainer.sampleUsers(all, 50, 7);
        assertThat(a.userCount()).isEqualTo(50);
        for (int r = 0; r < 50; r++) {
            assertThat(a.user(r)).isEqualTo(b.user(r));
        }
        // not simply the first 50 users in file order
        assertThat(a.user(49)).isNotEqualTo(all.user(49));
        assertThat(RecommenderTrainer.sampleUsers(all, 0, 7).userCount())
                .isEqualTo(all.userCount());
    }
}
