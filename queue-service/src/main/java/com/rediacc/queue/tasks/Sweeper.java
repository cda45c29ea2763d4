package com.rediacc.queue.tasks;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;

/**
 * The safety net of the queue: restores tasks whose lease expired (bridge gone) and re-sends the
 * wake-up of machines whose ready work nobody claimed (Kafka was down, a message was lost, a delay
 * ran out). Safe on every replica at once: expired leases are taken with SKIP LOCKED, and a
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

    @Scheduled(every = "${rediacc.sweeper.interval:2s}", delayed = "3s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return tasks.reapExpiredLeases(batchSize)
                .invoke(reaped -> {
                    if (reaped > 0) {
                        LOG.infof("restored %d task(s) whose lease expired", reaped);
                    }
                })
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
