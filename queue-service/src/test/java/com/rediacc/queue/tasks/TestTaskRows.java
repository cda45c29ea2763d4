package com.rediacc.queue.tasks;

import com.rediacc.queue.tasks.store.TaskStore;
import com.rediacc.queue.tasks.store.TaskStore.NewTaskRow;

import java.util.UUID;

/** Rows for {@link TaskStore#create} in tests: team "ops", created by "test", no audit record. */
final class TestTaskRows {
    private TestTaskRows() {
    }

    /** A new task of {@code command} on {@code machine}, every other field at its default. */
    static NewTaskRow row(String machine, String command) {
        UUID taskId = TaskIds.next();
        NewTask task = new NewTask(machine, command, 3, 0, 30, Task.RetryBackoff.FIXED, Task.FailureAction.NONE,
                null, false, null, null, null, null, null, null, null, null, null, null, null, false);
        return new NewTaskRow(taskId, "ops", task, null, "test", null);
    }
}
