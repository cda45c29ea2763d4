package com.rediacc.queue.tasks.lifecycle;

import com.rediacc.queue.tasks.Task;
import com.rediacc.queue.tasks.TaskStatus;

import java.time.Instant;

/**
 * The states a task can be in, as the state machine tells them apart: its status and what else
 * decides the rules (a lease, a cancel request, a lost attempt, a time not yet due, a group's hold). Shared by the
 * state machine's table test and the store's conformance suite, which writes each of them as a row.
 */
public final class TaskStates {
    public static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    public static final long LEASE = 7;
    public static final String ATTEMPT = "attempt-1";
    public static final java.util.UUID GROUP = java.util.UUID.fromString("00000000-0000-0000-0000-00000000000a");

    public enum State {
        PENDING, PENDING_NOT_DUE, PENDING_HELD, ASSIGNED, PROCESSING, PROCESSING_CANCEL_REQUESTED, PROCESSING_LOST,
        COMPLETED, FAILED, CANCELLED
    }

    private TaskStates() {
    }

    public static Task task(State state) {
        return builder(state).build();
    }

    public static TaskBuilder builder(State state) {
        return switch (state) {
            case PENDING -> TaskBuilder.task(TaskStatus.PENDING);
            case PENDING_NOT_DUE -> TaskBuilder.task(TaskStatus.PENDING).notBefore(NOW.plusSeconds(3600));
            case PENDING_HELD -> TaskBuilder.task(TaskStatus.PENDING).inGroup(GROUP, true);
            case ASSIGNED -> TaskBuilder.task(TaskStatus.ASSIGNED).lease(LEASE).attemptToken(ATTEMPT);
            case PROCESSING -> TaskBuilder.task(TaskStatus.PROCESSING).lease(LEASE).attemptToken(ATTEMPT);
            case PROCESSING_CANCEL_REQUESTED -> TaskBuilder.task(TaskStatus.PROCESSING).lease(LEASE).attemptToken(ATTEMPT)
                    .cancelRequested(true);
            case PROCESSING_LOST -> TaskBuilder.task(TaskStatus.PROCESSING).attemptToken(ATTEMPT).lostSince(NOW.minusSeconds(10));
            case COMPLETED -> TaskBuilder.task(TaskStatus.COMPLETED).attemptToken(ATTEMPT);
            case FAILED -> TaskBuilder.task(TaskStatus.FAILED).attemptToken(ATTEMPT);
            case CANCELLED -> TaskBuilder.task(TaskStatus.CANCELLED).attemptToken(ATTEMPT);
        };
    }
}
