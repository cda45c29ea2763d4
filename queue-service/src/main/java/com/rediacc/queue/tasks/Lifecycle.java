package com.rediacc.queue.tasks;

import com.rediacc.contract.bridge.AttemptOutcome;
import com.rediacc.contract.bridge.AttemptResult;

import java.time.Duration;
import java.time.Instant;

/**
 * The rules of docs/state-machine.md for the end of a lease: pure decisions, no I/O. The caller
 * holds the task's row lock and has checked the lease token.
 */
public final class Lifecycle {
    private final RetryPolicy retries;

    public Lifecycle(RetryPolicy retries) {
        this.retries = retries;
    }

    /** The bridge reports how the attempt ended. */
    public Settlement afterAttempt(Task task, AttemptResult result, Instant now) {
        int attempts = task.status() == TaskStatus.ASSIGNED ? task.attempts() + 1 : task.attempts();
        String output = result.output() == null ? "" : result.output();
        if (result.outcome() == AttemptOutcome.SUCCEEDED) {
            return new Settlement(TaskStatus.COMPLETED, task.notBefore(), task.retryCount(), result.exitCode(), output,
                    result.outputTruncated(), null, attempts, null);
        }
        if (result.outcome() == AttemptOutcome.CANCELLED || task.cancelRequested()) {
            return new Settlement(TaskStatus.CANCELLED, task.notBefore(), task.retryCount(), result.exitCode(), output,
                    result.outputTruncated(), "cancelled while running", attempts, "remote process killed");
        }
        String error = result.error() == null ? "failed" : result.error();
        return failed(task, error, result.exitCode(), output, result.outputTruncated(), attempts, now);
    }

    /**
     * Whether a task whose lease expired must first have its remote command ended (it was
     * PROCESSING: the command may still run on the machine). It then stays PROCESSING, "lost", and is
     * settled by {@link #afterLostAttemptEnded} or {@link #afterLostAttemptUnconfirmed}.
     */
    public boolean mustEndRemoteCommand(Task task) {
        return task.status() == TaskStatus.PROCESSING && task.attemptToken() != null;
    }

    /** A bridge made sure no process of the lost attempt runs any more: the lost lease's usual rules. */
    public Settlement afterLostAttemptEnded(Task task, String how, Instant now) {
        Settlement settlement = afterLeaseExpired(task, now);
        return settlement.withDetail(settlement.detail() + "; remote command " + how);
    }

    /**
     * No bridge could end the lost attempt's command within the wait (machine unreachable, no bridge
     * serves it). Running it again could overlap a run that still goes on, so even a resumable task is
     * not put back at its place: the attempt fails and only the retry policy may run it again.
     */
    public Settlement afterLostAttemptUnconfirmed(Task task, Duration waited, Instant now) {
        String unconfirmed = "the bridge running it was lost and no bridge could end its remote command within "
                + waited.toSeconds() + " s (machine unreachable or not served); it may still be running";
        if (task.cancelRequested()) {
            return new Settlement(TaskStatus.CANCELLED, task.notBefore(), task.retryCount(), null, task.output(),
                    task.outputTruncated(), "cancelled; " + unconfirmed, task.attempts(), "lease expired; " + unconfirmed);
        }
        return failed(task, "interrupted: " + unconfirmed, null, task.output(), task.outputTruncated(),
                task.attempts(), now);
    }

    /** The bridge holding the task stopped heartbeating (for PROCESSING: and its remote command was ended). */
    public Settlement afterLeaseExpired(Task task, Instant now) {
        if (task.cancelRequested()) {
            return new Settlement(TaskStatus.CANCELLED, task.notBefore(), task.retryCount(), null, task.output(),
                    task.outputTruncated(), "cancelled; the bridge running it was lost", task.attempts(), "lease expired");
        }
        if (task.status() == TaskStatus.ASSIGNED) {
            return backInQueue(task, "lease expired before start: back to its place in the queue");
        }
        if (task.resumable()) {
            return backInQueue(task, "lease expired while running; resumable: back to its place, no retry used");
        }
        return failed(task, "interrupted: the bridge running it was lost", null, task.output(), task.outputTruncated(),
                task.attempts(), now);
    }

    /** A bridge gives back a task it claimed but never started. */
    public Settlement released(Task task) {
        return backInQueue(task, "released by the bridge before start");
    }

    private Settlement failed(Task task, String error, Integer exitCode, String output, boolean truncated,
                              int attempts, Instant now) {
        Instant retryAt = retries.nextAttemptAt(task, now);
        if (retryAt == null) {
            return new Settlement(TaskStatus.FAILED, task.notBefore(), task.retryCount(), exitCode, output, truncated,
                    error, attempts, error);
        }
        int retryNumber = task.maxRetries() - task.retryCount() + 1;
        return new Settlement(TaskStatus.PENDING, retryAt, task.retryCount() - 1, exitCode, output, truncated, error,
                attempts, "attempt " + attempts + " failed (" + error + "); retry " + retryNumber + " of "
                + task.maxRetries() + " not before " + retryAt);
    }

    private static Settlement backInQueue(Task task, String detail) {
        return new Settlement(TaskStatus.PENDING, task.notBefore(), task.retryCount(), task.exitCode(), task.output(),
                task.outputTruncated(), task.error(), task.attempts(), detail);
    }
}
