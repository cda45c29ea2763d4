package com.rediacc.contract.bridge;

import java.util.UUID;

/**
 * One report of a {@link TaskReports} call: a task's start ({@code start}, as
 * {@link BridgeApi#START} takes it) or the end of its attempt ({@code finish}, as
 * {@link BridgeApi#FINISH} takes it); exactly one of the two.
 */
public record TaskReport(UUID taskId, LeaseReport start, AttemptResult finish) {
    public static TaskReport start(UUID taskId, long leaseToken) {
        return new TaskReport(taskId, new LeaseReport(leaseToken), null);
    }

    public static TaskReport finish(UUID taskId, AttemptResult result) {
        return new TaskReport(taskId, null, result);
    }
}
