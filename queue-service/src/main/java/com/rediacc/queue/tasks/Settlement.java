package com.rediacc.queue.tasks;

import java.time.Instant;

/**
 * The new state of a task whose lease ends: terminal, or PENDING again (a retry, a resumed or
 * released task). {@code detail} goes into the history row.
 */
public record Settlement(
        TaskStatus status,
        Instant notBefore,
        int retryCount,
        Integer exitCode,
        String output,
        boolean outputTruncated,
        String error,
        int attempts,
        String detail) {

    public Settlement withDetail(String newDetail) {
        return new Settlement(status, notBefore, retryCount, exitCode, output, outputTruncated, error, attempts, newDetail);
    }
}
