package com.rediacc.contract.bridge;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A task handed to one bridge. Every later report about it must carry {@code leaseToken}; a report
 * with an older token is rejected (fencing). {@code vaultData} is the task's secret document as
 * vault-service ciphertext of {@code team}, bound to {@code vaultDataContext}; the bridge decrypts
 * it at run time and hands it to the command on stdin. Null when the task has none.
 * {@code attemptToken} goes into the remote command's environment ({@link LostAttempt#ENV}), so
 * that its processes can be recognised if this bridge is lost. {@code stdin}: what the command reads
 * on its standard input when it has no vaultData (an onExit command: the task that ended, as JSON).
 * {@code environment}: variables the command gets, values passed literally (a function's params).
 * {@code attempt}: the number of the attempt this claim starts (1 for the first). {@code traceParent}:
 * the W3C trace context of what created the task, under which the bridge traces the attempt; null
 * when the task was not traced (docs/adr/0019).
 */
public record ClaimedTask(
        UUID taskId,
        String team,
        String command,
        Integer timeoutSeconds,
        long leaseToken,
        Instant leaseExpiresAt,
        MachineConnection machine,
        String vaultData,
        String vaultDataContext,
        String attemptToken,
        String stdin,
        Map<String, String> environment,
        int attempt,
        String traceParent) {
}
