package com.rediacc.queue.tasks;

import com.rediacc.queue.sql.PlannerStatistics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The safety net of the queue: restores tasks whose lease expired (bridge gone; a running one only
 * after a bridge ended its remote command, or the wait for that ran out) and re-sends the wake-up of
 * machines whose ready work nobody claimed (Kafka was down, a message was lost, a delay ran out).
 * Safe on every replica at once: expired leases are taken with SKIP LOCKED, and a duplicate wake-up
 * costs one empty claim.
 */
@ApplicationScoped
public class Sweeper {
    private static final Logger LOG = Logger.getLogger(Sweeper.class);

    private static final Duration FIRST_SWEEP_AFTER = Duration.ofSeconds(3);

    @Inject
    TaskService tasks;

    @Inject
    PlannerStatistics statistics;

    @Inject
    Vertx vertx;

    @ConfigProperty(name = "rediacc.sweeper.interval", defaultValue = "2s")
    Duration interval;

    @ConfigProperty(name = "rediacc.sweeper.ready-for", defaultValue = "3s")
    Duration readyFor;

    @ConfigProperty(name = "rediacc.sweeper.batch-size", defaultValue = "500")
    int batchSize;

    /** How long a lost attempt waits for a bridge to end its remote command before it is settled without that. */
    @ConfigProperty(name = "rediacc.lease.lost-attempt-wait", defaultValue = "2m")
    Duration lostAttemptWait;

    private final AtomicBoolean sweeping = new AtomicBoolean();
    private final AtomicLong sweepsStarted = new AtomicLong();
    private long timer = -1;

    // A Vert.x timer, not @Scheduled: the Quarkus scheduler checks its triggers once a second, so an
    // interval below 1 s (500 ms in the tests) would silently become 1 s.
    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(FIRST_SWEEP_AFTER.toMillis(), interval.toMillis(), id -> sweepUnlessRunning());
    }

    void stop(@Observes ShutdownEvent event) {
        vertx.cancelTimer(timer);
    }

    /** A tick that comes while the previous sweep still runs is skipped. */
    private void sweepUnlessRunning() {
        if (!sweeping.compareAndSet(false, true)) {
            return;
        }
        sweepsStarted.incrementAndGet();
        sweep().subscribe().with(done -> sweeping.set(false), failure -> sweeping.set(false));
    }

    long sweepsStarted() {
        return sweepsStarted.get();
    }

    Uni<Void> sweep() {
        // First, so that the queries below are planned for the table as it is now.
        return statistics.analyzeGrown()
                .onFailure().invoke(e -> LOG.warnf("could not analyze the tables that grew, the sweep goes on: %s", e.getMessage()))
                .onFailure().recoverWithItem(List.of())
                .invoke(analyzed -> {
                    if (!analyzed.isEmpty()) {
                        LOG.debugf("analyzed %s: they had about doubled since their last analysis", analyzed);
                    }
                })
                .chain(() -> tasks.reapExpiredLeases(batchSize))
                .invoke(reaped -> {
                    if (reaped > 0) {
                        LOG.infof("restored (or marked lost, if running) %d task(s) whose lease expired", reaped);
                    }
                })
                .chain(() -> tasks.settleOverdueLostAttempts(lostAttemptWait, batchSize))
                .invoke(overdue -> {
                    if (overdue > 0) {
                        LOG.warnf("settled %d lost attempt(s) whose remote command no bridge could end within %s",
                                overdue, lostAttemptWait);
                    }
                })
                .chain(() -> tasks.redispatchLostAttempts(readyFor))
                .chain(() -> tasks.redispatchStrandedWork(readyFor))
                .invoke(machines -> {
                    if (!machines.isEmpty()) {
                        LOG.debugf("re-dispatched stranded work of %s", machines);
                    }
                })
                .onFailure().invoke(e -> LOG.warnf("sweep failed, next one retries: %s", e.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
