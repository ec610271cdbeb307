package org.lcrec.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lcrec.core.DatasetException;

class TemplateSetTest {
    private static final Placeholder I = Placeholder.ITEM;
    private static final Placeholder T = Placeholder.TITLE;
    private static final Placeholder D = Placeholder.DESCRIPTION;
    private static final Placeholder H = Placeholder.INTERS;
    private static final Placeholder HT = Placeholder.INTER_TITLES;
    private static final Placeholder P = Placeholder.EXPLICIT_PREFERENCE;
    private static final Placeholder UI = Placeholder.USER_RELATED_INTENTION;
    private static final Placeholder II = Placeholder.ITEM_RELATED_INTENTION;
    private static final Placeholder Q = Placeholder.QUERY;

    @Test
    void builtInSetHasAtLeastLcRecsCountsPerTask() {
        TemplateSet set = TemplateSet.defaults();
        assertThat(set.tasks()).containsExactly(TaskType.values());
        int[] lcRec = {17, 19, 17, 12, 11, 11};
        for (TaskType t : TaskType.values()) {
            assertThat(set.get(t)).hasSizeGreaterThanOrEqualTo(lcRec[t.ordinal()]);
            assertThat(t.lcRecTemplateCount()).isEqualTo(lcRec[t.ordinal()]);
        }
    }

    /**
     * The id ranges follow LC-Rec's layout (facts section 2), so LC-Rec prompt ids keep meaning.
     */
    @Test
    void builtInTemplatesFollowLcRecsIdRanges() {
        TemplateSet set = TemplateSet.defaults();
        for (InstructionTemplate t : set.get(TaskType.SEQREC)) {
            assertThat(instr(t)).isEqualTo(Set.of(H));
            assertThat(t.response()).isEqualTo("{item}");
        }
        List<InstructionTemplate> i2i = set.get(TaskType.ITEM2INDEX);
        for (InstructionTemplate t : i2i) {
            Set<Placeholder> want = t.id() < 6 ? Set.of(T) : t.id() < 12 ? Set.of(D) : Set.of(T, D);
            assertThat(instr(t)).as("item2index#%d", t.id()).isEqualTo(want);
            assertThat(t.response()).isEqualTo("{item}");
            // titles and descriptions are quoted inside the instruction
            assertThat(t.instruction()).containsAnyOf("\"{title}\"", "\"{description}\"");
        }
        for (InstructionTemplate t : set.get(TaskType.INDEX2ITEM)) {
            assertThat(instr(t)).isEqualTo(Set.of(I));
            String want =
                    t.id() < 6
                            ? "{title}"
                            : t.id() < 12 ? "{description}" : "{title}\n\n{description}";
            assertThat(t.response()).as("index2item#%d", t.id()).isEqualTo(want);
        }
        for (InstructionTemplate t : set.get(TaskType.FUSIONSEQREC)) {
            Set<Placeholder> in = t.id() < 8 ? Set.of(H) : Set.of(HT);
            String out = t.id() < 4 ? "{title}" : t.id() < 8 ? "{description}" : "{item}";
            assertThat(instr(t)).as("fusionseqrec#%d", t.id()).isEqualTo(in);
            assertThat(t.response()).isEqualTo(out);
        }
        List<Set<Placeholder>> search =
                List.of(
                        Set.of(H, P),
                        Set.of(H, UI),
                        Set.of(H, II),
                        Set.of(Q, H, P),
                        Set.of(Q, H, P),
                        Set.of(Q, H, P),
                        Set.of(Q),
                        Set.of(Q),
                        Set.of(Q),
                        Set.of(Q),
                        Set.of(Q));
        for (InstructionTemplate t : set.get(TaskType.ITEMSEARCH)) {
            assertThat(instr(t)).as("itemsearch#%d", t.id()).isEqualTo(search.get(t.id()));
            assertThat(t.response()).isEqualTo("{item}");
        }
        for (InstructionTemplate t : set.get(TaskType.PREFERENCEOBTAIN)) {
            assertThat(instr(t)).isEqualTo(Set.of(H));
            assertThat(t.response()).isEqualTo("{explicit_preference}");
        }
    }

    private static Set<Placeholder> instr(InstructionTemplate t) {
        return InstructionTemplate.Part.parse(t.task(), "x", t.instruction()).slots.length == 0
                ? Set.of()
                : Set.copyOf(
                        List.of(
                                InstructionTemplate.Part.parse(t.task(), "x", t.instruction())
                                        .slots));
    }

    @Test
    void jsonRoundTripAndFileLoad(@TempDir Path dir) {
        TemplateSet set = TemplateSet.defaults();
        Path f = dir.resolve("t.json");
        set.write(f);
        assertThat(TemplateSet.load(f)).isEqualTo(set);
    }

