package com.rediacc.queue.bridges;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** A bridge as its last presence described it (table bridges). */
public record Bridge(String bridgeId, String version, List<String> tags, String url, List<Integer> partitions,
                     int partitionCount, int batchSize, Duration every, Instant lastSeen) {

    /** Whether Kafka assigned it the partition {@code machine} is dispatched on. */
    public boolean serves(String machine) {
        return partitionCount > 0 && partitions.contains(DispatchPartitions.of(machine, partitionCount));
    }
}
