package com.rediacc.queue.bridges;

import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;

/**
 * The dispatch topic's partition of a machine: its messages are keyed by the machine's name, and
 * Kafka's producer places a keyed record by murmur2 of the key (BuiltInPartitioner), so the bridge
 * that consumes that partition is the one that serves the machine.
 */
public final class DispatchPartitions {
    private DispatchPartitions() {
    }

    public static int of(String machine, int partitionCount) {
        return Utils.toPositive(Utils.murmur2(machine.getBytes(StandardCharsets.UTF_8))) % partitionCount;
    }
}
