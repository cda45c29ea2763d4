package com.rediacc.bridge.work;

import java.time.Duration;
import java.util.List;

/**
 * The scheduler's settings (from {@code rediacc.bridge.*}, see BridgeConfig).
 *
 * @param batchSize      at most this many tasks run at once
 * @param tags           tagged tasks are claimed only when their tags are among these
 * @param heartbeatEvery how often a running task renews its lease, streams output and hears of a cancel
 * @param maxOutputBytes output kept per task
 * @param reportRetryFor how long a result is retried while the queue cannot be reached
 * @param shutdownGrace  on close, how long running tasks may take to finish
 * @param unavailableRetryMax the longest a task given back during a vault-service outage waits before it is claimed again
 */
public record WorkSettings(int batchSize, List<String> tags, Duration heartbeatEvery, int maxOutputBytes,
                           Duration reportRetryFor, Duration shutdownGrace, Duration unavailableRetryMax) {
}
