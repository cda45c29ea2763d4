package com.rediacc.queue.tasks.lifecycle;

import com.rediacc.queue.tasks.Task;
import com.rediacc.queue.tasks.TaskStatus;

import java.time.Instant;

/**
 * The part of a task that its transitions change. {@code output} null means "as stored": most
 * transitions leave a task's output alone, and it may be a megabyte. {@code held}: a task of a group
 * that waits for the group to release it.
 */
public record TaskProgress(
        TaskStatus status,
        Instant notBefore,
        int retryCount,
        Integer exitCode,
        String output,
        boolean outputTruncated,
        String error,
        int attempts,
        boolean cancelRequested,
        boolean held) {

    static TaskProgress of(Task task) {
        return new TaskProgress(task.status(), task.notBefore(), task.retryCount(), task.exitCode(), null,
                task.outputTruncated(), task.error(), task.attempts(), task.cancelRequested(), task.held());
    }

    TaskProgress status(TaskStatus newStatus) {
        return new TaskProgress(newStatus, notBefore, retryCount, exitCode, output, outputTruncated, error, attempts,
                cancelRequested, held);
    }

    TaskProgress attempts(int newAttempts) {
        return new TaskProgress(status, notBefore, retryCount, exitCode, output, outputTruncated, error, newAttempts,
                cancelRequested, held);
    }

    TaskProgress cancelRequested(boolean requested) {
        return new TaskProgress(status, notBefore, retryCount, exitCode, output, outputTruncated, error, attempts,
                requested, held);
    }

    TaskProgress error(String newError) {
        return new TaskProgress(status, notBefore, retryCount, exitCode, output, outputTruncated, newError, attempts,
                cancelRequested, held);
    }

    /** The attempt's result: what it printed, how it exited, why it failed. */
    TaskProgress result(Integer newExitCode, String newOutput, boolean truncated, String newError) {
        return new TaskProgress(status, notBefore, retryCount, newExitCode, newOutput, truncated, newError, attempts,
                cancelRequested, held);
    }

    TaskProgress released() {
        return new TaskProgress(status, notBefore, retryCount, exitCode, output, outputTruncated, error, attempts,
                cancelRequested, false);
    }

    /** Not claimable before {@code at}; no retry is used. */
    TaskProgress notBefore(Instant at) {
        return new TaskProgress(status, at, retryCount, exitCode, output, outputTruncated, error, attempts,
                cancelRequested, held);
    }

    TaskProgress retryAt(Instant at) {
        return new TaskProgress(status, at, retryCount - 1, exitCode, output, outputTruncated, error, attempts,
                cancelRequested, held);
    }
}
