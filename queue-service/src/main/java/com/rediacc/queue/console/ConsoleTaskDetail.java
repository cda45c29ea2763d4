package com.rediacc.queue.console;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.rediacc.queue.tasks.Task;
import com.rediacc.queue.tasks.TaskStatus;
import com.rediacc.web.TraceParents;

import java.time.Instant;
import java.util.UUID;

/**
 * One task as the console's detail page shows it: what the API's TaskView shows, without the output
 * (the page follows its tail through the stream) and without vaultData, not even its shape.
 * {@code params} are the function's non-secret params only. {@code traceId}: the task's trace, when traced.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConsoleTaskDetail(UUID taskId, String team, String machine, String command, String function,
                                Integer functionVersion, JsonNode params, TaskStatus status, int priority, int retryCount,
                                int maxRetries, int retryDelay, String tag, boolean resumable, Integer timeoutSeconds,
                                Instant notBefore, UUID retriedFrom, boolean cancelRequested, boolean hasVaultData,
                                boolean outputTruncated, int outputLength, Integer exitCode, String error, int attempts,
                                Instant createdAt, Instant assignedAt, Instant startedAt, Instant completedAt,
                                Instant lostSince, String onExit, UUID onExitOf, UUID groupId, boolean held,
                                boolean archived, String traceId) {

    static ConsoleTaskDetail of(Task t) {
        return new ConsoleTaskDetail(t.taskId(), t.team(), t.machine(), t.command(),
                t.function() == null ? null : t.function().name(), t.function() == null ? null : t.function().version(),
                t.function() == null ? null : t.function().params(), t.status(), t.priority(), t.retryCount(), t.maxRetries(),
                t.retryDelay(), t.tag(), t.resumable(), t.timeoutSeconds(), t.notBefore(), t.retriedFrom(),
                t.cancelRequested(), t.vaultDataShape() != null, t.outputTruncated(),
                t.output() == null ? 0 : t.output().length(), t.exitCode(), t.error(), t.attempts(), t.createdAt(),
                t.assignedAt(), t.startedAt(), t.completedAt(), t.lostSince(), t.onExitCommand(), t.onExitOf(),
                t.groupId(), t.held(), t.archived(), TraceParents.traceId(t.traceParent()));
    }
}
