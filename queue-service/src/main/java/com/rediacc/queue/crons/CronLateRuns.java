package com.rediacc.queue.crons;

import com.rediacc.contract.events.CloudEvent;
import com.rediacc.contract.events.Topics;
import com.rediacc.queue.QueueConfig;
import com.rediacc.queue.metrics.TaskMetrics;
import com.rediacc.queue.outbox.OutboxRepository;
import com.rediacc.queue.tasks.TaskTransitions;
import com.rediacc.queue.tasks.maintenance.MaintenanceService;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Flags the cron runs that had not started checkinMargin after their slot, and alerts each once
 * (the way healthchecks.io and Sentry cron monitors do). Returns how many were late.
 */
@Singleton
public class CronLateRuns implements MaintenanceService<Integer> {
    @Inject
    TaskTransitions transitions;
    @Inject
    CronRepository crons;
    @Inject
    OutboxRepository outbox;
    @Inject
    QueueConfig config;
    @Inject
    Clock clock;
    @Inject
    TaskMetrics metrics;

    @Override
    public Uni<Integer> runOnce() {
        Instant now = clock.instant();
        List<String> lateTeams = new java.util.ArrayList<>();
        return transitions.inTransaction(work -> crons.lockLateChecks(work.tx(), now, config.sweeper().batchSize())
                .flatMap(checks -> {
                    if (checks.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    List<CronRepository.LateCheck> late = checks.stream().filter(c -> !c.started()).toList();
                    late.forEach(c -> lateTeams.add(c.team()));
                    return work.publish(late.stream().map(c -> outbox.row(Topics.ALERTS, c.cron(),
                                    CloudEvent.of(UUID.randomUUID().toString(), OutboxRepository.SOURCE, CronAlert.LATE,
                                            c.cron(), Instant.now(), CronAlert.SCHEMA, new CronAlert(c.cron(), c.team(),
                                                    c.machine(), c.slot(), c.taskId(),
                                                    "not started within the checkin margin of its slot")))).toList())
                            .chain(() -> crons.settleLateChecks(work.tx(), checks))
                            .replaceWith(late.size());
                })).invoke(() -> lateTeams.forEach(metrics::cronLate));
    }
}