    @Test
    void lcRecStylePromptsConvertedToJsonLoadAndOverrideOneTask() {
        String json =
                "{\"format\":\"lcrec-task-templates\",\"version\":1,\"tasks\":{\"seqrec\":["
                        + "{\"instruction\":\"Past: {inters}. Next?\",\"response\":\"{item}\"},"
                        + "{\"instruction\":\"{{literal}} {inters}\",\"response\":\"{item}\"}]}}";
        TemplateSet mine = TemplateSet.parse(json, "mine.json");
        assertThat(mine.get(TaskType.SEQREC)).hasSize(2);
        assertThat(mine.has(TaskType.ITEM2INDEX)).isFalse();
        TemplateSet merged = TemplateSet.defaults().withOverrides(mine);
        assertThat(merged.get(TaskType.SEQREC)).hasSize(2);
        assertThat(merged.get(TaskType.ITEM2INDEX)).hasSize(19);
        InstructionTemplate lit = mine.get(TaskType.SEQREC, 1);
        assertThat(lit.instructionPart.literals[0]).isEqualTo("{literal} ");
    }

    @Test
    void unknownPlaceholderIsRejectedNamingFileTaskIdAndKey() {
        String json =
                "{\"format\":\"lcrec-task-templates\",\"version\":1,\"tasks\":{\"seqrec\":["
                        + "{\"instruction\":\"ok {inters}\",\"response\":\"{item}\"},"
                        + "{\"instruction\":\"bad {histroy}\",\"response\":\"{item}\"}]}}";
        assertThatThrownBy(() -> TemplateSet.parse(json, "mine.json"))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("mine.json")
                .hasMessageContaining("seqrec#1")
                .hasMessageContaining("unknown placeholder {histroy}")
                .hasMessageContaining("{inters}");
    }

    @Test
    void placeholderOfAnotherTaskIsRejected() {
        assertThatThrownBy(() -> new InstructionTemplate(TaskType.SEQREC, 0, "{title}", "{item}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("placeholder {title} is not available to task seqrec");
    }

    @Test
    void malformedTemplatesAreRejected() {
        assertThatThrownBy(() -> new InstructionTemplate(TaskType.SEQREC, 3, "{inters", "{item}"))
                .hasMessageContaining("seqrec#3 instruction: unbalanced '{'");
        assertThatThrownBy(() -> new InstructionTemplate(TaskType.SEQREC, 3, "a } b", "{item}"))
                .hasMessageContaining("unbalanced '}'");
        assertThatThrownBy(() -> new InstructionTemplate(TaskType.SEQREC, 3, "{inters}", "fixed"))
                .hasMessageContaining("expected at least one placeholder");
        assertThatThrownBy(() -> new InstructionTemplate(TaskType.SEQREC, 3, " ", "{item}"))
                .hasMessageContaining("expected an instruction");
    }

    @Test
    void badFilesAreClearErrors(@TempDir Path dir) throws Exception {
        assertThatThrownBy(
                        () ->
                                TemplateSet.parse(
                                        "{\"format\":\"lcrec-task-templates\",\"version\":1,"
                                                + "\"tasks\":{\"seqrek\":[]}}",
                                        "f.json"))
                .hasMessageContaining("f.json: tasks: unknown task \"seqrek\"")
                .hasMessageContaining("seqrec, item2index");
        assertThatThrownBy(
                        () ->
                                TemplateSet.parse(
                                        "{\"format\":\"lcrec-task-templates\",\"version\":7,"
                                                + "\"tasks\":{}}",
                                        "f.json"))
                .hasMessageContaining("\"version\": expected 1, found 7");
        assertThatThrownBy(() -> TemplateSet.parse("{\"version\":1}", "f.json"))
                .hasMessageContaining("\"format\": expected \"lcrec-task-templates\"");
        assertThatThrownBy(
                        () ->
                                TemplateSet.parse(
                                        "{\"format\":\"lcrec-task-templates\",\"version\":1,"
                                                + "\"tasks\":{\"seqrec\":[{\"instruction\":\"x\"}]}}",
                                        "f.json"))
                .hasMessageContaining("f.json: tasks.seqrec[0]: field \"response\"");
        Path broken = dir.resolve("b.json");
        Files.writeString(broken, "{not json");
        assertThatThrownBy(() -> TemplateSet.load(broken))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("b.json: expected template JSON");
        assertThatThrownBy(() -> TemplateSet.defaults().get(TaskType.SEQREC, 17))
                .hasMessageContaining("expected a template id in 0..16, found 17");
    }

    @Test
    void taskNamesParseCaseInsensitivelyAndUnknownNamesAreListed() {
        assertThat(TaskType.parseList("SeqRec, item2index,seqrec"))
                .containsExactly(TaskType.SEQREC, TaskType.ITEM2INDEX);
        assertThatThrownBy(() -> TaskType.parse("sequential"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "unknown task \"sequential\": expected one of seqrec, item2index,"
                                + " index2item, fusionseqrec, itemsearch, preferenceobtain");
        assertThatThrownBy(() -> TaskType.parseList(" , "))
                .hasMessageContaining("expected at least one task name");
    }
}
