package org.lcrec.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lcrec.core.Dataset;
import org.lcrec.core.IndexTokens;
import org.lcrec.core.SemanticId;
import org.lcrec.core.SemanticIndex;
import org.lcrec.core.Split;
import org.lcrec.core.testing.SharedData;

/** Acceptance on the shared real datasets (skipped where they are missing, failed under CI). */
class RealDataTasksTest {
    @Test
    void instrumentsSeqrecMatchesLeaveOneOutAndDecodesToRealItems() throws Exception {
        Path dir = SharedData.dir("instruments");
        // independent count straight from the JSON file: sum over users of (len - 3)
        JsonNode inter =
                new ObjectMapper().readTree(dir.resolve("Instruments.inter.json").toFile());
        long positions = 0;
        int users = 0;
        for (JsonNode seq : inter) {
            positions += seq.size() - 3;
            users++;
        }
        assertThat(positions).isEqualTo(131_837); // LC-Rec facts 9.1
        Dataset data = Dataset.load(dir);
        SemanticIndex index = data.index();
        TaskGenerator g = TaskGenerator.of(data);

        TaskGenerator.SampleIterator train = g.iterator(List.of(TaskType.SEQREC), Split.TRAIN);
        long n = 0;
        while (train.hasNext()) {
            Sample s = train.next();
            assertDecodes(index, s);
            n++;
        }
        assertThat(n).isEqualTo(positions);
        assertThat(train.report().tasks().get(0).skippedPairs()).isZero();

        TaskConfig two = TaskConfig.builder().evalTemplates(TaskType.SEQREC, List.of(0, 5)).build();
        for (Split split : new Split[] {Split.VALID, Split.TEST}) {
            List<Sample> eval = new ArrayList<>();
            new TaskGenerator(data, TemplateSet.defaults(), two)
                    .iterator(List.of(TaskType.SEQREC), split)
                    .forEachRemaining(eval::add);
            assertThat(eval).hasSize(2 * users);
            eval.forEach(s -> assertDecodes(index, s));
            assertThat(g.count(List.of(TaskType.SEQREC), split).samples()).isEqualTo(17L * users);
        }
        // no texts here: text tasks fail clearly
        assertThatThrownBy(
                        () ->
                                g.iterator(
                                        List.of(TaskType.SEQREC, TaskType.ITEM2INDEX), Split.TRAIN))
                .isInstanceOf(TaskUnavailableException.class)
                .hasMessageContaining("item2index needs item titles or descriptions")
                .hasMessageContaining("Instruments");
    }

    private static void assertDecodes(SemanticIndex index, Sample s) {
        SemanticId id = IndexTokens.parse(s.response());
        assertThat(index.itemsFor(id)).contains(s.targetItem());
        assertThat(index.get(s.targetItem())).isEqualTo(id);
    }

    @Test
    void industrialTextTasksEmitCleanNonEmptyText() {
        Dataset data = Dataset.load(SharedData.dir("industrial"));
        TaskGenerator g = TaskGenerator.of(data);
        Map<TaskType, Long> counts = new HashMap<>();
        List<TaskType> tasks =
                List.of(TaskType.ITEM2INDEX, TaskType.INDEX2ITEM, TaskType.FUSIONSEQREC);
        TaskGenerator.SampleIterator it = g.iterator(tasks, Split.TRAIN);
        while (it.hasNext()) {
            Sample s = it.next();
            counts.merge(s.task(), 1L, Long::sum);
            assertClean(s.instruction());
            assertClean(s.response());
            InstructionTemplate t = TemplateSet.defaults().get(s.task(), s.templateId());
            // a quoted field is never empty
            assertThat(s.instruction()).doesNotContain("\"\"");
            if (s.task() == TaskType.INDEX2ITEM) {
                for (String part : s.response().split("\n\n")) {
                    assertThat(part).isNotBlank();
                }
            }
            if (t.uses(Placeholder.ITEM) && t.response().equals("{item}")) {
                assertDecodes(data.index(), s);
            }
        }
        GenerationReport r = it.report();
        assertThat(counts.keySet()).containsExactlyInAnyOrderElementsOf(tasks);
        // one item2index/index2item sample per item that has a title or a description
        long withText = data.items().items().stream().filter(i -> i.hasText()).count();
        GenerationReport.TaskCount i2i = r.tasks().get(0);
        assertThat(i2i.samples() + i2i.skippedExamples()).isEqualTo(data.index().size());
        assertThat(i2i.samples()).isLessThanOrEqualTo(withText);
        // 229 items lack a description (facts 9.2): they are excluded from description templates
        assertThat(i2i.skippedPairs()).isGreaterThanOrEqualTo(200L * 13);
        // user texts are not available for Industrial
        assertThatThrownBy(() -> g.iterator(List.of(TaskType.ITEMSEARCH), Split.TRAIN))
                .isInstanceOf(TaskUnavailableException.class)
                .hasMessageContaining("itemsearch needs per-user preference and intention texts");
        assertThatThrownBy(() -> g.iterator(List.of(TaskType.PREFERENCEOBTAIN), Split.TRAIN))
                .isInstanceOf(TaskUnavailableException.class)
                .hasMessageContaining("has none");
    }

    private static void assertClean(String text) {
        assertThat(text).isNotBlank().isEqualTo(text.strip());
        assertThat(text).doesNotContain("['").doesNotContain("']").doesNotContain("[\"");
        assertThat(text).doesNotContain("&amp;").doesNotContain("&quot;").doesNotContain("&#");
        assertThat(text).doesNotContain("  ").doesNotContain("\t").doesNotContain("\r");
        assertThat(text).doesNotContain("<br").doesNotContain("</");
    }

    @Test
    void userFileWithMissingFieldsIsAClearError() throws Exception {
        Path tmp = Files.createTempDirectory("lcrec-tasks-users");
        try {
            Dataset.synthetic().write(tmp);
            Path users;
            try (var files = Files.list(tmp)) {
                users =
                        files.filter(p -> p.getFileName().toString().endsWith(".user.json"))
                                .findFirst()
                                .orElseThrow();
            }
            String text = Files.readString(users);
            Files.writeString(users, text.replaceFirst("\"querys\"", "\"qurys\""));
            assertThatThrownBy(() -> Dataset.load(tmp))
                    .hasMessageContaining(users.getFileName().toString())
                    .hasMessageContaining("missing querys");
        } finally {
            try (var files = Files.list(tmp)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    Files.delete(p);
                }
            }
            Files.delete(tmp);
        }
    }
}
