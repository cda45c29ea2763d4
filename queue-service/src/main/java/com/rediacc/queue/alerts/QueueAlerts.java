package com.rediacc.queue.alerts;

import com.rediacc.contract.events.CloudEvent;
import com.rediacc.contract.events.Topics;
import com.rediacc.queue.QueueConfig;
import com.rediacc.queue.outbox.OutboxRepository;
import com.rediacc.queue.outbox.OutboxRepository.OutboxRow;
import com.rediacc.queue.sql.Columns;
import com.rediacc.queue.sql.SqlFiles;
import com.rediacc.queue.tasks.TaskTransitions;
import com.rediacc.queue.tasks.maintenance.MaintenanceService;
import com.rediacc.queue.tasks.store.TaskStore;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Queue-depth thresholds and stuck work, checked every sweep: a threshold crossed publishes one
 * alert on {@code rediacc.alerts}, its clearing another; a running task that stays stuck one, and
 * another when it no longer is. The state is stored with the thresholds (V16) and changed in the
 * transaction that writes the alerts to the outbox, by one replica at a time (an advisory lock; the
 * others skip the sweep), so two replicas never alert the same change. Returns the alerts written.
 */
@Singleton
public class QueueAlerts implements MaintenanceService<Integer> {
    @Inject
    TaskTransitions transitions;
    @Inject
    ThresholdRepository thresholds;
    @Inject
    TaskStore tasks;
    @Inject
    OutboxRepository outbox;
    @Inject
    QueueConfig config;

    @Override
    public Uni<Integer> runOnce() {
        return transitions.inTransaction(work -> work.tx().query("SELECT pg_try_advisory_xact_lock(hashtext('rediacc.queue-alerts')) AS held")
                .execute().flatMap(lock -> {
                    if (!lock.iterator().next().getBoolean("held")) {
                        return Uni.createFrom().item(0);
                    }
                    List<OutboxRow> alerts = new ArrayList<>();
                    return thresholds(work.tx(), alerts).chain(() -> stuck(work.tx(), alerts))
                            .chain(() -> work.publish(alerts)).replaceWith(alerts::size);
                }));
    }

    private Uni<Void> thresholds(SqlClient tx, List<OutboxRow> alerts) {
        return thresholds.lockAll(tx).flatMap(all -> {
            if (all.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            String[] teams = all.stream().map(Threshold::team).distinct().toArray(String[]::new);
            return tx.preparedQuery(SqlFiles.load("pending-per-machine")).execute(Tuple.of((Object) teams))
                    .flatMap(pendingRows -> tasks.oldestPending(null, List.of(teams)).flatMap(ages -> {
                        Depth depth = new Depth();
                        for (Row row : pendingRows) {
                            depth.add(row.getString("team"), row.getString("machine"), row.getLong("pending"), 0);
                        }
                        ages.forEach(age -> depth.add(age.team(), age.machine(), 0, age.ageSeconds()));
                        List<Tuple> changed = new ArrayList<>();
                        for (Threshold threshold : all) {
                            Depth.Values now = depth.of(threshold.team(), threshold.machine());
                            boolean pendingOver = threshold.maxPending() != null && now.pending() > threshold.maxPending();
                            boolean ageOver = threshold.maxPendingAgeSeconds() != null
                                    && now.ageSeconds() > threshold.maxPendingAgeSeconds();
                            boolean pendingChanged = pendingOver != (threshold.pendingAlertSince() != null);
                            boolean ageChanged = ageOver != (threshold.ageAlertSince() != null);
                            if (pendingChanged) {
                                alerts.add(alert(threshold, QueueAlert.Measure.PENDING, pendingOver, threshold.maxPending(),
                                        now.pending(), threshold.pendingAlertSince()));
                            }
                            if (ageChanged) {
                                alerts.add(alert(threshold, QueueAlert.Measure.PENDING_AGE_SECONDS, ageOver,
                                        threshold.maxPendingAgeSeconds(), now.ageSeconds(), threshold.ageAlertSince()));
                            }
                            if (pendingChanged || ageChanged) {
                                changed.add(Tuple.of(threshold.team(), threshold.machine(), pendingOver, ageOver));
                            }
                        }
                        return thresholds.setState(tx, changed);
                    }));
        });
    }

    private OutboxRow alert(Threshold threshold, QueueAlert.Measure measure, boolean fired, long limit, double value,
                            Instant firedSince) {
        Instant now = Instant.now();
        String subject = threshold.machine() == null ? "team/" + threshold.team() : "machine/" + threshold.machine();
        return outbox.row(Topics.ALERTS, subject, CloudEvent.of(UUID.randomUUID().toString(), OutboxRepository.SOURCE,
                fired ? QueueAlert.FIRED : QueueAlert.CLEARED, subject, now, QueueAlert.SCHEMA,
                new QueueAlert(threshold.team(), threshold.machine(), measure, limit, value, fired ? now : firedSince)));
    }

    private Uni<Void> stuck(SqlClient tx, List<OutboxRow> alerts) {
        return tx.preparedQuery(SqlFiles.load("stuck-task-alerts"))
                .execute(Tuple.of((double) config.alerts().stuckAfter().toSeconds())).invoke(rows -> {
                    for (Row row : rows) {
                        UUID taskId = row.getUUID("task_id");
                        StuckTaskAlert data = new StuckTaskAlert(taskId, row.getString("team"), row.getString("machine"),
                                row.getString("reason"), Columns.instant(row, "since"));
                        alerts.add(outbox.row(Topics.ALERTS, taskId.toString(), CloudEvent.of(UUID.randomUUID().toString(),
                                OutboxRepository.SOURCE, row.getBoolean("stuck") ? StuckTaskAlert.FIRED : StuckTaskAlert.CLEARED,
                                taskId.toString(), Instant.now(), StuckTaskAlert.SCHEMA, data)));
                    }
                }).replaceWithVoid();
    }

    /** PENDING counts and oldest ages per machine, and per team (sum and max of its machines). */
    private static final class Depth {
        record Values(long pending, double ageSeconds) {
        }

        private final Map<String, Values> values = new HashMap<>();

        void add(String team, String machine, long pending, double ageSeconds) {
            for (String key : List.of(team + "\n" + machine, team + "\n")) {
                values.merge(key, new Values(pending, ageSeconds),
                        (a, b) -> new Values(a.pending() + b.pending(), Math.max(a.ageSeconds(), b.ageSeconds())));
            }
        }

        Values of(String team, String machine) {
            return values.getOrDefault(team + "\n" + (machine == null ? "" : machine), new Values(0, 0));
        }
    }
}
