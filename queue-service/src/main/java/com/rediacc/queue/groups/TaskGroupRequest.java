package com.rediacc.queue.groups;

import com.fasterxml.jackson.databind.JsonNode;
import com.rediacc.queue.tasks.Task;
import com.rediacc.queue.tasks.TaskRequest;

import java.util.List;

/**
 * Body of {@code POST /api/v1/task-groups}: one command or function over {@code machines} or the
 * machines a {@code selector} finds. {@code maxFailures}: a count ({@code 2}) or a share of the
 * tasks ({@code "25%"}). The task options are those of {@code POST /api/v1/tasks}, for every task.
 */
public record TaskGroupRequest(
        String command,
        String function,
        Integer version,
        JsonNode params,
        List<String> machines,
        TaskRequest.Selector selector,
        Integer maxParallel,
        JsonNode maxFailures,
        Integer priority,
        Integer maxRetries,
        Integer retryDelay,
        Task.RetryBackoff retryBackoff,
        Task.FailureAction failureAction,
        String tag,
        Boolean resumable,
        Integer timeoutSeconds,
        JsonNode vaultData,
        TaskRequest.OnExit onExit) {

    /** The request of one of the group's tasks, on {@code machine}. */
    TaskRequest task(String machine) {
        return new TaskRequest(machine, command, priority, maxRetries, retryDelay, retryBackoff, failureAction, tag,
                resumable, timeoutSeconds, null, null, null, vaultData, onExit, function, version, params, null, null);
    }
}
