package com.rediacc.queue.tasks.lifecycle;

import com.rediacc.queue.tasks.Task;
import com.rediacc.queue.tasks.TaskStatus;

import java.time.Instant;
import java.util.UUID;

/** Tasks as stored, for the state machine's tests: a PENDING `true` on m-01, one attempt made, no retry left. */
public final class TaskBuilder {
    static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");

    private TaskStatus status = TaskStatus.PENDING;
    private int retries;
    private int retryDelay = 30;
    private Task.RetryBackoff backoff = Task.RetryBackoff.FIXED;
    private Task.FailureAction failureAction = Task.FailureAction.NONE;
    private String tag;
    private boolean resumable;
    private Instant notBefore;
    private boolean cancelRequested;
    private Long leaseToken;
    private String attemptToken;
    private Instant lostSince;
    private int retriesLeft = -1;
    private String onExitCommand;
    private UUID groupId;
    private boolean held;
    private String error;

    public static TaskBuilder task(TaskStatus status) {
        TaskBuilder builder = new TaskBuilder();
        builder.status = status;
        return builder;
    }

    public TaskBuilder retries(int maxRetries) {
        this.retries = maxRetries;
        return this;
    }

    /** Retries still left, when fewer than {@link #retries}. */
    public TaskBuilder retriesLeft(int left) {
        this.retriesLeft = left;
        return this;
    }

    public TaskBuilder retryDelay(int seconds, Task.RetryBackoff retryBackoff) {
        this.retryDelay = seconds;
        this.backoff = retryBackoff;
        return this;
    }

    public TaskBuilder alerting() {
        this.failureAction = Task.FailureAction.ALERT;
        return this;
    }

    public TaskBuilder tag(String value) {
        this.tag = value;
        return this;
    }

    public TaskBuilder resumable(boolean value) {
        this.resumable = value;
        return this;
    }

    public TaskBuilder notBefore(Instant value) {
        this.notBefore = value;
        return this;
    }

    public TaskBuilder cancelRequested(boolean value) {
        this.cancelRequested = value;
        return this;
    }

    public TaskBuilder lease(Long token) {
        this.leaseToken = token;
        return this;
    }

    public TaskBuilder attemptToken(String token) {
        this.attemptToken = token;
        return this;
    }

    public TaskBuilder lostSince(Instant value) {
        this.lostSince = value;
        return this;
    }

    public TaskBuilder error(String value) {
        this.error = value;
        return this;
    }

    public TaskBuilder onExit(String command) {
        this.onExitCommand = command;
        return this;
    }

    /** A task of a group, held until the group releases it when {@code isHeld}. */
    public TaskBuilder inGroup(UUID group, boolean isHeld) {
        this.groupId = group;
        this.held = isHeld;
        return this;
    }

    public Task build() {
        return new Task(UUID.randomUUID(), "team", "m-01", "true", status, 3, retriesLeft < 0 ? retries : retriesLeft,
                retries, retryDelay, backoff, failureAction, tag, resumable, null, notBefore, null, null,
                cancelRequested, null, "partial", false, null, error, 1, CREATED, null, null, null, 1L, leaseToken, null,
                attemptToken, lostSince, onExitCommand, null, null, null, null, groupId, held, null, false);
    }
}
