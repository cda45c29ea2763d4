package com.rediacc.queue.tasks;

import java.util.Map;

/** Counts per status, per priority and status, and how long the oldest PENDING task has waited. */
public record QueueStats(Map<TaskStatus, Long> byStatus, Map<Integer, Map<TaskStatus, Long>> byPriority,
                         Double oldestPendingSeconds) {
}
