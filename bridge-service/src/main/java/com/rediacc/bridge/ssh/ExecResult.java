package com.rediacc.bridge.ssh;

/** How a remote command ended. {@code exitCode} is null when it died by a signal ({@code exitSignal}). */
public record ExecResult(Integer exitCode, String exitSignal, String output, boolean outputTruncated) {
    public boolean succeeded() {
        return exitCode != null && exitCode == 0;
    }
}
