package com.rediacc.contract.bridge;

/**
 * The end of an attempt. {@code output} is stdout and stderr as captured (capped by the bridge;
 * {@code outputTruncated} says whether the cap was hit). {@code error} says why it failed.
 */
public record AttemptResult(
        long leaseToken,
        AttemptOutcome outcome,
        Integer exitCode,
        String output,
        boolean outputTruncated,
        String error) {
}
