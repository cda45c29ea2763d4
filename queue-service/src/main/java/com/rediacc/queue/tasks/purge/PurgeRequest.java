package com.rediacc.queue.tasks.purge;

import com.rediacc.queue.tasks.TaskStatus;
import com.rediacc.web.FieldError;
import com.rediacc.web.ProblemException;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code POST /api/v1/tasks/purge}: cancel the not-ended tasks that match every given criterion.
 * {@code status} defaults to every not-ended status; at least one of machine, team, priority,
 * createdBefore and tag, or {@code all: true}, so that an empty filter never cancels everything by
 * accident. {@code upTo} is the answer's, sent back to go on with the same purge.
 */
public record PurgeRequest(List<String> status, String machine, String team, Integer priority, String createdBefore,
                           String tag, Boolean all, Boolean dryRun, Long upTo) {
    static final List<TaskStatus> NOT_ENDED = List.of(TaskStatus.PENDING, TaskStatus.ASSIGNED, TaskStatus.PROCESSING);

    /** The request as checked: 400 naming each bad field, before anything is read or changed. */
    record Checked(List<TaskStatus> statuses, Instant createdBefore, boolean all, boolean dryRun) {
    }

    static Checked check(PurgeRequest request) {
        if (request == null) {
            throw ProblemException.invalid(List.of(new FieldError("machine", "a purge needs a filter")));
        }
        List<FieldError> errors = new ArrayList<>();
        List<TaskStatus> statuses = request.status() == null || request.status().isEmpty() ? NOT_ENDED
                : request.statuses(errors);
        if (request.priority() != null && (request.priority() < 1 || request.priority() > 5)) {
            errors.add(new FieldError("priority", "must be between 1 and 5"));
        }
        Instant createdBefore = null;
        if (request.createdBefore() != null) {
            try {
                createdBefore = Instant.parse(request.createdBefore());
            } catch (DateTimeParseException e) {
                errors.add(new FieldError("createdBefore", "must be an ISO-8601 instant, e.g. 2026-12-01T00:00:00Z"));
            }
        }
        if (request.upTo() != null && request.upTo() < 0) {
            errors.add(new FieldError("upTo", "must be the upTo of an earlier answer"));
        }
        boolean all = Boolean.TRUE.equals(request.all());
        if (!all && request.machine() == null && request.team() == null && request.priority() == null
                && request.createdBefore() == null && request.tag() == null) {
            errors.add(new FieldError("all", "give at least one of machine, team, priority, createdBefore, tag; "
                    + "or all: true to cancel every not-ended task you may cancel"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        return new Checked(statuses, createdBefore, all, Boolean.TRUE.equals(request.dryRun()));
    }

    private List<TaskStatus> statuses(List<FieldError> errors) {
        List<TaskStatus> statuses = new ArrayList<>();
        for (String raw : status) {
            try {
                TaskStatus one = TaskStatus.valueOf(String.valueOf(raw).trim().toUpperCase(Locale.ROOT));
                if (!NOT_ENDED.contains(one)) {
                    throw new IllegalArgumentException();
                }
                if (!statuses.contains(one)) {
                    statuses.add(one);
                }
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("status", "'" + raw + "': a purge cancels tasks that have not ended: " + NOT_ENDED));
            }
        }
        return statuses;
    }
}
