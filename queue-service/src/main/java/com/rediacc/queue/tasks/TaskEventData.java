package com.rediacc.queue.tasks;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.UUID;

/**
 * Data of a task lifecycle event, schema {@value #SCHEMA} (docs/events.md). Never carries the
 * output or any secret.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskEventData(
        UUID taskId,
        String team,
        String machine,
        TaskStatus status,
        TaskStatus previousStatus,
        int priority,
        int attempts,
        Integer exitCode,
        String error) {

    public static final String SCHEMA = "urn:rediacc:schema:task-event:1";

    public static String type(TaskStatus status) {
        return switch (status) {
            case PENDING -> "rediacc.task.pending";
            case ASSIGNED -> "rediacc.task.assigned";
            case PROCESSING -> "rediacc.task.processing";
            case COMPLETED -> "rediacc.task.completed";
            case FAILED -> "rediacc.task.failed";
            case CANCELLED -> "rediacc.task.cancelled";
        };
    }

    static TaskEventData of(Task task, TaskStatus previous) {
        return new TaskEventData(task.taskId(), task.team(), task.machine(), task.status(), previous,
                task.priority(), task.attempts(), task.exitCode(), task.error());
    }
}
