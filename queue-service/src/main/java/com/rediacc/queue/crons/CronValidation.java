package com.rediacc.queue.crons;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rediacc.queue.tasks.NewTask;
import com.rediacc.queue.tasks.TaskValidation;
import com.rediacc.queue.vault.Redaction;
import com.rediacc.web.FieldError;
import com.rediacc.web.ProblemException;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Field checks for a cron; every bad field is reported at once, and nothing is stored. */
final class CronValidation {
    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    static final int MAX_CHECKIN_MARGIN = 7 * 24 * 60;
    static final int MAX_RUNTIME = 7 * 24 * 60;

    private CronValidation() {
    }

    /**
     * A cron as asked for, checked. {@code vaultData} is the plaintext to encrypt (null: none given);
     * {@code team} may be null (the machine's team).
     */
    record Checked(String name, String team, String machine, String command, CronSchedule schedule, int priority,
                   String tag, boolean resumable, int maxRetries, int retryDelay, Integer timeoutSeconds,
                   byte[] vaultData, JsonNode vaultDataShape, int checkinMargin, Integer maxRuntimeMinutes,
                   Cron.Overlap overlap, String onExitCommand, boolean enabled) {
    }

    static Checked forCreate(CronRequest request, int maxCommandBytes, ObjectMapper json) {
        if (request == null) {
            throw ProblemException.badRequest("a JSON body with the cron is required: "
                    + "{\"name\": ..., \"machine\": ..., \"command\": ..., \"cronString\": ...}");
        }
        List<FieldError> errors = new ArrayList<>();
        if (request.name() == null || !NAME.matcher(request.name()).matches()) {
            errors.add(new FieldError("name", "lowercase letters, digits and '-', 1-63 characters, starting with a letter or digit"));
        }
        return check(errors, request.name(), request.team(), request.machine(), request.command(), request.cronString(),
                request.timezone() == null ? "UTC" : request.timezone(),
                orDefault(request.priority(), NewTask.DEFAULT_PRIORITY), request.tag(), Boolean.TRUE.equals(request.resumable()),
                orDefault(request.maxRetries(), 0), orDefault(request.retryDelay(), NewTask.DEFAULT_RETRY_DELAY),
                request.timeoutSeconds(), request.vaultData(), orDefault(request.checkinMargin(), Cron.DEFAULT_CHECKIN_MARGIN_MINUTES),
                request.maxRuntimeInMinutes(), request.overlap() == null ? Cron.Overlap.SKIP : request.overlap(),
                request.onExit() == null ? null : request.onExit().command(),
                !Boolean.FALSE.equals(request.enabled()), maxCommandBytes, json);
    }

    /** {@code existing} with the fields {@code patch} gives; the name cannot change. */
    static Checked forUpdate(Cron existing, CronRequest patch, int maxCommandBytes, ObjectMapper json) {
        if (patch == null) {
            throw ProblemException.badRequest("a JSON body with the fields to change is required");
        }
        List<FieldError> errors = new ArrayList<>();
        if (patch.name() != null && !patch.name().equals(existing.name())) {
            errors.add(new FieldError("name", "cannot change; create a new cron and delete this one"));
        }
        return check(errors, existing.name(), patch.team() != null ? patch.team() : existing.team(),
                or(patch.machine(), existing.machine()), or(patch.command(), existing.command()),
                or(patch.cronString(), existing.cronString()), or(patch.timezone(), existing.timezone()),
                orDefault(patch.priority(), existing.priority()), or(patch.tag(), existing.tag()),
                patch.resumable() != null ? patch.resumable() : existing.resumable(),
                orDefault(patch.maxRetries(), existing.maxRetries()), orDefault(patch.retryDelay(), existing.retryDelay()),
                patch.timeoutSeconds() != null ? patch.timeoutSeconds() : existing.timeoutSeconds(), patch.vaultData(),
                orDefault(patch.checkinMargin(), existing.checkinMarginMinutes()),
                patch.maxRuntimeInMinutes() != null ? patch.maxRuntimeInMinutes() : existing.maxRuntimeMinutes(),
                patch.overlap() != null ? patch.overlap() : existing.overlap(),
                // {"onExit": {}} removes it
                patch.onExit() != null ? patch.onExit().command() : existing.onExitCommand(),
                patch.enabled() != null ? patch.enabled() : existing.enabled(), maxCommandBytes, json);
    }

    private static Checked check(List<FieldError> errors, String name, String team, String machine, String command,
                                 String cronString, String timezone, int priority, String tag, boolean resumable,
                                 int maxRetries, int retryDelay, Integer timeoutSeconds, JsonNode vaultData,
                                 int checkinMargin, Integer maxRuntime, Cron.Overlap overlap, String onExit,
                                 boolean enabled, int maxCommandBytes, ObjectMapper json) {
        if (machine == null || machine.isBlank()) {
            errors.add(new FieldError("machine", "is required"));
        }
        TaskValidation.command(errors, "command", command, maxCommandBytes);
        CronSchedule schedule = null;
        try {
            schedule = CronSchedule.parse(cronString, timezone);
        } catch (CronSchedule.InvalidSchedule e) {
            errors.add(new FieldError(e.field(), e.getMessage()));
        }
        TaskValidation.options(errors, priority, maxRetries, retryDelay, timeoutSeconds, tag);
        byte[] plaintext = TaskValidation.vaultData(errors, vaultData, json);
        TaskValidation.range(errors, "checkinMargin", checkinMargin, 0, MAX_CHECKIN_MARGIN);
        if (maxRuntime != null) {
            TaskValidation.range(errors, "maxRuntimeInMinutes", maxRuntime, 1, MAX_RUNTIME);
        }
        if (onExit != null) {
            TaskValidation.command(errors, "onExit.command", onExit, maxCommandBytes);
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        return new Checked(name, team, machine, command, schedule, priority, tag, resumable, maxRetries, retryDelay,
                timeoutSeconds, plaintext, plaintext == null ? null : Redaction.shape(vaultData), checkinMargin, maxRuntime,
                overlap, onExit, enabled);
    }

    private static int orDefault(Integer value, int fallback) {
        return value == null ? fallback : value;
    }

    private static String or(String value, String fallback) {
        return value == null ? fallback : value;
    }
}
