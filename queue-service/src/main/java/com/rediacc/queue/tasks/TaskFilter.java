package com.rediacc.queue.tasks;

/** Optional filters of the task list; null means "any". {@code archived}: list the archive instead of the hot tasks. */
public record TaskFilter(TaskStatus status, String machine, String team, Integer priority, boolean archived) {
}
