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
        Boolean enabled) {
}
