package com.rediacc.queue.crons;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.rediacc.queue.tasks.TaskRequest;
import com.rediacc.queue.tasks.TaskView;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A cron as the API shows it: its vaultData only as its shape, and {@code nextRuns}, the next five
 * times it fires (empty while paused).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CronView(
        String name,
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
        JsonNode vaultData,
        int checkinMargin,
        Integer maxRuntimeInMinutes,
        Cron.Overlap overlap,
        TaskRequest.OnExit onExit,
        boolean enabled,
        List<Instant> nextRuns,
        CronRunView lastRun,
        Instant createdAt,
        String createdBy,
        Instant updatedAt,
        TaskView.FunctionRef function,
        JsonNode params) {

    public static final int NEXT_RUNS = 5;

    public static CronView of(Cron cron, CronRunView lastRun) {
        List<Instant> next = List.of();
        if (cron.enabled() && cron.nextSlot() != null) {
            next = new ArrayList<>();
            next.add(cron.nextSlot());
            next.addAll(cron.schedule().between(cron.nextSlot(), Instant.MAX, NEXT_RUNS - 1));
        }
        return new CronView(cron.name(), cron.team(), cron.machine(), cron.command(), cron.cronString(), cron.timezone(),
                cron.priority(), cron.tag(), cron.resumable(), cron.maxRetries(), cron.retryDelay(), cron.timeoutSeconds(),
                cron.vaultDataShape(), cron.checkinMarginMinutes(), cron.maxRuntimeMinutes(), cron.overlap(),
                cron.onExitCommand() == null ? null : new TaskRequest.OnExit(cron.onExitCommand()), cron.enabled(),
                List.copyOf(next), lastRun, cron.createdAt(), cron.createdBy(), cron.updatedAt(),
                cron.function() == null ? null : new TaskView.FunctionRef(cron.function().name(), cron.function().version()),
                cron.function() == null ? null : cron.function().params());
    }
}
