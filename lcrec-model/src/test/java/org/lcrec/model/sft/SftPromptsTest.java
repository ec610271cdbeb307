package org.lcrec.model.sft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lcrec.core.Dataset;
import org.lcrec.core.LeaveOneOut;
import org.lcrec.core.Split;
import org.lcrec.inference.TextTemplate;
import org.lcrec.tasks.InstructionTemplate;
import org.lcrec.tasks.Sample;
import org.lcrec.tasks.TaskConfig;
import org.lcrec.tasks.TaskGenerator;
import org.lcrec.tasks.TaskType;
import org.lcrec.tasks.TemplateSet;

/** The prompts a recommender decodes from are, character for character, the ones trained on. */
class SftPromptsTest {
    @Test
    void servingTemplatesRenderExactlyTheTrainingPromptsOfEverySeqrecTemplate() {
        Dataset data = Dataset.synthetic();
        TaskConfig tc = TaskConfig.defaults();
        TemplateSet templates = TemplateSet.defaults();
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < templates.get(TaskType.SEQREC).size(); i++) {
            ids.add(i);
        }
        List<TextTemplate> serving = SftPrompts.seqrecTemplates(templates, ids, tc);
        Map<String, int[]> histories = new HashMap<>();
        for (LeaveOneOut.Sample s :
                new LeaveOneOut(tc.maxHistory()).list(data.interactions(), Split.TEST)) {
            histories.put(s.user(), s.history());
        }
        int checked = 0;
        for (Sample s :
                TaskGenerator.of(data).stream(TaskType.SEQREC, Split.TEST).limit(200).toList()) {
            List<String> items = new ArrayList<>();
            for (int item : histories.get(s.user())) {
                items.add(String.join("", data.index().get(item).tokens()));
            }
            TextTemplate t = serving.get(s.templateId());
            assertThat(t.name()).isEqualTo("seqrec-" + s.templateId());
            assertThat(t.render(items)).isEqualTo(s.sftPrompt());
            checked++;
        }
        assertThat(checked).isEqualTo(200);
    }

    @Test
    void aTemplateWithoutExactlyOneHistoryPlaceholderIsRefused() {
        TemplateSet bad =
                TemplateSet.of(
                        Map.of(
                                TaskType.SEQREC,
                                List.of(
                                        new InstructionTemplate(
                                                TaskType.SEQREC, 0, "no history here", "{item}"))));
        assertThatThrownBy(() -> SftPrompts.seqrecTemplates(bad, List.of(0), TaskConfig.defaults()))
                .hasMessageContaining("seqrec template 0: expected exactly one {inters}");
    }

    @Test
    void theSequenceTemplateEndsEveryItemWithTheSeparator() {
        TextTemplate t = SftPrompts.sequenceTemplate(", ");
        assertThat(t.render(List.of("<a_1>", "<a_2>")))
                .isEqualTo(SftPrompts.SEQUENCE_INSTRUCTION + "\n\n### Response:<a_1>, <a_2>, ");
    }
}
