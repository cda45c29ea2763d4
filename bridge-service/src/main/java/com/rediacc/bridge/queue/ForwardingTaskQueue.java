package com.rediacc.bridge.queue;

import com.rediacc.contract.bridge.AttemptResult;
import com.rediacc.contract.bridge.BridgePresence;
import com.rediacc.contract.bridge.ClaimedTask;
import com.rediacc.contract.bridge.HeartbeatReply;
import com.rediacc.contract.bridge.LostAttempt;
import com.rediacc.contract.bridge.LostAttempts;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A {@link TaskQueue} that passes every call to another; decorators override what they add to. */
public abstract class ForwardingTaskQueue implements TaskQueue {
    protected final TaskQueue queue;

    protected ForwardingTaskQueue(TaskQueue queue) {
        this.queue = queue;
    }

    @Override
    public Claimed claim(String machine, List<String> tags, int max) throws QueueUnavailable {
        return queue.claim(machine, tags, max);
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
    public boolean lostAttemptEnded(LostAttempt attempt, boolean killed) throws QueueUnavailable {
        return queue.lostAttemptEnded(attempt, killed);
    }

    @Override
    public void presence(BridgePresence presence) throws QueueUnavailable {
        queue.presence(presence);
    }
}
