package com.rediacc.queue.alerts;

import java.time.Instant;
import java.util.UUID;

/**
 * Data of a stuck-work alert on {@code rediacc.alerts}, schema {@value #SCHEMA} (docs/events.md): a
 * running task looked stuck ({@code reason}, the console's rule) since {@code since}, or no longer does.
 */
public record StuckTaskAlert(UUID taskId, String team, String machine, String reason, Instant since) {
    public static final String SCHEMA = "urn:rediacc:schema:stuck-task-alert:1";
    public static final String FIRED = "rediacc.alert.task-stuck";
    public static final String CLEARED = "rediacc.alert.task-stuck-cleared";
}
