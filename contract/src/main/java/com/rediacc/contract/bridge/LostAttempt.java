package com.rediacc.contract.bridge;

import java.util.UUID;

/**
 * A running attempt whose lease expired (its bridge died or was cut off): its remote command may
 * still run. {@code attemptToken} is in that command's environment as {@code REDIACC_ATTEMPT};
 * {@code remotePid} is the process group the bridge reported, null when it died before reporting it.
 */
public record LostAttempt(UUID taskId, String attemptToken, Long remotePid) {
    /** The environment variable that marks the processes of one attempt on the machine. */
    public static final String ENV = "REDIACC_ATTEMPT";
}
