package com.rediacc.queue.tasks;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/**
 * Body of {@code POST /api/v1/tasks}. Unknown fields are rejected, so a field this version does not
 * implement is an error rather than silently ignored.
 */
public record TaskRequest(
        String machine,
        String command,
        Integer priority,
        Integer maxRetries,
        Integer retryDelay,
        Task.RetryBackoff retryBackoff,
        Task.FailureAction failureAction,
        String tag,
        Boolean resumable,
        Integer timeoutSeconds,
        Instant notBefore,
        Integer delaySeconds,
        String idempotencyKey,
        JsonNode vaultData,
        OnExit onExit) {

    /** A follow-up command run on the same machine once the task ended, whatever its end. */
    public record OnExit(String command) {
    }

    public static TaskRequest of(String machine, String command, Integer priority) {
        return new TaskRequest(machine, command, priority, null, null, null, null, null, null, null, null, null, null, null, null);
    }
}
