package com.rediacc.queue.alerts;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/**
 * A queue-depth threshold of a team ({@code machine} null) or of one machine, as stored and shown:
 * the limits (null: none) and since when each alert has fired (null: clear).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Threshold(String team, String machine, Long maxPending, Long maxPendingAgeSeconds,
                        Instant pendingAlertSince, Instant ageAlertSince, Instant updatedAt) {
}
