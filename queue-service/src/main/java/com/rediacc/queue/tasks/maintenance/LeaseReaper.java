package com.rediacc.queue.tasks.maintenance;

import com.rediacc.queue.QueueConfig;
import com.rediacc.queue.bridge.BridgeProtocol;
import com.rediacc.queue.tasks.TaskTransitions;
import com.rediacc.queue.tasks.lifecycle.Decision;
import com.rediacc.queue.tasks.lifecycle.TaskEvent;
import com.rediacc.queue.tasks.store.TaskStore;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.util.List;

/**
 * Settles the tasks whose bridge stopped heartbeating: ASSIGNED back to its place, PROCESSING
 * marked lost until a bridge ended its remote command (docs/adr/0004).
 */
@Singleton
public class LeaseReaper implements MaintenanceService<LeaseReaper.Reaped> {
    private static final Logger LOG = Logger.getLogger(LeaseReaper.class);

    @Inject
    TaskTransitions transitions;
    @Inject
    TaskStore tasks;
    @Inject
    QueueConfig config;

    /** How many expired leases were settled, and how many of them were running attempts now marked lost. */
    public record Reaped(int settled, int markedLost) {
    }

    @Override
    public Uni<Reaped> runOnce() {
        return transitions.inTransaction(work -> tasks.lockExpiredLeases(work.tx(), config.sweeper().batchSize())
                        .flatMap(expired -> {
                            List<Decision.Move> moves = work.moves(expired, new TaskEvent.LeaseExpired());
                            int lost = (int) moves.stream().filter(m -> m.lease() == Decision.Lease.LOSE).count();
                            return work.write(moves, BridgeProtocol.LEASE_REAPER, null)
                                    .map(written -> new Reaped(moves.size() - lost, lost));
                        }))
                .invoke(reaped -> {
                    if (reaped.settled() + reaped.markedLost() > 0) {
                        LOG.infof("expired leases: %d task(s) settled, %d running attempt(s) marked lost",
                                reaped.settled(), reaped.markedLost());
                    }
                });
    }
}
