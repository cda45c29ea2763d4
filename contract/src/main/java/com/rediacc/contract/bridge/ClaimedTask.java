package com.rediacc.contract.bridge;

import java.time.Instant;
import java.util.UUID;

/**
 * A task handed to one bridge. Every later report about it must carry {@code leaseToken}; a report
 * with an older token is rejected (fencing).
 */
public record ClaimedTask(
        UUID taskId,
        String command,
        Integer timeoutSeconds,
        long leaseToken,
        Instant leaseExpiresAt,
        MachineConnection machine) {
}
