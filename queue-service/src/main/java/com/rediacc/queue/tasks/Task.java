package com.rediacc.queue.tasks;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.UUID;

/** A task as stored, and as the API shows it (lease internals are hidden). */
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
        @JsonIgnore Long leaseToken) {

    public enum RetryBackoff { FIXED, EXPONENTIAL }

    public enum FailureAction { NONE, ALERT }
}
