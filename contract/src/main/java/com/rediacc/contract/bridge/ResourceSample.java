package com.rediacc.contract.bridge;

import java.time.Instant;

/**
 * Load, memory and root file system of a machine as one cheap command read them
 * ({@code /proc/loadavg}, {@code nproc}, {@code /proc/meminfo}, {@code df -P /}). Sizes in bytes.
 */
public record ResourceSample(
        String machine,
        Instant sampledAt,
        double load1,
        double load5,
        double load15,
        int cpus,
        long memoryTotalBytes,
        long memoryAvailableBytes,
        long diskTotalBytes,
        long diskUsedBytes) {
}
