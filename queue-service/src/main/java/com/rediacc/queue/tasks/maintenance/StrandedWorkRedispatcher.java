package com.rediacc.queue.tasks.maintenance;

import com.rediacc.queue.QueueConfig;
import com.rediacc.queue.outbox.OutboxRepository;
import com.rediacc.queue.tasks.TaskTransitions;
import com.rediacc.queue.tasks.store.TaskStore;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.util.List;

/**
 * Wakes again every machine whose ready work has waited longer than {@code rediacc.sweeper.ready-for}
 * with room to run it: its wake-up was lost, Kafka was down, a delay or retry delay just ran out, or
 * the machine was resumed. Returns the machines woken.
 */
@Singleton
public class StrandedWorkRedispatcher implements MaintenanceService<List<String>> {
    private static final Logger LOG = Logger.getLogger(StrandedWorkRedispatcher.class);

    @Inject
    TaskTransitions transitions;
    @Inject
    TaskStore tasks;
    @Inject
    OutboxRepository outbox;
    @Inject
    QueueConfig config;

    @Override
    public Uni<List<String>> runOnce() {
        return WakeUpRedispatcher.redispatch(transitions, () -> tasks.machinesWithStrandedWork(config.sweeper().readyFor()),
                        outbox::machineReadyRow)
                .invoke(machines -> {
                    if (!machines.isEmpty()) {
                        LOG.debugf("re-dispatched stranded work of %s", machines);
                    }
                });
    }
}
