package com.rediacc.contract.bridge;

/**
 * A bridge has made sure no process of the lost attempt {@code attemptToken} runs on the machine any
 * more: {@code killed} when it killed its process group, false when none was left.
 */
public record LostAttemptEnded(String attemptToken, boolean killed) {
}
