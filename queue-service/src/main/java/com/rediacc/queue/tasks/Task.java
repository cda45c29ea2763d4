package com.rediacc.queue.tasks;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.UUID;

/**
 * A task as stored, and as the API shows it: lease internals hidden, {@code vaultData} only as its
 * shape with every value "[encrypted]", the ciphertext never. {@code lostSince}: a PROCESSING task
 * whose bridge was lost, waiting until its remote command is ended (docs/state-machine.md).
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
        @JsonInclude(JsonInclude.Include.NON_NULL) String idempotencyKey,
        @JsonInclude(JsonInclude.Include.NON_NULL) UUID retriedFrom,
        boolean cancelRequested,
        @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode vaultData,
        String output,
        boolean outputTruncated,
        Integer exitCode,
        String error,
        int attempts,
        Instant createdAt,
        Instant assignedAt,
        Instant startedAt,
        Instant completedAt,
        @JsonIgnore long seq,
        @JsonIgnore Long leaseToken,
        @JsonIgnore String vaultCiphertext,
        @JsonIgnore String attemptToken,
        @JsonInclude(JsonInclude.Include.NON_NULL) Instant lostSince) {

    /** This task with {@code progress} applied (its output kept when {@code progress} leaves it). */
    public Task with(com.rediacc.queue.tasks.lifecycle.TaskProgress progress) {
        return new Task(taskId, team, machine, command, progress.status(), priority, progress.retryCount(), maxRetries,
                retryDelay, retryBackoff, failureAction, tag, resumable, timeoutSeconds, progress.notBefore(),
                idempotencyKey, retriedFrom, progress.cancelRequested(), vaultData,
                progress.output() == null ? output : progress.output(), progress.outputTruncated(), progress.exitCode(),
                progress.error(), progress.attempts(), createdAt, assignedAt, startedAt, completedAt, seq, leaseToken,
                vaultCiphertext, attemptToken, lostSince);
    }

    public enum RetryBackoff { FIXED, EXPONENTIAL }

    public enum FailureAction { NONE, ALERT }
}
