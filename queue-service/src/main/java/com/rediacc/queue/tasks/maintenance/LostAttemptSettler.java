package com.rediacc.queue.tasks.maintenance;

import com.rediacc.queue.QueueConfig;
import com.rediacc.queue.bridge.BridgeProtocol;
import com.rediacc.queue.tasks.TaskTransitions;
import com.rediacc.queue.tasks.lifecycle.TaskEvent;
import com.rediacc.queue.tasks.store.TaskStore;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Duration;

/**
 * Settles the lost attempts that no bridge could end within {@code rediacc.lease.lost-attempt-wait}
 * (machine unreachable, no bridge serving it): their tasks fail, and only the retry policy may run
 * them again. Returns how many.
 */
@Singleton
public class LostAttemptSettler implements MaintenanceService<Integer> {
    private static final Logger LOG = Logger.getLogger(LostAttemptSettler.class);

    @Inject
    TaskTransitions transitions;
    @Inject
    TaskStore tasks;
    @Inject
    QueueConfig config;

    @Override
    public Uni<Integer> runOnce() {
        Duration wait = config.lease().lostAttemptWait();
        return transitions.inTransaction(work -> tasks.lockOverdueLostAttempts(work.tx(), wait, config.sweeper().batchSize())
                        .flatMap(overdue -> {
                            var moves = work.moves(overdue, new TaskEvent.LostAttemptUnconfirmed(wait));
                            return work.write(moves, BridgeProtocol.LEASE_REAPER, null).map(written -> moves.size());
                        }))
                .invoke(settled -> {
                    if (settled > 0) {
                        LOG.warnf("settled %d lost attempt(s) whose remote command no bridge could end within %s",
                                settled, wait);
                    }
                });
    }
}
