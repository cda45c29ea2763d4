package com.rediacc.queue.tasks;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.UUID;

/**
 * A validated request to enqueue a command on a machine. {@code vaultData} is the plaintext secret
 * document, kept only until it is encrypted; it is never stored or logged.
 */
public record NewTask(
        String machine,
        String command,
        int priority,
        int maxRetries,
        int retryDelay,
        Task.RetryBackoff retryBackoff,
        Task.FailureAction failureAction,
        String tag,
        boolean resumable,
        Integer timeoutSeconds,
        Instant notBefore,
        String idempotencyKey,
        UUID retriedFrom,
        byte[] vaultData,
        JsonNode vaultDataShape) {

    public static final int DEFAULT_PRIORITY = 3;
    public static final int DEFAULT_RETRY_DELAY = 30;

    /** The same work again, as a new task linked to {@code original}. */
    public static NewTask again(Task original) {
        return new NewTask(original.machine(), original.command(), original.priority(), original.maxRetries(),
                original.retryDelay(), original.retryBackoff(), original.failureAction(), original.tag(),
                original.resumable(), original.timeoutSeconds(), null, null, original.taskId(), null, null);
    }

    @Override
    public String toString() {
        return "NewTask[machine=" + machine + ", priority=" + priority + ", vaultData=" + (vaultData == null ? "none" : "[encrypted]") + "]";
    }

    /** Whether a request carrying the same idempotency key asks for the same work as {@code task}. */
    boolean sameWorkAs(Task task) {
        return machine.equals(task.machine()) && command.equals(task.command()) && priority == task.priority();
    }
}
