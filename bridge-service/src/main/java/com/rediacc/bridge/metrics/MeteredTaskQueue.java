package com.rediacc.bridge.metrics;

import com.rediacc.bridge.queue.ForwardingTaskQueue;
import com.rediacc.bridge.queue.TaskQueue;
import com.rediacc.contract.bridge.ClaimedTask;
import com.rediacc.contract.bridge.LostAttempt;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.List;

/**
 * The queue as the bridge sees it, counting its claims (rediacc_bridge_claims_total by result:
 * tasks, empty, failed; rediacc_bridge_claimed_tasks_total) and the lost attempts of other bridges
 * it ended (rediacc_bridge_lost_attempts_total by result: killed, already_ended).
 */
public final class MeteredTaskQueue extends ForwardingTaskQueue {
    private final MeterRegistry registry;
    private final Counter claimedTasks;

    public MeteredTaskQueue(TaskQueue queue, MeterRegistry registry) {
        super(queue);
        this.registry = registry;
        claimedTasks = Counter.builder("rediacc.bridge.claimed.tasks").description("Tasks this bridge claimed").register(registry);
    }

    @Override
    public Claimed claim(String machine, List<String> tags, int max) throws QueueUnavailable {
        Claimed claimed;
        try {
            claimed = queue.claim(machine, tags, max);
        } catch (QueueUnavailable e) {
            claims("failed");
            throw e;
        }
        claims(claimed.tasks().isEmpty() ? "empty" : "tasks");
        claimedTasks.increment(claimed.tasks().size());
        return claimed;
    }

    private void claims(String result) {
        Counter.builder("rediacc.bridge.claims").description("Claims this bridge made, by result").tags("result", result)
                .register(registry).increment();
    }

    @Override
    public boolean lostAttemptEnded(LostAttempt attempt, boolean killed) throws QueueUnavailable {
        boolean settled = queue.lostAttemptEnded(attempt, killed);
        Counter.builder("rediacc.bridge.lost.attempts").description("Lost attempts of other bridges this bridge ended")
                .tags("result", killed ? "killed" : "already_ended").register(registry).increment();
        return settled;
    }
}
