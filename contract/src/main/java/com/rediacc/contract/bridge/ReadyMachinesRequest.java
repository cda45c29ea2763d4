package com.rediacc.contract.bridge;

import java.util.List;

/**
 * A bridge was just assigned dispatch {@code partitions} (of {@code partitionCount}): which machines
 * on them have ready work and room to run it? The wake-ups for them may have gone to the partition's
 * previous owner while it moved (docs/adr/0017).
 */
public record ReadyMachinesRequest(List<Integer> partitions, int partitionCount) {
}
