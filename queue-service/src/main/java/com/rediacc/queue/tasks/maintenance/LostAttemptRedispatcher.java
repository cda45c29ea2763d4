package com.rediacc.queue.tasks.maintenance;

import com.rediacc.queue.QueueConfig;
import com.rediacc.queue.outbox.OutboxRepository;
import com.rediacc.queue.tasks.TaskTransitions;
import com.rediacc.queue.tasks.store.TaskStore;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.List;

/**
 * Asks again for the end of attempts lost for longer than {@code rediacc.sweeper.ready-for}: the
 * first request may have gone to the lost bridge, or its cleanup failed. Returns the machines asked.
 */
@Singleton
public class LostAttemptRedispatcher implements MaintenanceService<List<String>> {
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
        return WakeUpRedispatcher.redispatch(transitions, () -> tasks.machinesWithLostAttempts(config.sweeper().readyFor()),
                outbox::lostAttemptsFoundRow);
    }
}
