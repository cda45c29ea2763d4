package com.rediacc.queue.tasks;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;

/**
 * The safety net of the queue: restores tasks whose lease expired (bridge gone; a running one only
 * after a bridge ended its remote command, or the wait for that ran out) and re-sends the wake-up of
 * machines whose ready work nobody claimed (Kafka was down, a message was lost, a delay ran out). Safe on every replica at once: expired leases are taken with SKIP LOCKED, and a
 * duplicate wake-up costs one empty claim.
 */
@ApplicationScoped
public class Sweeper {
    private static final Logger LOG = Logger.getLogger(Sweeper.class);

    @Inject
    TaskService tasks;

    @ConfigProperty(name = "rediacc.sweeper.ready-for", defaultValue = "3s")
    Duration readyFor;

    @ConfigProperty(name = "rediacc.sweeper.batch-size", defaultValue = "500")
    int batchSize;

    /** How long a lost attempt waits for a bridge to end its remote command before it is settled without that. */
    @ConfigProperty(name = "rediacc.lease.lost-attempt-wait", defaultValue = "2m")
    Duration lostAttemptWait;

    @Scheduled(every = "${rediacc.sweeper.interval:2s}", delayed = "3s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return tasks.reapExpiredLeases(batchSize)
                .invoke(reaped -> {
                    if (reaped > 0) {
                        LOG.infof("restored %d task(s) whose lease expired", reaped);
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
