package com.rediacc.contract.bridge;

/** {@code cancelRequested}: kill the command now. {@code outputLength}: characters of output stored. */
public record HeartbeatReply(boolean cancelRequested, int outputLength) {
}
