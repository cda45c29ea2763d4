package com.rediacc.queue.tasks;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.UUID;

/** What a cancel did to one task. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CancelResult(UUID taskId, Result result, TaskStatus status, String detail) {
    public enum Result {
        /** It was PENDING or ASSIGNED and is CANCELLED now. */
        CANCELLED,
        /** It is PROCESSING: the bridge kills the remote process and the task ends CANCELLED. */
        CANCEL_REQUESTED,
        /** It had already ended; nothing changed. */
        ALREADY_TERMINAL,
        NOT_FOUND,
        /** The caller may see the task but not cancel it (role below OPERATOR); nothing changed. */
        FORBIDDEN
    }
}
