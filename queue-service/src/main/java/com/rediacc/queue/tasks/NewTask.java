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
        JsonNode vaultDataShape,
        String onExitCommand,
        UUID onExitOf,
        String stdinData,
        FunctionCall function,
        UUID groupId,
        boolean held) {

    public static final int DEFAULT_PRIORITY = 3;
    public static final int DEFAULT_RETRY_DELAY = 30;

    /** The same work again, as a new task linked to {@code original}. */
    public static NewTask again(Task original) {
        return new NewTask(original.machine(), original.command(), original.priority(), original.maxRetries(),
                original.retryDelay(), original.retryBackoff(), original.failureAction(), original.tag(),
                original.resumable(), original.timeoutSeconds(), null, null, original.taskId(), null, null,
                original.onExitCommand(), original.onExitOf(), original.stdinData(), original.function(), null, false);
    }

    /**
     * The onExit follow-up of {@code ended}: its onExit command on the same machine, with the ended
     * task as JSON on stdin ({@code endedJson}); a follow-up has no follow-up of its own.
     */
    public static NewTask onExitOf(Task ended, String endedJson) {
        return new NewTask(ended.machine(), ended.onExitCommand(), ended.priority(), 0, DEFAULT_RETRY_DELAY,
                Task.RetryBackoff.FIXED, Task.FailureAction.NONE, ended.tag(), false, ended.timeoutSeconds(), null, null,
                null, null, null, null, ended.taskId(), endedJson, null, null, false);
    }

    /** This task showing {@code original}'s vaultData shape: it carries the same ciphertext (a group's retry). */
    public NewTask keepingSecretsOf(Task original) {
        return new NewTask(machine, command, priority, maxRetries, retryDelay, retryBackoff, failureAction, tag, resumable,
                timeoutSeconds, notBefore, idempotencyKey, retriedFrom, null, original.vaultDataShape(), onExitCommand,
                onExitOf, stdinData, function, groupId, held);
    }

    /** This task on {@code target} instead. */
    public NewTask on(String target) {
        return new NewTask(target, command, priority, maxRetries, retryDelay, retryBackoff, failureAction, tag, resumable,
                timeoutSeconds, notBefore, idempotencyKey, retriedFrom, vaultData, vaultDataShape, onExitCommand, onExitOf,
                stdinData, function, groupId, held);
    }

    /** This task running {@code call} (its command being the function's script). */
    public NewTask running(FunctionCall call) {
        return new NewTask(machine, command, priority, maxRetries, retryDelay, retryBackoff, failureAction, tag, resumable,
                timeoutSeconds, notBefore, idempotencyKey, retriedFrom, vaultData, vaultDataShape, onExitCommand, onExitOf,
                stdinData, call, groupId, held);
    }

    /** This task as one of group {@code group}'s, held until the group releases it when {@code held}. */
    public NewTask inGroup(UUID group, boolean isHeld) {
        return new NewTask(machine, command, priority, maxRetries, retryDelay, retryBackoff, failureAction, tag, resumable,
                timeoutSeconds, notBefore, idempotencyKey, retriedFrom, vaultData, vaultDataShape, onExitCommand, onExitOf,
                stdinData, function, group, isHeld);
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
