package com.rediacc.queue.groups;

import java.time.Instant;
import java.util.UUID;

/**
 * A task group as stored: one command or function over many machines (one task each), rolled out
 * {@code maxParallel} at a time. {@code tasks}: how many it has. {@code retriedFrom}: the group
 * whose failed and cancelled machines it runs again.
 */
public record TaskGroup(UUID groupId, String team, Status status, String command, String functionName,
                        Integer functionVersion, int maxParallel, Integer maxFailures, Integer maxFailurePercent,
                        int tasks, UUID retriedFrom, String detail, Instant createdAt, String createdBy,
                        Instant finishedAt) {

    public enum Status {
        /** Tasks are running or waiting to be rolled out. */
        RUNNING,
        /** Every task ended, and no more failed than allowed. */
        COMPLETED,
        /** More failed than allowed: the tasks not yet rolled out were cancelled. */
        STOPPED,
        /** Someone cancelled the group. */
        CANCELLED
    }

    public GroupRollout.Limits limits() {
        return new GroupRollout.Limits(maxParallel, maxFailures, maxFailurePercent);
    }

    /** The context a group's vaultData (or secret params) is encrypted for, once for all its tasks. */
    public static String vaultContext(UUID groupId) {
        return "group:" + groupId;
    }
}
