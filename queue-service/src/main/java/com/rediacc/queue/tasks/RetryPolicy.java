package com.rediacc.queue.tasks;

import java.time.Duration;
import java.time.Instant;

/**
 * What follows a failed attempt: another try after a delay while retries remain, else the end.
 * Exponential backoff doubles {@code retryDelay} per retry already used, up to {@code maxDelay};
 * a fixed delay is used as given.
 */
public record RetryPolicy(Duration maxDelay) {

    /** When the next attempt may start, or null when the task has no retry left. */
    public Instant nextAttemptAt(Task task, Instant now) {
        if (task.retryCount() <= 0) {
            return null;
        }
        return now.plus(delay(task));
    }

    Duration delay(Task task) {
        Duration base = Duration.ofSeconds(task.retryDelay());
        if (task.retryBackoff() != Task.RetryBackoff.EXPONENTIAL) {
            return base;
        }
        int retriesUsed = task.maxRetries() - task.retryCount();
        Duration delay = base;
        for (int i = 0; i < retriesUsed && delay.compareTo(maxDelay) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return min(delay, maxDelay);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
