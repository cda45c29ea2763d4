package com.rediacc.queue.crons;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.rediacc.queue.tasks.TaskStatus;

import java.time.Instant;
import java.util.UUID;

/**
 * One run of a cron: a slot and what became of it. A run with a task has its task's state
 * (SCHEDULED until it starts, RUNNING, SUCCEEDED, FAILED, CANCELLED); a slot without one was
 * SKIPPED (the previous run was still active), MISSED (the service was down or the cron paused) or
 * FAILED (its task could not be created). {@code late}: it had not started checkinMargin after its slot.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CronRunView(String cron, Instant slot, Kind kind, State state, UUID taskId, String detail, boolean late,
                          Instant recordedAt) {

    public enum Kind { SCHEDULED, CATCH_UP, MANUAL }

    public enum State { SCHEDULED, RUNNING, SUCCEEDED, FAILED, CANCELLED, SKIPPED, MISSED }

    /** The state of a run whose task is {@code status} (null: the task is gone). */
    public static State of(TaskStatus status) {
        if (status == null) {
            return State.SCHEDULED;
        }
        return switch (status) {
            case PENDING, ASSIGNED -> State.SCHEDULED;
            case PROCESSING -> State.RUNNING;
            case COMPLETED -> State.SUCCEEDED;
            case FAILED -> State.FAILED;
            case CANCELLED -> State.CANCELLED;
        };
    }
}
