package com.rediacc.queue.tasks.lifecycle;

import com.rediacc.queue.tasks.Task;
import com.rediacc.queue.tasks.TaskStatus;
import com.rediacc.queue.tasks.lifecycle.Decision.FollowUp;
import com.rediacc.queue.tasks.lifecycle.Decision.Lease;
import com.rediacc.queue.tasks.lifecycle.Decision.Move;
import com.rediacc.queue.tasks.lifecycle.Decision.Recording;
import com.rediacc.queue.tasks.lifecycle.Decision.Refusal;
import com.rediacc.queue.tasks.lifecycle.Decision.Refuse;
import com.rediacc.queue.tasks.lifecycle.Decision.Stay;
import com.rediacc.queue.tasks.lifecycle.TaskEvent.AttemptEnded;
import com.rediacc.queue.tasks.lifecycle.TaskEvent.Cancel;
import com.rediacc.queue.tasks.lifecycle.TaskEvent.Claim;
import com.rediacc.queue.tasks.lifecycle.TaskEvent.GroupRelease;
import com.rediacc.queue.tasks.lifecycle.TaskEvent.Heartbeat;
import com.rediacc.queue.tasks.lifecycle.TaskEvent.LeaseExpired;
import com.rediacc.queue.tasks.lifecycle.TaskEvent.LostAttemptEnded;
import com.rediacc.queue.tasks.lifecycle.TaskEvent.LostAttemptUnconfirmed;
import com.rediacc.queue.tasks.lifecycle.TaskEvent.Release;
import com.rediacc.queue.tasks.lifecycle.TaskEvent.Start;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * Every rule of docs/state-machine.md, and nothing else: given a task as stored and an event, what
 * follows. Pure (no I/O, no clock of its own, no wire types); the caller holds the task's row lock
 * and writes the decision (tasks/store). A new task starts {@link #INITIAL}.
 */
public final class TaskStateMachine {
    public static final TaskStatus INITIAL = TaskStatus.PENDING;
    /** Why an attempt whose lease expired is lost; kept as its error until it is settled. */
    static final String BRIDGE_LOST = "the bridge running it was lost";

    private final RetryPolicy retries;

    public TaskStateMachine(RetryPolicy retries) {
        this.retries = retries;
    }

    public Decision decide(Task task, TaskEvent event, Instant now) {
        return switch (event) {
            case Claim claim -> claim(task, claim, now);
            case Start start -> start(task, start);
            case Heartbeat heartbeat -> heartbeat(task, heartbeat);
            case AttemptEnded ended -> attemptEnded(task, ended, now);
            case Release release -> release(task, release, now);
            case Cancel cancel -> cancel(task, cancel.reason());
            case GroupRelease ignored -> groupRelease(task);
            case LeaseExpired ignored -> leaseExpired(task, now);
            case LostAttemptEnded ended -> lostAttemptEnded(task, ended, now);
            case LostAttemptUnconfirmed unconfirmed -> lostAttemptUnconfirmed(task, unconfirmed.waited(), now);
        };
    }

    /** Whether the task may be claimed now by a bridge with {@code tags}: ready, and untagged or of one of them. */
    public static boolean claimable(Task task, java.util.List<String> tags, Instant now) {
        return task.status() == TaskStatus.PENDING && !task.held()
                && (task.notBefore() == null || !task.notBefore().isAfter(now))
                && (task.tag() == null || tags.contains(task.tag()));
    }

    /** Whether the holder of {@code leaseToken} holds the task's current lease. */
    public static boolean leaseHeldBy(Task task, long leaseToken) {
        return !task.status().terminal() && task.leaseToken() != null && task.leaseToken() == leaseToken;
    }

    private Decision claim(Task task, Claim claim, Instant now) {
        if (!claimable(task, claim.tags(), now)) {
            return notApplicable(task, "is not ready to be claimed by a bridge with tags " + claim.tags());
        }
        return new Move(task, TaskProgress.of(task).status(TaskStatus.ASSIGNED), Lease.GRANT,
                Recording.HISTORY_AND_EVENT, null, Set.of());
    }

    private Decision start(Task task, Start start) {
        if (!leaseHeldBy(task, start.leaseToken()) || task.status() != TaskStatus.ASSIGNED) {
            return leaseNotHeld(task);
        }
        return new Move(task, TaskProgress.of(task).status(TaskStatus.PROCESSING).attempts(task.attempts() + 1),
                Lease.RENEW, Recording.HISTORY_AND_EVENT, null, Set.of());
    }

    private Decision heartbeat(Task task, Heartbeat heartbeat) {
        if (!leaseHeldBy(task, heartbeat.leaseToken())) {
            return leaseNotHeld(task);
        }
        return new Move(task, TaskProgress.of(task), Lease.RENEW, Recording.NONE, null, Set.of());
    }

    private Decision attemptEnded(Task task, AttemptEnded ended, Instant now) {
        if (!leaseHeldBy(task, ended.leaseToken())) {
            return leaseNotHeld(task);
        }
        AttemptReport report = ended.report();
        if (report.outcome() == AttemptReport.Outcome.CONNECTION_LOST && task.status() == TaskStatus.PROCESSING
                && task.attemptToken() != null) {
            return connectionLost(task, report);
        }
        // A command that never ran (ASSIGNED) still counts as an attempt: it was tried.
        int attempts = task.status() == TaskStatus.ASSIGNED ? task.attempts() + 1 : task.attempts();
        TaskProgress tried = TaskProgress.of(task).attempts(attempts);
        if (report.outcome() == AttemptReport.Outcome.SUCCEEDED) {
            return settled(task, tried.status(TaskStatus.COMPLETED)
                    .result(report.exitCode(), report.output(), report.outputTruncated(), null), null);
        }
        if (report.outcome() == AttemptReport.Outcome.CANCELLED || task.cancelRequested()) {
            return settled(task, tried.status(TaskStatus.CANCELLED)
                            .result(report.exitCode(), report.output(), report.outputTruncated(), "cancelled while running"),
                    "remote process killed");
        }
        String error = report.error() == null ? "failed" : report.error();
        return failed(task, tried.result(report.exitCode(), report.output(), report.outputTruncated(), error), now);
    }

    /**
     * The bridge lost its connection to the machine while the command ran: the command may still run
     * there (OpenSSH does not end a command whose connection drops). As a lost bridge's attempt, it
     * keeps its slot and is settled only once a bridge ended it (docs/adr/0004), so that a retry never
     * overlaps it; the connection error is kept as the reason.
     */
    private static Decision connectionLost(Task task, AttemptReport report) {
        String error = report.error() == null ? "connection to the machine lost while the command ran" : report.error();
        return new Move(task, TaskProgress.of(task).result(null, report.output(), report.outputTruncated(), error),
                Lease.LOSE, Recording.HISTORY, error + "; its remote command is ended before the task is settled",
                Set.of(FollowUp.END_LOST_ATTEMPT));
    }

    /**
     * The command never ran, and not because of the task or its machine (the bridge is stopping, or
     * vault-service was unreachable): no attempt is counted and no retry used. A release with a
     * reason keeps the task off the claims for {@code retryAfter}, so an outage does not make bridges
     * claim and give back the same tasks in a loop; the sweeper wakes the machine when it is due.
     */
    private Decision release(Task task, Release release, Instant now) {
        if (!leaseHeldBy(task, release.leaseToken())) {
            return leaseNotHeld(task);
        }
        if (task.status() != TaskStatus.ASSIGNED) {
            return new Refuse(Refusal.NOT_APPLICABLE, "task " + task.taskId() + " is " + task.status()
                    + "; only ASSIGNED tasks can be released");
        }
        if (release.reason() == null) {
            return backInQueue(task, "released by the bridge before start");
        }
        String why = "not run: " + release.reason();
        TaskProgress waiting = TaskProgress.of(task).status(TaskStatus.PENDING).error(why);
        if (release.retryAfter().isPositive()) {
            Instant at = now.plus(release.retryAfter());
            return settled(task, waiting.notBefore(at), why + "; no attempt counted, again not before " + at);
        }
        return settled(task, waiting, why + "; no attempt counted");
    }

    private Decision cancel(Task task, String reason) {
        String why = reason == null ? "cancelled" : reason;
        return switch (task.status()) {
            case COMPLETED, FAILED, CANCELLED -> new Refuse(Refusal.ALREADY_ENDED,
                    "task " + task.taskId() + " already ended " + task.status());
            case PENDING, ASSIGNED -> settled(task, TaskProgress.of(task).status(TaskStatus.CANCELLED).error(why), why);
            case PROCESSING -> task.cancelRequested()
                    ? new Stay("cancel already requested")
                    : new Move(task, TaskProgress.of(task).cancelRequested(true), Lease.KEEP, Recording.HISTORY,
                    "cancel requested: the bridge kills the remote process", Set.of());
        };
    }

    /** A held task of a group becomes claimable: PENDING as it was, at its place, and its machine woken. */
    private Decision groupRelease(Task task) {
        if (task.status() != TaskStatus.PENDING || !task.held()) {
            return notApplicable(task, "is not held by its group");
        }
        return new Move(task, TaskProgress.of(task).released(), Lease.KEEP, Recording.HISTORY, "released by its group",
                task.notBefore() == null ? Set.of(FollowUp.WAKE_MACHINE) : Set.of());
    }

    /**
     * The bridge holding the task stopped heartbeating. A running attempt is only marked lost: its
     * remote command may still run, and a bridge must end it first (docs/adr/0004); it is settled
     * by {@link LostAttemptEnded} or {@link LostAttemptUnconfirmed}.
     */
    private Decision leaseExpired(Task task, Instant now) {
        if (task.status() != TaskStatus.ASSIGNED && task.status() != TaskStatus.PROCESSING || task.leaseToken() == null) {
            return notApplicable(task, "holds no lease");
        }
        if (task.status() == TaskStatus.PROCESSING && task.attemptToken() != null) {
            return new Move(task, TaskProgress.of(task).error(BRIDGE_LOST), Lease.LOSE, Recording.NONE, null,
                    Set.of(FollowUp.END_LOST_ATTEMPT));
        }
        return afterLostBridge(task, now, "");
    }

    private Decision lostAttemptEnded(Task task, LostAttemptEnded ended, Instant now) {
        if (!lostAttempt(task) || !ended.attemptToken().equals(task.attemptToken())) {
            return notApplicable(task, "has no lost attempt with that token (already settled, or another attempt)");
        }
        return afterLostBridge(task, now, "; remote command " + ended.how());
    }

    /**
     * Running it again could overlap a run that still goes on, so even a resumable task is not put
     * back at its place: the attempt fails and only the retry policy may run it again.
     */
    private Decision lostAttemptUnconfirmed(Task task, Duration waited, Instant now) {
        if (!lostAttempt(task)) {
            return notApplicable(task, "has no lost attempt");
        }
        String unconfirmed = lostReason(task) + " and no bridge could end its remote command within "
                + waited.toSeconds() + " s (machine unreachable or not served); it may still be running";
        if (task.cancelRequested()) {
            return settled(task, TaskProgress.of(task).status(TaskStatus.CANCELLED)
                    .result(null, null, task.outputTruncated(), "cancelled; " + unconfirmed), "lease expired; " + unconfirmed);
        }
        return failed(task, TaskProgress.of(task).result(null, null, task.outputTruncated(),
                "interrupted: " + unconfirmed), now);
    }

    /**
     * The lost lease's rules: cancelled if asked, else back at its place if it never ran or is
     * resumable, else failed. A running attempt was lost with its bridge or its connection ({@link #lostReason}).
     */
    private Decision afterLostBridge(Task task, Instant now, String suffix) {
        String lost = task.status() == TaskStatus.ASSIGNED ? BRIDGE_LOST : lostReason(task);
        String how = lost.equals(BRIDGE_LOST) ? "lease expired" : lost;
        if (task.cancelRequested()) {
            return settled(task, TaskProgress.of(task).status(TaskStatus.CANCELLED)
                    .result(null, null, task.outputTruncated(), "cancelled; " + lost), how + suffix);
        }
        if (task.status() == TaskStatus.ASSIGNED) {
            return backInQueue(task, "lease expired before start: back to its place in the queue" + suffix);
        }
        if (task.resumable()) {
            return backInQueue(task, how + (lost.equals(BRIDGE_LOST) ? " while running" : "")
                    + "; resumable: back to its place, no retry used" + suffix);
        }
        return failed(task, TaskProgress.of(task).result(null, null, task.outputTruncated(), "interrupted: " + lost), now, suffix);
    }

    /** Why a lost attempt was lost: its error since it was marked lost (its bridge, or its connection to the machine). */
    private static String lostReason(Task task) {
        return task.lostSince() == null || task.error() == null ? BRIDGE_LOST : task.error();
    }

    private static boolean lostAttempt(Task task) {
        return task.status() == TaskStatus.PROCESSING && task.lostSince() != null;
    }

    private Decision failed(Task task, TaskProgress attempt, Instant now) {
        return failed(task, attempt, now, "");
    }

    /** A failed attempt: again after the retry delay while retries remain, else FAILED. */
    private Decision failed(Task task, TaskProgress attempt, Instant now, String suffix) {
        Instant retryAt = retries.nextAttemptAt(task, now);
        if (retryAt == null) {
            return settled(task, attempt.status(TaskStatus.FAILED), attempt.error() + suffix);
        }
        int retryNumber = task.maxRetries() - task.retryCount() + 1;
        return settled(task, attempt.status(TaskStatus.PENDING).retryAt(retryAt),
                "attempt " + attempt.attempts() + " failed (" + attempt.error() + "); retry " + retryNumber + " of "
                        + task.maxRetries() + " not before " + retryAt + suffix);
    }

    /** PENDING again at its old place (same seq, same notBefore), no retry used. */
    private Decision backInQueue(Task task, String detail) {
        return settled(task, TaskProgress.of(task).status(TaskStatus.PENDING), detail);
    }

    /** The lease ends: the task is terminal, or PENDING again. */
    private static Decision settled(Task task, TaskProgress progress, String detail) {
        if (progress.status() == TaskStatus.PENDING) {
            progress = progress.cancelRequested(false);
        }
        Set<FollowUp> followUps = EnumSet.noneOf(FollowUp.class);
        if (progress.status() == TaskStatus.PENDING && progress.notBefore() == null) {
            followUps.add(FollowUp.WAKE_MACHINE);
        }
        if (progress.status() == TaskStatus.FAILED && task.failureAction() == Task.FailureAction.ALERT) {
            followUps.add(FollowUp.ALERT);
        }
        if (progress.status().terminal() && task.onExitCommand() != null) {
            followUps.add(FollowUp.ON_EXIT);
        }
        if (progress.status().terminal() && task.groupId() != null) {
            followUps.add(FollowUp.GROUP_PROGRESS);
        }
        return new Move(task, progress, Lease.CLEAR, Recording.HISTORY_AND_EVENT, detail, followUps);
    }

    private static Refuse leaseNotHeld(Task task) {
        return new Refuse(Refusal.LEASE_NOT_HELD, "task " + task.taskId()
                + ": lease is not held (expired, reassigned or the task was cancelled)");
    }

    private static Refuse notApplicable(Task task, String why) {
        return new Refuse(task.status().terminal() ? Refusal.ALREADY_ENDED : Refusal.NOT_APPLICABLE,
                "task " + task.taskId() + " is " + task.status() + " and " + why);
    }
}
