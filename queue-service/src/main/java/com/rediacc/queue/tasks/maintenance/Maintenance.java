package com.rediacc.queue.tasks.maintenance;

import com.rediacc.queue.QueueConfig;
import com.rediacc.queue.alerts.QueueAlerts;
import com.rediacc.queue.audit.AuditRetention;
import com.rediacc.queue.crons.CronLateRuns;
import com.rediacc.queue.crons.CronRunRetention;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The queue's safety net, every {@code rediacc.sweeper.interval} on every replica: refresh the
 * planner's statistics of grown tables (first, so that the queries below are planned for the
 * tables as they are), settle expired leases, settle lost attempts nobody could end, ask again for
 * the end of lost attempts, wake machines whose ready work nobody claimed, and flag cron runs that
 * have not started within their checkin margin (crons fire on their own, shorter timer:
 * CronScheduler), fold the task count deltas, alert queue-depth thresholds crossed and stuck work,
 * move finished tasks to the archive and drop its expired months (TaskArchiver), and last delete
 * the cron runs and audit records past their retention (CronRunRetention, AuditRetention). A duty
 * that fails is logged and the next one runs; a tick that comes while the
 * previous run still goes is skipped.
 */
@ApplicationScoped
public class Maintenance {
    private static final Logger LOG = Logger.getLogger(Maintenance.class);
    private static final Duration FIRST_RUN_AFTER = Duration.ofSeconds(3);

    @Inject
    PlannerStatisticsRefresh statistics;
    @Inject
    LeaseReaper leaseReaper;
    @Inject
    LostAttemptSettler lostAttemptSettler;
    @Inject
    LostAttemptRedispatcher lostAttemptRedispatcher;
    @Inject
    StrandedWorkRedispatcher strandedWorkRedispatcher;
    @Inject
    CronLateRuns cronLateRuns;
    @Inject
    TaskCountsFold taskCountsFold;
    @Inject
    QueueAlerts queueAlerts;
    @Inject
    TaskArchiver archiver;
    @Inject
    CronRunRetention cronRunRetention;
    @Inject
    AuditRetention auditRetention;
    @Inject
    QueueConfig config;
    @Inject
    Vertx vertx;

    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong runsStarted = new AtomicLong();
    private long timer = -1;

    // A Vert.x timer, not @Scheduled: the Quarkus scheduler checks its triggers once a second, so an
    // interval below 1 s (500 ms in the tests) would silently become 1 s.
    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(FIRST_RUN_AFTER.toMillis(), config.sweeper().interval().toMillis(), id -> runUnlessRunning());
    }

    void stop(@Observes ShutdownEvent event) {
        vertx.cancelTimer(timer);
    }

    private void runUnlessRunning() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        runsStarted.incrementAndGet();
        runOnce().subscribe().with(done -> running.set(false), failure -> running.set(false));
    }

    long runsStarted() {
        return runsStarted.get();
    }

    /** Every duty once, in order. */
    Uni<Void> runOnce() {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (MaintenanceService<?> duty : List.of(statistics, leaseReaper, lostAttemptSettler, lostAttemptRedispatcher,
                strandedWorkRedispatcher, cronLateRuns, taskCountsFold, queueAlerts, archiver, cronRunRetention,
                auditRetention)) {
            chain = chain.chain(() -> duty.runOnce()
                    .onFailure().invoke(e -> LOG.warnf("%s failed, the next run retries: %s",
                            duty.getClass().getSimpleName(), e.getMessage()))
                    .onFailure().recoverWithNull()
                    .replaceWithVoid());
        }
        return chain;
    }
}
