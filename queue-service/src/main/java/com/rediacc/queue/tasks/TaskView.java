package com.rediacc.queue.tasks;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import com.rediacc.web.TraceParents;

import java.time.Instant;
import java.util.UUID;

/**
 * A task as the API shows it. Built from the stored {@link Task} field by field, so what is not
 * here (the fencing token, the attempt token, the vault ciphertext, the row's sequence number)
 * cannot reach JSON by a forgotten annotation. {@code vaultData} is the document's shape with
 * every value "[encrypted]". {@code lostSince}: a PROCESSING task whose bridge was lost, waiting
 * until its remote command is ended (docs/state-machine.md). {@code onExit}: the command that runs
 * after this one ends; {@code onExitOf}: the task this one is the onExit follow-up of.
 * {@code function}, {@code params}: the function it runs and its non-secret params (its secret ones
 * show only in {@code vaultData}'s shape). {@code groupId}: its task group; {@code held}: it waits
 * for the group to release it. {@code archived}: read from the archive (shown only when true); the
 * task reads as it did before it moved (docs/adr/0014). {@code traceId}: the trace of the call (or cron
 * firing) that created it, whose spans the bridge's attempts join; shown only when traced (docs/adr/0019).
 */
public record TaskView(
        UUID taskId,
        String team,
        String machine,
        String command,
        TaskStatus status,
        int priority,
        int retryCount,
        int maxRetries,
        int retryDelay,
        Task.RetryBackoff retryBackoff,
        Task.FailureAction failureAction,
        String tag,
        boolean resumable,
        Integer timeoutSeconds,
        Instant notBefore,
        @JsonInclude(JsonInclude.Include.NON_NULL) String idempotencyKey,
        @JsonInclude(JsonInclude.Include.NON_NULL) UUID retriedFrom,
        boolean cancelRequested,
        @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode vaultData,
        String output,
        boolean outputTruncated,
        Integer exitCode,
        String error,
        int attempts,
        Instant createdAt,
        Instant assignedAt,
        Instant startedAt,
        Instant completedAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) Instant lostSince,
        @JsonInclude(JsonInclude.Include.NON_NULL) TaskRequest.OnExit onExit,
        @JsonInclude(JsonInclude.Include.NON_NULL) UUID onExitOf,
        @JsonInclude(JsonInclude.Include.NON_NULL) FunctionRef function,
        @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode params,
        @JsonInclude(JsonInclude.Include.NON_NULL) UUID groupId,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean held,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean archived,
        @JsonInclude(JsonInclude.Include.NON_NULL) String traceId) implements TaskResource.BatchTask {

    /** The function a task runs, by name and version. */
    public record FunctionRef(String name, int version) {
    }

    public static TaskView of(Task task) {
        return new TaskView(task.taskId(), task.team(), task.machine(), task.command(), task.status(), task.priority(),
                task.retryCount(), task.maxRetries(), task.retryDelay(), task.retryBackoff(), task.failureAction(),
                task.tag(), task.resumable(), task.timeoutSeconds(), task.notBefore(), task.idempotencyKey(),
                task.retriedFrom(), task.cancelRequested(), task.vaultDataShape(), task.output(), task.outputTruncated(),
                task.exitCode(), task.error(), task.attempts(), task.createdAt(), task.assignedAt(), task.startedAt(),
                task.completedAt(), task.lostSince(),
                task.onExitCommand() == null ? null : new TaskRequest.OnExit(task.onExitCommand()), task.onExitOf(),
                task.function() == null ? null : new FunctionRef(task.function().name(), task.function().version()),
                task.function() == null ? null : task.function().params(), task.groupId(), task.held(), task.archived(),
                TraceParents.traceId(task.traceParent()));
    }
}
