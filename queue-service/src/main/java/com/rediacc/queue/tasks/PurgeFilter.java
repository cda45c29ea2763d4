package com.rediacc.queue.tasks;

import java.time.Instant;
import java.util.List;

/**
 * What a purge cancels (tasks/purge): not-ended tasks of {@code statuses} that match every given
 * criterion (null: any) and were queued up to {@code upTo} (a seq: tasks queued after the purge
 * began are not its business).
 */
public record PurgeFilter(List<TaskStatus> statuses, String machine, String team, Integer priority,
                          Instant createdBefore, String tag, long upTo) {
}
