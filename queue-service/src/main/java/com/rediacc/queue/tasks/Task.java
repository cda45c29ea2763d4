package com.rediacc.queue.tasks;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.UUID;

/**
 * A task as stored: the domain's view of a row, with its lease and secrets. Never serialised: the
 * API shows {@link TaskView}. {@code vaultDataShape} is the vaultData document with every value
 * "[encrypted]"; {@code vaultCiphertext} the document as vault-service encrypted it. {@code lostSince}:
 * a PROCESSING task whose bridge was lost, waiting until its remote command is ended
 * (docs/state-machine.md). {@code onExitCommand} runs as a follow-up task once it ended;
 * {@code onExitOf} is the task a follow-up follows, {@code stdinData} what it reads on stdin.
 * {@code vaultDataContext}: what the ciphertext is bound to when not this task (a cron's).
 * {@code traceParent}: the W3C trace context of what created it, null when not traced (docs/adr/0019).
 * {@code archived}: read from the archive (docs/adr/0014): ended long ago, it never changes again.
 */
public record Task(
        UUID taskId,
        String team,
        String machine,
        String command,
        TaskStatus status,
        int priority,
        int retryCount,
        int maxRetries,
        int retryDelay,
        RetryBackoff retryBackoff,
        FailureAction failureAction,
        String tag,
        boolean resumable,
        Integer timeoutSeconds,
        Instant notBefore,
        String idempotencyKey,
        UUID retriedFrom,
        boolean cancelRequested,
        JsonNode vaultDataShape,
        String output,
        boolean outputTruncated,
        Integer exitCode,
        String error,
        int attempts,
        Instant createdAt,
        Instant assignedAt,
        Instant startedAt,
        Instant completedAt,
        long seq,
        Long leaseToken,
        String vaultCiphertext,
        String attemptToken,
        Instant lostSince,
        String onExitCommand,
        UUID onExitOf,
        String stdinData,
        String vaultDataContext,
        FunctionCall function,
        UUID groupId,
        boolean held,
        String traceParent,
        boolean archived) {

    /** This task with {@code progress} applied (its output kept when {@code progress} leaves it). */
    public Task with(com.rediacc.queue.tasks.lifecycle.TaskProgress progress) {
        return new Task(taskId, team, machine, command, progress.status(), priority, progress.retryCount(), maxRetries,
                retryDelay, retryBackoff, failureAction, tag, resumable, timeoutSeconds, progress.notBefore(),
                idempotencyKey, retriedFrom, progress.cancelRequested(), vaultDataShape,
                progress.output() == null ? output : progress.output(), progress.outputTruncated(), progress.exitCode(),
                progress.error(), progress.attempts(), createdAt, assignedAt, startedAt, completedAt, seq, leaseToken,
                vaultCiphertext, attemptToken, lostSince, onExitCommand, onExitOf, stdinData, vaultDataContext, function, groupId,
                progress.held(), traceParent, archived);
    }

    /** How the audit log names a task: "task/ID", and the function and version it runs. */
    public static String auditTarget(UUID taskId, FunctionCall function) {
        return "task/" + taskId + (function == null ? "" : " (function " + function.name() + " v" + function.version() + ")");
    }

    public enum RetryBackoff { FIXED, EXPONENTIAL }

    public enum FailureAction { NONE, ALERT }
}
