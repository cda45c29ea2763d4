package com.rediacc.queue.tasks.purge;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.rediacc.queue.tasks.TaskStatus;

import java.util.Map;

/**
 * What a purge call did: the tasks it cancelled by the status they had ({@code cancelled}: PENDING
 * and ASSIGNED ones ended CANCELLED at once; {@code cancelRequested}: PROCESSING ones, whose bridge
 * kills the remote command before they end CANCELLED), or for a dry run what it would take now
 * ({@code matched}). {@code done} false: the call's time ran out and more may match; call again
 * with {@code upTo}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PurgeResult(boolean dryRun, long upTo, Long matched, Long cancelled, Long cancelRequested,
                          Map<TaskStatus, Long> byStatus, boolean done) {
}
