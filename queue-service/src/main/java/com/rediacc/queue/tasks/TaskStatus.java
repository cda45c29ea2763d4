package com.rediacc.queue.tasks;

/** Lifecycle of a task; see docs/state-machine.md. Terminal states never change again. */
public enum TaskStatus {
    PENDING, ASSIGNED, PROCESSING, COMPLETED, FAILED, CANCELLED;

    public boolean terminal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }
}
