package com.rediacc.queue.tasks;

import com.rediacc.queue.api.FieldError;
import com.rediacc.queue.api.ProblemException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Field checks for a new task; every bad field is reported at once. */
public final class TaskValidation {
    private TaskValidation() {
    }

    public static NewTask validate(TaskRequest request, int maxCommandBytes) {
        if (request == null) {
            throw ProblemException.badRequest("a JSON body with the task is required: {\"machine\": ..., \"command\": ...}");
        }
        List<FieldError> errors = new ArrayList<>();
        if (request.machine() == null || request.machine().isBlank()) {
            errors.add(new FieldError("machine", "is required"));
        }
        if (request.command() == null || request.command().isBlank()) {
            errors.add(new FieldError("command", "is required"));
        } else if (request.command().getBytes(StandardCharsets.UTF_8).length > maxCommandBytes) {
            errors.add(new FieldError("command", "is longer than " + maxCommandBytes + " bytes"));
        } else if (request.command().indexOf('\0') >= 0) {
            errors.add(new FieldError("command", "must not contain NUL characters"));
        }
        int priority = request.priority() == null ? NewTask.DEFAULT_PRIORITY : request.priority();
        if (priority < 1 || priority > 5) {
            errors.add(new FieldError("priority", "must be between 1 (highest) and 5 (lowest)"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        return new NewTask(request.machine(), request.command(), priority);
    }
}
