package com.rediacc.queue.tasks.lifecycle;

import com.rediacc.queue.tasks.Task;
import com.rediacc.queue.tasks.TaskStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;

/** The pure decisions on a lost lease, a lost attempt and its end (no database). */
class LifecycleTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    /** No jitter: these rules are about which state follows, RetryPolicyTest about when. */
    private final TaskStateMachine lifecycle = new TaskStateMachine(new RetryPolicy(Duration.ofHours(1), 0,
            RandomGenerator.getDefault()));

    @Test
    void onlyARunningAttemptMustHaveItsRemoteCommandEndedFirst() {
        assertThat(mustEndRemoteCommand(task(TaskStatus.PROCESSING, false, 0, false))).isTrue();
        assertThat(mustEndRemoteCommand(task(TaskStatus.ASSIGNED, false, 0, false)))
                .as("ASSIGNED: the command never started").isFalse();
        Task beforeTokens = withoutAttemptToken(task(TaskStatus.PROCESSING, false, 0, false));
        assertThat(mustEndRemoteCommand(beforeTokens)).as("claimed before tokens existed").isFalse();
    }

    @Test
    void endedLostAttemptFollowsTheResumableRule() {
        Settlement resumed = afterLostAttemptEnded(lost(task(TaskStatus.PROCESSING, true, 0, false)),
                "killed by bridge:b2", NOW);
        assertThat(resumed.status()).isEqualTo(TaskStatus.PENDING);
        assertThat(resumed.retryCount()).isZero();
        assertThat(resumed.detail()).endsWith("; remote command killed by bridge:b2");

        Settlement failed = afterLostAttemptEnded(lost(task(TaskStatus.PROCESSING, false, 0, false)),
                "killed by bridge:b2", NOW);
        assertThat(failed.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(failed.error()).isEqualTo("interrupted: the bridge running it was lost");

        Settlement retried = afterLostAttemptEnded(lost(task(TaskStatus.PROCESSING, false, 1, false)),
                "already ended", NOW);
        assertThat(retried.status()).isEqualTo(TaskStatus.PENDING);
        assertThat(retried.retryCount()).isZero();
        assertThat(retried.notBefore()).isEqualTo(NOW.plusSeconds(30));

        Settlement cancelled = afterLostAttemptEnded(lost(task(TaskStatus.PROCESSING, true, 0, true)),
                "killed by bridge:b2", NOW);
        assertThat(cancelled.status()).isEqualTo(TaskStatus.CANCELLED);
    }

    @Test
    void unconfirmedLostAttemptIsNeverResumedAndSaysItMayStillRun() {
        Settlement resumable = afterLostAttemptUnconfirmed(lost(task(TaskStatus.PROCESSING, true, 0, false)),
                Duration.ofMinutes(2), NOW);
        assertThat(resumable.status()).as("resumable, but its first run may go on").isEqualTo(TaskStatus.FAILED);
        assertThat(resumable.error()).startsWith("interrupted: the bridge running it was lost")
                .contains("within 120 s").endsWith("it may still be running");

        Settlement retried = afterLostAttemptUnconfirmed(lost(task(TaskStatus.PROCESSING, false, 2, false)),
                Duration.ofMinutes(2), NOW);
        assertThat(retried.status()).as("the retry policy may run it again").isEqualTo(TaskStatus.PENDING);
        assertThat(retried.retryCount()).isEqualTo(1);
        assertThat(retried.notBefore()).isEqualTo(NOW.plusSeconds(30));

        Settlement cancelled = afterLostAttemptUnconfirmed(lost(task(TaskStatus.PROCESSING, false, 0, true)),
                Duration.ofMinutes(2), NOW);
        assertThat(cancelled.status()).isEqualTo(TaskStatus.CANCELLED);
        assertThat(cancelled.error()).endsWith("it may still be running");
    }

    /** What these tests read of a move: the settled task's status and fields, and the history entry's detail. */
    private record Settlement(TaskStatus status, int retryCount, Instant notBefore, String error, String detail) {
        static Settlement of(Decision decision) {
            Decision.Move move = (Decision.Move) decision;
            TaskProgress p = move.progress();
            return new Settlement(p.status(), p.retryCount(), p.notBefore(), p.error(), move.detail());
        }
    }

    private boolean mustEndRemoteCommand(Task task) {
        return lifecycle.decide(task, new TaskEvent.LeaseExpired(), NOW) instanceof Decision.Move move
                && move.lease() == Decision.Lease.LOSE;
    }

    private Settlement afterLostAttemptEnded(Task task, String how, Instant now) {
        return Settlement.of(lifecycle.decide(task, new TaskEvent.LostAttemptEnded("attempt-token", how), now));
    }

    private Settlement afterLostAttemptUnconfirmed(Task task, Duration waited, Instant now) {
        return Settlement.of(lifecycle.decide(task, new TaskEvent.LostAttemptUnconfirmed(waited), now));
    }

    private static Task task(TaskStatus status, boolean resumable, int retries, boolean cancelRequested) {
        return TaskBuilder.task(status).resumable(resumable).retries(retries).cancelRequested(cancelRequested)
                .lease(1L).attemptToken("attempt-token").build();
    }

    /** Its lease expired and it was marked lost. */
    private static Task lost(Task t) {
        return TaskBuilder.task(t.status()).resumable(t.resumable()).retries(t.maxRetries())
                .cancelRequested(t.cancelRequested()).attemptToken(t.attemptToken()).lostSince(NOW).build();
    }

    private static Task withoutAttemptToken(Task t) {
        return TaskBuilder.task(t.status()).resumable(t.resumable()).retries(t.maxRetries())
                .cancelRequested(t.cancelRequested()).lease(t.leaseToken()).build();
    }
}
