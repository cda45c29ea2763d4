package com.rediacc.queue.tasks;

import com.rediacc.web.ProblemException;
import com.rediacc.queue.tasks.lifecycle.Decision;

import java.util.Optional;
import java.util.UUID;

/** The answers for what went wrong with a task request. */
public final class TaskProblems {
    private TaskProblems() {
    }

    public static ProblemException unknownTask(UUID taskId) {
        return ProblemException.notFound("no task " + taskId);
    }

    public static ProblemException unknownMachine(String machine) {
        return ProblemException.notFound("no machine named '" + machine + "'; register it with POST /api/v1/machines");
    }

    /** A refused event: 409, the task is not in a state it applies to. */
    public static ProblemException refused(Decision.Refuse refusal) {
        return ProblemException.conflict(refusal.detail());
    }

    /** A bridge report about a task whose lease it does not hold (or a task that does not exist). */
    public static ProblemException leaseNotHeld(UUID taskId) {
        return ProblemException.conflict("task " + taskId + ": lease is not held (expired, reassigned or the task was cancelled)");
    }

    public static Optional<UUID> parseId(String raw) {
        try {
            return Optional.of(UUID.fromString(raw));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
