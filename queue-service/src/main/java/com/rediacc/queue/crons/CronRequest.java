package com.rediacc.queue.crons;

import com.fasterxml.jackson.databind.JsonNode;
import com.rediacc.queue.tasks.TaskRequest;

/**
 * Body of {@code POST /api/v1/crons} and {@code PATCH /api/v1/crons/{name}} (a PATCH changes the
 * fields it gives). Unknown fields are rejected.
 */
public record CronRequest(
        String name,
        String team,
        String machine,
        String command,
        String cronString,
        String timezone,
        Integer priority,
        String tag,
        Boolean resumable,
        Integer maxRetries,
        Integer retryDelay,
        Integer timeoutSeconds,
        JsonNode vaultData,
        Integer checkinMargin,
        Integer maxRuntimeInMinutes,
        Cron.Overlap overlap,
        TaskRequest.OnExit onExit,
        Boolean enabled,
        String function,
        Integer version,
        JsonNode params) {

    /** This request running {@code script} as its command (a function's). */
    CronRequest withCommand(String script) {
        return new CronRequest(name, team, machine, script, cronString, timezone, priority, tag, resumable, maxRetries,
                retryDelay, timeoutSeconds, vaultData, checkinMargin, maxRuntimeInMinutes, overlap, onExit, enabled, null,
                null, null);
    }

    /** This request with what it leaves unset taken from a function's defaults. */
    CronRequest withDefaults(com.rediacc.queue.functions.FunctionDefaults defaults) {
        return new CronRequest(name, team, machine, command, cronString, timezone, or(priority, defaults.priority()),
                or(tag, defaults.tag()), or(resumable, defaults.resumable()), or(maxRetries, defaults.maxRetries()),
                or(retryDelay, defaults.retryDelay()), or(timeoutSeconds, defaults.timeoutSeconds()), vaultData,
                checkinMargin, maxRuntimeInMinutes, overlap, or(onExit, defaults.onExit()), enabled, function, version,
                params);
    }

    private static <T> T or(T given, T fallback) {
        return given != null ? given : fallback;
    }
}
