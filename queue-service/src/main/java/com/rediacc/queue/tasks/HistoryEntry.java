package com.rediacc.queue.tasks;

import java.time.Instant;

/** One recorded transition of a task. */
public record HistoryEntry(TaskStatus from, TaskStatus to, Instant at, String actor, String detail) {
}
