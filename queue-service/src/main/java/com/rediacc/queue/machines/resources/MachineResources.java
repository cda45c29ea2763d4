package com.rediacc.queue.machines.resources;

import com.rediacc.contract.bridge.ResourceSample;

import java.time.Instant;
import java.util.List;

/**
 * A machine's newest resource sample as the API shows it (GET /machines/{name}): sizes in bytes,
 * used space in percent, and which thresholds it is over ({@code over}).
 */
public record MachineResources(Instant sampledAt, String bridge, Load load, Memory memory, Disk disk,
                               List<Resource> over) {
    public record Load(double one, double five, double fifteen, int cpus) {
    }

    public record Memory(long totalBytes, long availableBytes, double usedPercent) {
    }

    public record Disk(String path, long totalBytes, long usedBytes, double usedPercent) {
    }

    public static MachineResources of(ResourceSample s, String bridge, List<Resource> over) {
        return new MachineResources(s.sampledAt(), bridge, new Load(s.load1(), s.load5(), s.load15(), s.cpus()),
                new Memory(s.memoryTotalBytes(), s.memoryAvailableBytes(), Resource.MEMORY.value(s)),
                new Disk("/", s.diskTotalBytes(), s.diskUsedBytes(), Resource.DISK.value(s)), over);
    }
}
