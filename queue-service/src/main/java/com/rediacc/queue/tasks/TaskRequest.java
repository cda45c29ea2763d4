package com.rediacc.queue.tasks;

/**
 * Body of {@code POST /api/v1/tasks}. Unknown fields are rejected, so a field this version does not
 * implement yet is an error rather than silently ignored.
 */
public record TaskRequest(String machine, String command, Integer priority) {
}
