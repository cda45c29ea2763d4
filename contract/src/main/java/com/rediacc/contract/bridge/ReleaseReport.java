package com.rediacc.contract.bridge;

/**
 * Gives back a claimed task whose command never ran. Without {@code reason}: the bridge is stopping,
 * and the task goes back to its place at once. With one: something the attempt needed was
 * unavailable (vault-service down); no attempt is counted, and the task is not claimable again for
 * {@code retryAfterSeconds} (null or 0: at once; at most {@link #MAX_RETRY_AFTER_SECONDS}).
 */
public record ReleaseReport(long leaseToken, String reason, Integer retryAfterSeconds) {
    public static final int MAX_RETRY_AFTER_SECONDS = 3600;
    public static final int MAX_REASON_LENGTH = 1000;

    public static ReleaseReport stopping(long leaseToken) {
        return new ReleaseReport(leaseToken, null, null);
    }
}
