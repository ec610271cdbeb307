package org.lcrec.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lcrec.core.Dataset;
import org.lcrec.core.Interactions;
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
