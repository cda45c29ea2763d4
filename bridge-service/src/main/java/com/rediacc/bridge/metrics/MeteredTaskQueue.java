package com.rediacc.bridge.metrics;

import com.rediacc.bridge.queue.TaskQueue;
import com.rediacc.contract.bridge.AttemptResult;
import com.rediacc.contract.bridge.BridgePresence;
import com.rediacc.contract.bridge.ClaimedTask;
import com.rediacc.contract.bridge.HeartbeatReply;
import com.rediacc.contract.bridge.LostAttempt;
import com.rediacc.contract.bridge.LostAttempts;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The queue as the bridge sees it, counting its claims (rediacc_bridge_claims_total by result:
 * tasks, empty, failed; rediacc_bridge_claimed_tasks_total) and the lost attempts of other bridges
 * it ended (rediacc_bridge_lost_attempts_total by result: killed, already_ended).
 */
public final class MeteredTaskQueue implements TaskQueue {
    private final TaskQueue queue;
    private final MeterRegistry registry;
    private final Counter claimedTasks;

    public MeteredTaskQueue(TaskQueue queue, MeterRegistry registry) {
        this.queue = queue;
        this.registry = registry;
        claimedTasks = Counter.builder("rediacc.bridge.claimed.tasks").description("Tasks this bridge claimed").register(registry);
    }

    @Override
    public List<ClaimedTask> claim(String machine, List<String> tags, int max) throws QueueUnavailable {
        List<ClaimedTask> claimed;
        try {
            claimed = queue.claim(machine, tags, max);
        } catch (QueueUnavailable e) {
            claims("failed");
            throw e;
        }
        claims(claimed.isEmpty() ? "empty" : "tasks");
        claimedTasks.increment(claimed.size());
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

    @Override
    public List<String> readyMachines(List<Integer> partitions, int partitionCount) throws QueueUnavailable {
        return queue.readyMachines(partitions, partitionCount);
    }

    @Override
    public boolean start(ClaimedTask task) throws QueueUnavailable {
        return queue.start(task);
    }

    @Override
    public Optional<HeartbeatReply> heartbeat(ClaimedTask task, int outputOffset, String outputChunk, Long remotePid)
            throws QueueUnavailable {
        return queue.heartbeat(task, outputOffset, outputChunk, remotePid);
    }

    @Override
    public boolean release(ClaimedTask task, String reason, Duration retryAfter) throws QueueUnavailable {
        return queue.release(task, reason, retryAfter);
    }

    @Override
    public boolean finish(ClaimedTask task, AttemptResult result) throws QueueUnavailable {
        return queue.finish(task, result);
    }

    @Override
    public LostAttempts lostAttempts(String machine) throws QueueUnavailable {
        return queue.lostAttempts(machine);
    }

    @Override
    public void presence(BridgePresence presence) throws QueueUnavailable {
        queue.presence(presence);
    }
}
