package com.rediacc.queue.tasks;

import com.fasterxml.jackson.core.JsonProcessingException;
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
        int priority = orDefault(request.priority(), NewTask.DEFAULT_PRIORITY);
        if (priority < 1 || priority > 5) {
            errors.add(new FieldError("priority", "must be between 1 (highest) and 5 (lowest)"));
        }
        int maxRetries = orDefault(request.maxRetries(), 0);
        range(errors, "maxRetries", maxRetries, 0, MAX_RETRIES);
        int retryDelay = orDefault(request.retryDelay(), NewTask.DEFAULT_RETRY_DELAY);
        range(errors, "retryDelay", retryDelay, 0, MAX_RETRY_DELAY);
        if (request.timeoutSeconds() != null) {
            range(errors, "timeoutSeconds", request.timeoutSeconds(), 1, MAX_TIMEOUT);
        }
        if (request.tag() != null && !TAG.matcher(request.tag()).matches()) {
            errors.add(new FieldError("tag", "must be letters, digits, '_' and '-', 1-63 characters"));
        }
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
        byte[] vaultData = null;
        if (request.vaultData() != null && !request.vaultData().isNull()) {
            if (!request.vaultData().isObject()) {
                errors.add(new FieldError("vaultData", "must be a JSON object"));
            } else {
                try {
                    vaultData = json.writeValueAsBytes(request.vaultData());
                } catch (JsonProcessingException e) {
                    errors.add(new FieldError("vaultData", "cannot be serialised"));
                }
                if (vaultData != null && vaultData.length > MAX_VAULT_DATA_BYTES) {
                    errors.add(new FieldError("vaultData", "is larger than " + MAX_VAULT_DATA_BYTES + " bytes"));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        return new NewTask(request.machine(), request.command(), priority, maxRetries, retryDelay,
                request.retryBackoff() == null ? Task.RetryBackoff.FIXED : request.retryBackoff(),
                request.failureAction() == null ? Task.FailureAction.NONE : request.failureAction(),
                request.tag(), Boolean.TRUE.equals(request.resumable()), request.timeoutSeconds(), notBefore, key, null,
                vaultData, vaultData == null ? null : Redaction.shape(request.vaultData()));
    }

    private static int orDefault(Integer value, int fallback) {
        return value == null ? fallback : value;
    }

    private static void range(List<FieldError> errors, String field, int value, int min, int max) {
        if (value < min || value > max) {
            errors.add(new FieldError(field, "must be between " + min + " and " + max));
        }
    }
}
