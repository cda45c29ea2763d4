package com.rediacc.queue.tasks.lifecycle;

import com.rediacc.queue.tasks.Task;

import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;

/**
 * When a failed attempt is tried again. The delay is the task's {@code retryDelay}; with
 * exponential backoff it doubles per retry already used, up to {@code maxDelay}. Then it is spread
 * by up to {@code ±jitter} (a fraction), so that the tasks of one failure wave (a machine that went
 * down under fifty tasks) do not all come back at the same instant.
 */
public final class RetryPolicy {
    public static final double DEFAULT_JITTER = 0.10;

    private final Duration maxDelay;
    private final double jitter;
    private final RandomGenerator random;

    public RetryPolicy(Duration maxDelay, double jitter, RandomGenerator random) {
        if (jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("jitter must be in [0, 1): " + jitter);
        }
        this.maxDelay = maxDelay;
        this.jitter = jitter;
        this.random = random;
    }

    /** When the next attempt may start, or null when the task has no retry left. */
    public Instant nextAttemptAt(Task task, Instant now) {
        if (task.retryCount() <= 0) {
            return null;
        }
        return now.plus(jittered(backoff(task)));
    }

    /** The delay before jitter: {@code retryDelay}, doubled per retry used when exponential, at most {@code maxDelay}. */
    Duration backoff(Task task) {
        Duration base = Duration.ofSeconds(task.retryDelay());
        if (task.retryBackoff() != Task.RetryBackoff.EXPONENTIAL) {
            return base;
        }
        int retriesUsed = task.maxRetries() - task.retryCount();
        Duration delay = base;
        for (int i = 0; i < retriesUsed && delay.compareTo(maxDelay) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(maxDelay) <= 0 ? delay : maxDelay;
    }

    private Duration jittered(Duration delay) {
        double factor = 1 + jitter * (2 * random.nextDouble() - 1);
        return Duration.ofNanos(Math.round(delay.toNanos() * factor));
    }
}
