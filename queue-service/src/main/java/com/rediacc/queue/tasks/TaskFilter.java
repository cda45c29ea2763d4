package com.rediacc.queue.tasks;

/** Optional filters of the task list; null means "any". */
public record TaskFilter(TaskStatus status, String machine, String team, Integer priority) {
}
