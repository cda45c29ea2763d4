package com.rediacc.queue.crons;

import com.fasterxml.jackson.databind.JsonNode;
import com.rediacc.queue.tasks.FunctionCall;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * A cron as stored. {@code vaultCiphertext} is its vaultData as vault-service encrypted it, bound to
 * {@link #vaultContext()}; {@code vaultDataShape} what the API shows of it. {@code nextSlot}: the
 * next due slot, computed from the previous one. {@code lastTaskId}: the task of the latest run.
 * {@code function}: the function version it runs (its script is {@code command}) and its non-secret
 * params; its secret params are in its vaultData.
 */
public record Cron(
        String name,
        UUID cronId,
        String team,
        String machine,
        String command,
        String cronString,
        String timezone,
        int priority,
        String tag,
        boolean resumable,
        int maxRetries,
        int retryDelay,
        Integer timeoutSeconds,
        String vaultCiphertext,
        JsonNode vaultDataShape,
        int checkinMarginMinutes,
        Integer maxRuntimeMinutes,
        Overlap overlap,
        String onExitCommand,
        boolean enabled,
        Instant nextSlot,
        UUID lastTaskId,
        Instant createdAt,
        String createdBy,
        Instant updatedAt,
        FunctionCall function) {

    /** What a slot does while the previous run is still active. */
    public enum Overlap {
        /** The slot is recorded SKIPPED, with the active run's task. */
        SKIP,
        /** Runs side by side. */
        ALLOW,
        /** The active run is cancelled, the new one starts. */
        REPLACE
    }

    public static final int DEFAULT_CHECKIN_MARGIN_MINUTES = 5;

    /** The context the cron's vaultData is encrypted for; its runs carry the ciphertext with it. */
    public static String vaultContext(UUID cronId) {
        return "cron:" + cronId;
    }

    public String vaultContext() {
        return vaultContext(cronId);
    }

    public Duration checkinMargin() {
        return Duration.ofMinutes(checkinMarginMinutes);
    }

    /**
     * The time limit of one attempt of a run: the smaller of {@code timeoutSeconds} and
     * {@code maxRuntimeInMinutes}; when it is the latter, a run that goes on longer is killed.
     */
    public Integer runTimeoutSeconds() {
        Integer maxRuntime = maxRuntimeMinutes == null ? null : maxRuntimeMinutes * 60;
        if (timeoutSeconds == null) {
            return maxRuntime;
        }
        return maxRuntime == null ? timeoutSeconds : Math.min(timeoutSeconds, maxRuntime);
    }

    public CronSchedule schedule() {
        try {
            return CronSchedule.stored(cronString, timezone);
        } catch (CronSchedule.InvalidSchedule e) {
            throw new IllegalStateException("cron '" + name + "' has a stored schedule that no longer parses: "
                    + e.getMessage(), e);
        }
    }
}
