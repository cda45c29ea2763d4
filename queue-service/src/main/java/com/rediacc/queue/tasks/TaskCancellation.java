package com.rediacc.queue.tasks;

import com.rediacc.queue.tasks.lifecycle.Decision;
import com.rediacc.queue.tasks.lifecycle.TaskEvent;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.UUID;
import java.util.function.Consumer;

/** Cancel: PENDING and ASSIGNED end at once; a running task is asked to stop (its bridge kills the remote command). */
@Singleton
public class TaskCancellation {
    @Inject
    TaskTransitions transitions;

    /** {@code authorize} sees the task first and throws to refuse. */
    public Uni<CancelResult> cancel(UUID taskId, String actor, Consumer<Task> authorize) {
        return transitions.apply(taskId, new TaskEvent.Cancel(), actor, authorize).map(outcome -> {
            if (!outcome.found()) {
                return new CancelResult(taskId, CancelResult.Result.NOT_FOUND, null, "no such task");
            }
            Task task = outcome.before();
            return switch (outcome.decision()) {
                case Decision.Refuse refuse -> new CancelResult(taskId, CancelResult.Result.ALREADY_TERMINAL,
                        task.status(), "task already ended " + task.status());
                case Decision.Stay stay -> new CancelResult(taskId, CancelResult.Result.CANCEL_REQUESTED, task.status(),
                        "already requested");
                case Decision.Move move when move.to() == TaskStatus.CANCELLED -> new CancelResult(taskId,
                        CancelResult.Result.CANCELLED, move.to(), null);
                case Decision.Move move -> new CancelResult(taskId, CancelResult.Result.CANCEL_REQUESTED, move.to(),
                        "the bridge kills the remote process; the task ends CANCELLED");
            };
        });
    }
}
