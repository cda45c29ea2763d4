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

/**
 * The queue-service as the bridge sees it: claim tasks, report on the attempts it runs, and settle
 * the lost attempts of other bridges. Every call may block; every call throws
 * {@link QueueUnavailable} when the queue cannot be reached or answers unexpectedly.
 */
public interface TaskQueue {
    /** The longest one call may take (an unanswered call fails as {@link QueueUnavailable} then). */
    Duration CALL_TIMEOUT = Duration.ofSeconds(15);

    /**
     * Up to {@code max} ready tasks of {@code machine} carrying only tags in {@code tags}, now leased
     * to this bridge, and whether ready work of the machine is left after them.
     */
    Claimed claim(String machine, List<String> tags, int max) throws QueueUnavailable;

    /** The machines on dispatch {@code partitions} (of {@code partitionCount}) with ready work and room to run it. */
    List<String> readyMachines(List<Integer> partitions, int partitionCount) throws QueueUnavailable;

    /** True when the lease still holds and the task is now PROCESSING. */
    boolean start(ClaimedTask task) throws QueueUnavailable;

    /** Renews the lease and sends new output; empty when the lease is lost. */
    Optional<HeartbeatReply> heartbeat(ClaimedTask task, int outputOffset, String outputChunk, Long remotePid)
            throws QueueUnavailable;

    /**
     * Gives back a claimed task that was not started; true when it went back to the queue. Without a
     * {@code reason} (the bridge is stopping) at once, at its place; with one (what the attempt needed
     * was unavailable) not before {@code retryAfter}. No attempt is counted either way.
     */
    boolean release(ClaimedTask task, String reason, Duration retryAfter) throws QueueUnavailable;

    /** True when the result was recorded; false when the lease was lost meanwhile. */
    boolean finish(ClaimedTask task, AttemptResult result) throws QueueUnavailable;

    /** The lost attempts of {@code machine} whose remote commands this bridge should end. */
    LostAttempts lostAttempts(String machine) throws QueueUnavailable;

    /** True when the queue settled the task; false when it was settled already (another bridge, or the wait ran out). */
    boolean lostAttemptEnded(LostAttempt attempt, boolean killed) throws QueueUnavailable;

    /** Says this bridge is alive, what it serves, and what it sampled ({@link BridgePresence}). */
    void presence(BridgePresence presence) throws QueueUnavailable;

    /**
     * What a claim took, and whether ready work of its machine is left after it: when none is, a slot
     * freed on the machine is no reason to claim it again, as new work wakes it anyway. A queue that
     * cannot tell says {@code true}.
     */
    record Claimed(List<ClaimedTask> tasks, boolean readyLeft) {
        public Claimed {
            tasks = List.copyOf(tasks);
        }
    }

    /** The queue-service could not be reached or answered unexpectedly. */
    class QueueUnavailable extends Exception {
        public QueueUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
