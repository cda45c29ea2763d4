package com.rediacc.queue.tasks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rediacc.web.FieldError;
import com.rediacc.web.ProblemException;
import com.rediacc.queue.vault.Redaction;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Field checks for a new task; every bad field is reported at once. */
public final class TaskValidation {
    static final int MAX_RETRIES = 100;
    static final int MAX_RETRY_DELAY = 86_400;
    static final int MAX_TIMEOUT = 7 * 86_400;
    static final Duration MAX_DELAY = Duration.ofDays(30);
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,62}");
    private static final int MAX_IDEMPOTENCY_KEY = 255;
    static final int MAX_VAULT_DATA_BYTES = 64 * 1024;

    private TaskValidation() {
    }

    public static NewTask validate(TaskRequest request, int maxCommandBytes, Instant now) {
        return validate(request, maxCommandBytes, now, new ObjectMapper());
    }

    public static NewTask validate(TaskRequest request, int maxCommandBytes, Instant now, ObjectMapper json) {
        if (request == null) {
            throw ProblemException.badRequest("a JSON body with the task is required: {\"machine\": ..., \"command\": ...}");
        }
        List<FieldError> errors = new ArrayList<>();
        target(errors, request);
        if (request.function() == null) {
            command(errors, "command", request.command(), maxCommandBytes);
        } else if (request.command() != null) {
            errors.add(new FieldError("command", "give command or function, not both"));
        } else if (request.vaultData() != null && !request.vaultData().isNull()) {
            errors.add(new FieldError("vaultData", "a function takes its secrets as secret params"));
        }
        if (request.function() == null && (request.version() != null || request.params() != null)) {
            errors.add(new FieldError(request.version() != null ? "version" : "params", "only with function"));
        }
        String onExit = null;
        if (request.onExit() != null) {
            onExit = request.onExit().command();
            command(errors, "onExit.command", onExit, maxCommandBytes);
        }
        int priority = orDefault(request.priority(), NewTask.DEFAULT_PRIORITY);
        int maxRetries = orDefault(request.maxRetries(), 0);
        int retryDelay = orDefault(request.retryDelay(), NewTask.DEFAULT_RETRY_DELAY);
        options(errors, priority, maxRetries, retryDelay, request.timeoutSeconds(), request.tag());
        Instant notBefore = request.notBefore();
        if (notBefore != null && request.delaySeconds() != null) {
            errors.add(new FieldError("delaySeconds", "give either notBefore or delaySeconds, not both"));
        } else if (request.delaySeconds() != null) {
            range(errors, "delaySeconds", request.delaySeconds(), 0, (int) MAX_DELAY.toSeconds());
            notBefore = request.delaySeconds() > 0 ? now.plusSeconds(request.delaySeconds()) : null;
        } else if (notBefore != null && notBefore.isAfter(now.plus(MAX_DELAY))) {
            errors.add(new FieldError("notBefore", "must be within " + MAX_DELAY.toDays() + " days"));
        }
        String key = request.idempotencyKey();
        if (key != null && (key.isBlank() || key.length() > MAX_IDEMPOTENCY_KEY)) {
            errors.add(new FieldError("idempotencyKey", "must be 1-" + MAX_IDEMPOTENCY_KEY + " characters"));
        }
        byte[] vaultData = vaultData(errors, request.vaultData(), json);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        return new NewTask(request.machine(), request.command(), priority, maxRetries, retryDelay,
                request.retryBackoff() == null ? Task.RetryBackoff.FIXED : request.retryBackoff(),
                request.failureAction() == null ? Task.FailureAction.NONE : request.failureAction(),
                request.tag(), Boolean.TRUE.equals(request.resumable()), request.timeoutSeconds(), notBefore, key, null,
                vaultData, vaultData == null ? null : Redaction.shape(request.vaultData()), onExit, null, null, null, null, false);
    }

    /** Where the task runs: one machine, or one picked from a selector's machines. */
    private static void target(List<FieldError> errors, TaskRequest request) {
        if (request.selector() == null) {
            if (request.machine() == null || request.machine().isBlank()) {
                errors.add(new FieldError("machine", "is required (or a selector with pick ANY)"));
            }
            if (request.pick() != null) {
                errors.add(new FieldError("pick", "only with selector"));
            }
            return;
        }
        if (request.machine() != null) {
            errors.add(new FieldError("machine", "give machine or selector, not both"));
        }
        if (request.pick() == null) {
            errors.add(new FieldError("pick", "is required with selector: ANY"));
        }
        if (request.selector().team() == null || request.selector().team().isBlank()) {
            errors.add(new FieldError("selector.team", "is required"));
        }
        if (request.selector().tags() != null && request.selector().tags().stream().anyMatch(t -> t == null || t.isBlank())) {
            errors.add(new FieldError("selector.tags", "must not be empty"));
        }
    }

    /** How a task runs: its priority, retries and their delay, time limit and bridge tag. */
    public static void options(List<FieldError> errors, int priority, int maxRetries, int retryDelay, Integer timeoutSeconds,
                               String tag) {
        options(errors, "", priority, maxRetries, retryDelay, timeoutSeconds, tag);
    }

    /** As above, the fields named with {@code prefix} (e.g. "defaults."). */
    public static void options(List<FieldError> errors, String prefix, int priority, int maxRetries, int retryDelay,
                               Integer timeoutSeconds, String tag) {
        if (priority < 1 || priority > 5) {
            errors.add(new FieldError(prefix + "priority", "must be between 1 (highest) and 5 (lowest)"));
        }
        range(errors, prefix + "maxRetries", maxRetries, 0, MAX_RETRIES);
        range(errors, prefix + "retryDelay", retryDelay, 0, MAX_RETRY_DELAY);
        if (timeoutSeconds != null) {
            range(errors, prefix + "timeoutSeconds", timeoutSeconds, 1, MAX_TIMEOUT);
        }
        if (tag != null && !TAG.matcher(tag).matches()) {
            errors.add(new FieldError(prefix + "tag", "must be letters, digits, '_' and '-', 1-63 characters"));
        }
    }

    /** A vaultData document as the bytes to encrypt (null when none); never kept beyond its encryption. */
    public static byte[] vaultData(List<FieldError> errors, JsonNode value, ObjectMapper json) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            errors.add(new FieldError("vaultData", "must be a JSON object"));
            return null;
        }
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            errors.add(new FieldError("vaultData", "cannot be serialised"));
            return null;
        }
        if (bytes.length > MAX_VAULT_DATA_BYTES) {
            errors.add(new FieldError("vaultData", "is larger than " + MAX_VAULT_DATA_BYTES + " bytes"));
        }
        return bytes;
    }

    /** A shell command: required, at most {@code maxBytes} of UTF-8, no NUL. */
    public static void command(List<FieldError> errors, String field, String command, int maxBytes) {
        if (command == null || command.isBlank()) {
            errors.add(new FieldError(field, "is required"));
        } else if (command.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
            errors.add(new FieldError(field, "is longer than " + maxBytes + " bytes"));
        } else if (command.indexOf('\0') >= 0) {
            errors.add(new FieldError(field, "must not contain NUL characters"));
        }
    }

    private static int orDefault(Integer value, int fallback) {
        return value == null ? fallback : value;
    }

    public static void range(List<FieldError> errors, String field, int value, int min, int max) {
        if (value < min || value > max) {
            errors.add(new FieldError(field, "must be between " + min + " and " + max));
        }
    }
}
