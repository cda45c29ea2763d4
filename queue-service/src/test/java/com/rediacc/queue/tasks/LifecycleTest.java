package com.rediacc.queue.tasks;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The pure decisions on a lost lease, a lost attempt and its end (no database). */
class LifecycleTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private final Lifecycle lifecycle = new Lifecycle(new RetryPolicy(Duration.ofHours(1)));

    @Test
    void onlyARunningAttemptMustHaveItsRemoteCommandEndedFirst() {
        assertThat(lifecycle.mustEndRemoteCommand(task(TaskStatus.PROCESSING, false, 0, false))).isTrue();
        assertThat(lifecycle.mustEndRemoteCommand(task(TaskStatus.ASSIGNED, false, 0, false)))
                .as("ASSIGNED: the command never started").isFalse();
        Task beforeTokens = withoutAttemptToken(task(TaskStatus.PROCESSING, false, 0, false));
        assertThat(lifecycle.mustEndRemoteCommand(beforeTokens)).as("claimed before tokens existed").isFalse();
    }

    @Test
    void endedLostAttemptFollowsTheResumableRule() {
        Settlement resumed = lifecycle.afterLostAttemptEnded(task(TaskStatus.PROCESSING, true, 0, false),
                "killed by bridge:b2", NOW);
        assertThat(resumed.status()).isEqualTo(TaskStatus.PENDING);
        assertThat(resumed.retryCount()).isZero();
        assertThat(resumed.detail()).endsWith("; remote command killed by bridge:b2");

        Settlement failed = lifecycle.afterLostAttemptEnded(task(TaskStatus.PROCESSING, false, 0, false),
                "killed by bridge:b2", NOW);
        assertThat(failed.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(failed.error()).isEqualTo("interrupted: the bridge running it was lost");

        Settlement retried = lifecycle.afterLostAttemptEnded(task(TaskStatus.PROCESSING, false, 1, false),
                "already ended", NOW);
        assertThat(retried.status()).isEqualTo(TaskStatus.PENDING);
        assertThat(retried.retryCount()).isZero();
        assertThat(retried.notBefore()).isEqualTo(NOW.plusSeconds(30));

        Settlement cancelled = lifecycle.afterLostAttemptEnded(task(TaskStatus.PROCESSING, true, 0, true),
                "killed by bridge:b2", NOW);
        assertThat(cancelled.status()).isEqualTo(TaskStatus.CANCELLED);
    }

    @Test
    void unconfirmedLostAttemptIsNeverResumedAndSaysItMayStillRun() {
        Settlement resumable = lifecycle.afterLostAttemptUnconfirmed(task(TaskStatus.PROCESSING, true, 0, false),
                Duration.ofMinutes(2), NOW);
        assertThat(resumable.status()).as("resumable, but its first run may go on").isEqualTo(TaskStatus.FAILED);
        assertThat(resumable.error()).startsWith("interrupted: the bridge running it was lost")
                .contains("within 120 s").endsWith("it may still be running");

        Settlement retried = lifecycle.afterLostAttemptUnconfirmed(task(TaskStatus.PROCESSING, false, 2, false),
                Duration.ofMinutes(2), NOW);
        assertThat(retried.status()).as("the retry policy may run it again").isEqualTo(TaskStatus.PENDING);
        assertThat(retried.retryCount()).isEqualTo(1);
        assertThat(retried.notBefore()).isEqualTo(NOW.plusSeconds(30));

        Settlement cancelled = lifecycle.afterLostAttemptUnconfirmed(task(TaskStatus.PROCESSING, false, 0, true),
                Duration.ofMinutes(2), NOW);
        assertThat(cancelled.status()).isEqualTo(TaskStatus.CANCELLED);
        assertThat(cancelled.error()).endsWith("it may still be running");
    }

    private static Task task(TaskStatus status, boolean resumable, int retries, boolean cancelRequested) {
        return new Task(UUID.randomUUID(), "team", "m-01", "sleep 600", status, 3, retries, retries, 30,
                Task.RetryBackoff.FIXED, Task.FailureAction.NONE, null, resumable, null, null, null, null,
                cancelRequested, null, "partial", false, null, null, 1, NOW, NOW, NOW, null, 1L, null, null,
                "attempt-token", NOW);
    }

    private static Task withoutAttemptToken(Task t) {
        return new Task(t.taskId(), t.team(), t.machine(), t.command(), t.status(), t.priority(), t.retryCount(),
                t.maxRetries(), t.retryDelay(), t.retryBackoff(), t.failureAction(), t.tag(), t.resumable(),
                t.timeoutSeconds(), t.notBefore(), t.idempotencyKey(), t.retriedFrom(), t.cancelRequested(), t.vaultData(),
                t.output(), t.outputTruncated(), t.exitCode(), t.error(), t.attempts(), t.createdAt(), t.assignedAt(),
                t.startedAt(), t.completedAt(), t.seq(), t.leaseToken(), t.vaultCiphertext(), null, t.lostSince());
    }
}
