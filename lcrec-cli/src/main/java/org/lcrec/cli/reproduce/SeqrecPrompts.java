package org.lcrec.cli.reproduce;

import java.util.ArrayList;
import java.util.List;
import org.lcrec.inference.TextPrompts;
import org.lcrec.tasks.Placeholder;
import org.lcrec.tasks.SftPrompt;
import org.lcrec.tasks.TaskConfig;
import org.lcrec.tasks.TaskType;
import org.lcrec.tasks.TemplateSet;

/**
 * Turns lcrec-tasks' seqrec templates into the text prompts the recommender decodes from, so that
 * evaluation sees exactly the prompts training saw: the SFT wrapper around the instruction, split
 * at {@code {inters}} into a prefix and a suffix, with the history items joined by the task
 * separator. Index tokens are added tokens, which split the text before the tokenizer's model runs,
 * so tokenising the pieces gives the same ids as tokenising the whole prompt.
 */
public final class SeqrecPrompts {
    private SeqrecPrompts() {}

    /**
     * @param templates the task templates
     * @param ids which seqrec templates
     * @param config the task configuration (separator)
     * @return text templates named {@code seqrec-<id>}, for {@link TextPrompts#open}
     */
    public static List<TextPrompts.TextTemplate> of(
            TemplateSet templates, List<Integer> ids, TaskConfig config) {
        List<TextPrompts.TextTemplate> out = new ArrayList<>();
        for (int id : ids) {
            String instruction = templates.get(TaskType.SEQREC, id).instruction();
            String marker = Placeholder.INTERS.toString();
            int at = instruction.indexOf(marker);
            if (at < 0 || instruction.indexOf(marker, at + 1) >= 0) {
                throw new IllegalArgumentException(
                        "seqrec template "
                                + id
                                + ": expected exactly one "
                                + marker
                                + ", found \""
                                + instruction
                                + "\"");
            }
            String prefix = SftPrompt.HEADER + instruction.substring(0, at);
            String suffix = instruction.substring(at + marker.length()) + SftPrompt.RESPONSE_MARKER;
            out.add(
                    new TextPrompts.TextTemplate(
                            "seqrec-" + id, prefix, config.separator(), suffix));
        }
        return out;
    }
}
