package com.rediacc.contract.bridge;

/**
 * Keeps a lease alive and streams output: {@code outputChunk} continues the stored output from
 * character {@code outputOffset}. A chunk that does not start where the stored output ends (a
 * repeated or lost heartbeat) is ignored, and the reply says where the stored output ends.
 * {@code remotePid}: the process group of the remote command, once known (null: unchanged).
 */
public record Heartbeat(long leaseToken, int outputOffset, String outputChunk, Long remotePid) {
}
