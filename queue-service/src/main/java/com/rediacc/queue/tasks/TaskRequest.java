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
        OnExit onExit,
        String function,
        Integer version,
        JsonNode params,
        Selector selector,
        Pick pick) {

    /** A follow-up command run on the same machine once the task ended, whatever its end. */
    public record OnExit(String command) {
    }

    /** Machines by team and tags (every tag given). */
    public record Selector(String team, java.util.List<String> tags) {
    }

    /** How a task with a selector picks its one machine. */
    public enum Pick {
        /** The matching machine with the least work (running and pending), when the task is created. */
        ANY
    }

    /** This request for {@code target} (a machine picked from a selector, or a group's machine). */
    public TaskRequest machine(String target) {
        return new TaskRequest(target, command, priority, maxRetries, retryDelay, retryBackoff, failureAction, tag, resumable,
                timeoutSeconds, notBefore, delaySeconds, idempotencyKey, vaultData, onExit, function, version, params, null,
                null);
    }

    public static TaskRequest of(String machine, String command, Integer priority) {
        return new TaskRequest(machine, command, priority, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }
}
