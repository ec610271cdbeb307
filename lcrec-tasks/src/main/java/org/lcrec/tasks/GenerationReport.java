package org.lcrec.tasks;

import java.util.List;
import org.lcrec.core.Split;

/**
 * What a generation run produced, per task.
 *
 * @param split the split
 * @param tasks one entry per task, in generation order
 */
public record GenerationReport(Split split, List<TaskCount> tasks) {
    /** Copies the list. */
    public GenerationReport {
        tasks = List.copyOf(tasks);
    }

    /**
     * @return the total number of samples
     */
    public long samples() {
        long n = 0;
        for (TaskCount t : tasks) {
            n += t.samples();
        }
        return n;
    }

    /**
     * Counts for one task.
     *
     * @param task the task
     * @param examples base examples visited (positions, items or users, after subsampling)
     * @param samples samples produced
     * @param skippedExamples examples that produced nothing because no template's fields were
     *     available (e.g. an item with neither title nor description)
     * @param skippedPairs (example, template) pairs left out because the template needs a field the
     *     example lacks (e.g. a description template for an item without description)
     */
    public record TaskCount(
            TaskType task, long examples, long samples, long skippedExamples, long skippedPairs) {
        @Override
        public String toString() {
            return task.id()
                    + ": samples="
                    + samples
                    + ", examples="
                    + examples
                    + ", skippedExamples="
                    + skippedExamples
                    + ", skippedPairs="
                    + skippedPairs;
        }
    }

    @Override
    public String toString() {
        return "GenerationReport(split="
                + split.name().toLowerCase(java.util.Locale.ROOT)
                + ", samples="
                + samples()
                + ", "
                + tasks
                + ")";
    }
}
