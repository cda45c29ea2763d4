package com.rediacc.queue.alerts;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/**
 * Data of a queue-depth alert on {@code rediacc.alerts}, schema {@value #SCHEMA} (docs/events.md):
 * a team's or machine's ({@code machine} null: the whole team) PENDING count or oldest PENDING age
 * ({@code measure}) went above its threshold, or came back under it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record QueueAlert(String team, String machine, Measure measure, long threshold, double value, Instant since) {
    public static final String SCHEMA = "urn:rediacc:schema:queue-alert:1";
    public static final String FIRED = "rediacc.alert.queue-depth";
    public static final String CLEARED = "rediacc.alert.queue-depth-cleared";

    public enum Measure {
        /** PENDING tasks. */
        PENDING,
        /** Seconds the oldest PENDING task has waited since its creation. */
        PENDING_AGE_SECONDS
    }
}
