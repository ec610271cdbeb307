package org.lcrec.tasks;

import org.lcrec.core.DatasetException;

/**
 * A task cannot be built from a dataset (for example a text task on a dataset without item texts,
 * or an intention task without {@code .user.json}). The message names the dataset, the task and
 * what is missing.
 */
public class TaskUnavailableException extends DatasetException {
    private static final long serialVersionUID = 1L;

    /** The task that is unavailable. */
    private final TaskType task;

    /**
     * @param task the task
     * @param message what is missing, and where
     */
    public TaskUnavailableException(TaskType task, String message) {
        super(message);
        this.task = task;
    }

    /**
     * @return the task that is unavailable
     */
    public TaskType task() {
        return task;
    }
}
