package com.rediacc.contract.bridge;

import java.util.List;

/**
 * A bridge's periodic "I am alive" ({@link BridgeApi#PRESENCE}), sent every {@code everyMillis}.
 * {@code url}: where queue-service reaches the bridge's own endpoints (machine checks).
 * {@code partitions}: the dispatch topic's partitions Kafka assigned to it, out of
 * {@code partitionCount}; the machines it serves are those whose name hashes to one of them.
 * {@code samples}: resource samples of its machines taken since its last presence.
 */
public record BridgePresence(
        String bridgeId,
        String version,
        List<String> tags,
        String url,
        List<Integer> partitions,
        int partitionCount,
        int batchSize,
        long everyMillis,
        List<ResourceSample> samples) {
}
