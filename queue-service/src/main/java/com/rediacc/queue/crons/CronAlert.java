package com.rediacc.queue.crons;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.UUID;

/** Data of a cron alert on {@code rediacc.alerts}, schema {@value #SCHEMA} (docs/events.md). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CronAlert(String cron, String team, String machine, Instant slot, UUID taskId, String detail) {
    public static final String SCHEMA = "urn:rediacc:schema:cron-alert:1";
    public static final String MISSED = "rediacc.alert.cron-missed";
    public static final String LATE = "rediacc.alert.cron-late";
}
