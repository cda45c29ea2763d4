package com.rediacc.queue.bridges;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A bridge in GET /bridges: its state, what it serves (partitions, and the caller's machines on
 * them) and runs (the caller's tasks it holds a lease on; {@code runningCount} counts every team's).
 */
public record BridgeView(String bridgeId, BridgeState state, String version, List<String> tags,
                         List<Integer> partitions, int partitionCount, List<String> machines,
                         List<RunningTask> runningTasks, int runningCount, int batchSize,
                         Instant lastHeartbeat, long heartbeatEveryMillis) {

    public record RunningTask(UUID taskId, String machine, String status) {
    }
}
