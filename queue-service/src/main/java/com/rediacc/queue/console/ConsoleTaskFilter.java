package com.rediacc.queue.console;

import com.rediacc.queue.tasks.TaskStatus;
import com.rediacc.web.FieldError;
import com.rediacc.web.ProblemException;
import jakarta.ws.rs.core.MultivaluedMap;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * What the console's task list shows, as its URL says it ({@code ?status=&priority=&team=&machine=
 * &tag=&from=&to=&q=&id=}): status may be a comma-separated list, {@code from}/{@code to} are
 * ISO-8601 instants of creation, {@code q} text in the command, {@code id} a task id or a part of one
 * (the console shows ids by their last 8 digits).
 */
public record ConsoleTaskFilter(List<String> statuses, Integer priority, String team, String machine, String tag,
                                Instant from, Instant to, String text, UUID id, String idPrefix) {
    static final ConsoleTaskFilter NONE = new ConsoleTaskFilter(null, null, null, null, null, null, null, null, null, null);

    public static ConsoleTaskFilter of(MultivaluedMap<String, String> query) {
        List<FieldError> errors = new ArrayList<>();
        List<String> statuses = null;
        String status = blankToNull(query.getFirst("status"));
        if (status != null) {
            statuses = new ArrayList<>();
            for (String one : status.split(",")) {
                try {
                    statuses.add(TaskStatus.valueOf(one.trim().toUpperCase(Locale.ROOT)).name());
                } catch (IllegalArgumentException e) {
                    errors.add(new FieldError("status", "must be one of " + List.of(TaskStatus.values())));
                }
            }
        }
        Integer priority = null;
        String p = blankToNull(query.getFirst("priority"));
        if (p != null) {
            try {
                priority = Integer.parseInt(p);
                if (priority < 1 || priority > 5) {
                    errors.add(new FieldError("priority", "must be between 1 and 5"));
                }
            } catch (NumberFormatException e) {
                errors.add(new FieldError("priority", "must be between 1 and 5"));
            }
        }
        Instant from = instant("from", query.getFirst("from"), errors);
        Instant to = instant("to", query.getFirst("to"), errors);
        String rawId = blankToNull(query.getFirst("id"));
        UUID id = null;
        String prefix = null;
        if (rawId != null) {
            String lower = rawId.trim().toLowerCase(Locale.ROOT);
            if (lower.length() == 36) {
                try {
                    id = UUID.fromString(lower);
                } catch (IllegalArgumentException e) {
                    errors.add(new FieldError("id", "is not a task id"));
                }
            } else if (lower.matches("[0-9a-f-]{1,36}")) {
                prefix = lower;
            } else {
                errors.add(new FieldError("id", "is not a task id or a part of one"));
            }
        }
        String text = blankToNull(query.getFirst("q"));
        if (text != null && text.length() > 200) {
            errors.add(new FieldError("q", "at most 200 characters"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        return new ConsoleTaskFilter(statuses, priority, blankToNull(query.getFirst("team")),
                blankToNull(query.getFirst("machine")), blankToNull(query.getFirst("tag")), from, to, text, id, prefix);
    }

    /** The same filter, narrowed to the statuses an action applies to (null: no narrowing). */
    ConsoleTaskFilter onlyStatuses(List<String> actionable) {
        List<String> narrowed = statuses == null ? actionable : statuses.stream().filter(actionable::contains).toList();
        return new ConsoleTaskFilter(narrowed, priority, team, machine, tag, from, to, text, id, idPrefix);
    }

    private static Instant instant(String field, String raw, List<FieldError> errors) {
        String value = blankToNull(raw);
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            try {
                // what <input type="datetime-local"> sends, read as UTC
                return java.time.LocalDateTime.parse(value).toInstant(java.time.ZoneOffset.UTC);
            } catch (DateTimeParseException again) {
                errors.add(new FieldError(field, "must be an ISO-8601 time such as 2026-03-01T12:00:00Z"));
                return null;
            }
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
