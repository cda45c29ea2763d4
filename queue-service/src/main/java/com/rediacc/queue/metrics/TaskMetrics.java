package com.rediacc.queue.metrics;

import com.rediacc.queue.crons.CronRepository;
import com.rediacc.queue.tasks.Task;
import com.rediacc.queue.tasks.TaskStatus;
import com.rediacc.queue.tasks.lifecycle.Decision;
import com.rediacc.queue.tasks.store.TaskStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The metrics that move with each transition, recorded once its transaction committed (by the
 * replica that made it; Prometheus adds the replicas up): outcomes per error class, retries, the
 * time from creation to start and the run time; cron slots fired, missed, skipped and late.
 * Labelled by team and priority, never by task (docs/operations.md lists them).
 */
@Singleton
public class TaskMetrics {
    /** Histogram buckets of the wait and run times: 50 ms to an hour. */
    static final Duration[] BUCKETS = {Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5),
            Duration.ofMinutes(15), Duration.ofHours(1)};

    @Inject
    MeterRegistry registry;
    @Inject
    Clock clock;

    /** What {@code moves} did, now that they are committed. */
    /** Tasks a purge cancelled set-based (sql/purge-pending-slice.sql), counted as {@link #moved} counts ends. */
    public void purged(List<TaskStore.Cancelled> cancelled) {
        for (TaskStore.Cancelled c : cancelled) {
            outcomes(c.team(), Integer.toString(c.priority()), ErrorClass.CANCELLED).increment(c.tasks());
        }
    }

    private Counter outcomes(String team, String priority, ErrorClass outcome) {
        return Counter.builder("rediacc.task.outcomes").description("Tasks ended, by how (error class)")
                .tags("team", team, "priority", priority, "outcome", outcome.label()).register(registry);
    }

    public void moved(List<Decision.Move> moves) {
        Instant now = clock.instant();
        for (Decision.Move move : moves) {
            Task before = move.before();
            Task after = move.after();
            String team = before.team();
            String priority = Integer.toString(before.priority());
            if (move.to() == TaskStatus.PROCESSING && move.from() != TaskStatus.PROCESSING) {
                timer("rediacc.task.wait", "From creation to each start of a task", team, priority)
                        .record(Duration.between(before.createdAt(), now));
            }
            if (move.from() == TaskStatus.PROCESSING && move.to() != TaskStatus.PROCESSING && before.startedAt() != null) {
                timer("rediacc.task.run", "From start to end of each attempt that ran", team, priority)
                        .record(Duration.between(before.startedAt(), now));
            }
            if (move.to().terminal() && !move.from().terminal()) {
                outcomes(team, priority, ErrorClass.of(after)).increment();
            } else if (move.to() == TaskStatus.PENDING && after.retryCount() < before.retryCount()) {
                Counter.builder("rediacc.task.retries").description("Failed attempts retried, by why they failed")
                        .tags("team", team, "priority", priority, "reason", ErrorClass.of(after).label())
                        .register(registry).increment();
            }
        }
    }

    /** Cron slots recorded: a task created for it (fired), or missed or skipped. */
    public void cronRuns(List<CronRepository.NewRun> runs, java.util.function.Function<String, String> teamOfCron) {
        for (CronRepository.NewRun run : runs) {
            String outcome = run.taskId() != null ? "fired" : run.outcome().name().toLowerCase(Locale.ROOT);
            cronSlot(teamOfCron.apply(run.cron()), outcome);
        }
    }

    /** A cron run that had not started within its checkin margin. */
    public void cronLate(String team) {
        cronSlot(team, "late");
    }

    private void cronSlot(String team, String outcome) {
        Counter.builder("rediacc.cron.slots").description("Cron slots: fired, missed, skipped, late")
                .tags("team", team, "outcome", outcome).register(registry).increment();
    }

    private Timer timer(String name, String description, String team, String priority) {
        return Timer.builder(name).description(description).tags("team", team, "priority", priority)
                .serviceLevelObjectives(BUCKETS).register(registry);
    }
}
