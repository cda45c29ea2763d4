package com.rediacc.queue.crons;

import com.rediacc.queue.QueueConfig;
import com.rediacc.queue.metrics.TaskMetrics;
import com.rediacc.queue.tasks.TaskTransitions;
import com.rediacc.queue.tasks.maintenance.MaintenanceService;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Fires the crons whose slot has come, every {@code rediacc.crons.poll-interval}, on every replica:
 * each transaction takes a batch of due crons with SKIP LOCKED, plans their slots
 * ({@link CronPlanner}) and fires them ({@link CronFiring}). A cron is in one replica's batch at a
 * time and its slot is recorded once, so no slot runs twice; a replica that dies mid-batch rolls
 * back and another fires the batch.
 */
@Singleton
public class CronScheduler implements MaintenanceService<CronScheduler.Summary> {
    private static final Logger LOG = Logger.getLogger(CronScheduler.class);
    /** Batches per run at most; what is left is fired by the next run, a poll interval later. */
    private static final int MAX_BATCHES = 100;
    private static final int CONCURRENT_BATCHES = 2;

    @Inject
    TaskMetrics metrics;
    @Inject
    TaskTransitions transitions;
    @Inject
    CronRepository crons;
    @Inject
    CronFiring firing;
    @Inject
    QueueConfig config;
    @Inject
    Clock clock;
    @Inject
    Vertx vertx;

    private final AtomicBoolean running = new AtomicBoolean();
    private long timer = -1;

    /** What one run did: slots that got a task, missed, skipped (overlap), failed (no task created). */
    public record Summary(int ran, int missed, int skipped, int failed) {
        Summary plus(Summary other) {
            return new Summary(ran + other.ran, missed + other.missed, skipped + other.skipped, failed + other.failed);
        }

        Summary plus(CronFiring.Fired fired) {
            int r = 0, m = 0, s = 0, f = 0;
            for (CronRepository.NewRun run : fired.runs()) {
                if (run.outcome() == null) {
                    r++;
                } else {
                    switch (run.outcome()) {
                        case MISSED -> m++;
                        case SKIPPED -> s++;
                        default -> f++;
                    }
                }
            }
            return new Summary(ran + r, missed + m, skipped + s, failed + f);
        }
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(config.crons().pollInterval().toMillis(), id -> runUnlessRunning());
    }

    void stop(@Observes ShutdownEvent event) {
        vertx.cancelTimer(timer);
    }

    private void runUnlessRunning() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        runOnce().call(this::wakeAtSoonestSlot).subscribe().with(done -> running.set(false), failure -> {
            running.set(false);
            LOG.warnf("cron scheduler failed, the next poll retries: %s", failure.getMessage());
        });
    }

    /**
     * A slot due before the next poll is fired at its time, not up to a poll interval later: crons
     * due in the same minute are then created that much sooner (bench/crons).
     */
    private Uni<Void> wakeAtSoonestSlot() {
        return crons.soonestSlot().invoke(soonest -> soonest.ifPresent(slot -> {
            long inMillis = Duration.between(clock.instant(), slot).toMillis() + 1;
            if (inMillis > 0 && inMillis < config.crons().pollInterval().toMillis()) {
                vertx.setTimer(inMillis, id -> runUnlessRunning());
            }
        })).replaceWithVoid();
    }

    @Override
    public Uni<Summary> runOnce() {
        // Two transactions at once (SKIP LOCKED gives each its own crons): while PostgreSQL writes one
        // batch, this service plans the next, instead of each waiting for the other (bench/crons).
        List<Uni<Summary>> chains = new ArrayList<>(CONCURRENT_BATCHES);
        for (int i = 0; i < CONCURRENT_BATCHES; i++) {
            chains.add(batches(new Summary(0, 0, 0, 0), 0));
        }
        return Uni.join().all(chains).andFailFast().map(all -> all.stream().reduce(new Summary(0, 0, 0, 0), Summary::plus))
                .invoke(summary -> {
            if (summary.missed() + summary.failed() > 0) {
                LOG.warnf("crons: %d slot(s) ran, %d missed, %d skipped, %d failed to create a task", summary.ran(),
                        summary.missed(), summary.skipped(), summary.failed());
            }
        });
    }

    private Uni<Summary> batches(Summary sofar, int done) {
        Instant now = clock.instant();
        int size = config.crons().batchSize();
        return transitions.inTransaction(work -> crons.lockDue(work.tx(), now, size).flatMap(due -> {
            List<CronFiring.Intent> intents = new ArrayList<>(due.size());
            for (Cron cron : due) {
                CronPlanner.Plan plan = CronPlanner.plan(cron.schedule(), cron.nextSlot(), now, cron.checkinMargin());
                String detail = plan.uncounted()
                        ? "missed (the service was down or the cron paused); further slots before the latest were not recorded"
                        : "missed (the service was down or the cron paused)";
                intents.add(new CronFiring.Intent(cron, plan.run(), plan.catchUp() ? CronRunView.Kind.CATCH_UP
                        : CronRunView.Kind.SCHEDULED, plan.missed(), detail, plan.nextSlot()));
            }
            return firing.fire(work, intents).map(fired -> new Batch(due.size(), fired, teams(due)));
        })).invoke(batch -> metrics.cronRuns(batch.fired().runs(), batch.teams()::get)).flatMap(batch -> {
            Summary total = sofar.plus(batch.fired());
            return batch.crons() == size && done + 1 < MAX_BATCHES ? batches(total, done + 1) : Uni.createFrom().item(total);
        });
    }

    private static Map<String, String> teams(List<Cron> crons) {
        return crons.stream().collect(Collectors.toMap(Cron::name, Cron::team, (a, b) -> a));
    }

    private record Batch(int crons, CronFiring.Fired fired, Map<String, String> teams) {
    }
}
