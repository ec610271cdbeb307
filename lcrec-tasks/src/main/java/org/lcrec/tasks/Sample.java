package org.lcrec.tasks;

import java.util.Objects;

/**
 * One instruction example.
 *
 * @param task the task
 * @param templateId the template's id within the task
 * @param instruction the filled instruction (without the SFT wrapper; see {@link #sftPrompt()})
 * @param response the filled response (what the model learns to produce)
 * @param targetItem the item the sample is about (the target of a recommendation task, the item of
 *     item2index/index2item), or {@code -1} (preferenceobtain)
 * @param user the user id, or {@code null} for item-level tasks
 */
public record Sample(
        TaskType task,
        int templateId,
        String instruction,
        String response,
        int targetItem,
        String user) {
    /** Validates the non-null fields. */
    public Sample {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(instruction, "instruction");
        Objects.requireNonNull(response, "response");
    }

    /**
     * @return the instruction in LC-Rec's SFT layout, ending with the response marker (what a
     *     trainer masks out of the loss)
     */
    public String sftPrompt() {
        return SftPrompt.prompt(instruction);
    }

    /**
     * @return the full SFT text: {@link #sftPrompt()} immediately followed by the response
     */
    public String sftText() {
        return SftPrompt.full(instruction, response);
    }

    @Override
    public String toString() {
        return "Sample("
                + task.id()
                + "#"
                + templateId
                + (user == null ? "" : ", user=" + user)
                + (targetItem < 0 ? "" : ", target=" + targetItem)
                + ": \""
                + instruction
                + "\" -> \""
                + response
                + "\")";
    }
}
