package com.rediacc.contract.bridge;

/** Paths of the queue-service endpoints reserved for bridges (service token only). */
public final class BridgeApi {
    public static final String BASE = "/api/v1/bridge";
    public static final String CLAIMS = "/claims";
    /**
     * On a claim's answer: {@code true} when ready work of the machine is left after the tasks it
     * took, {@code false} when none is. A bridge claims the machine again when a slot frees only
     * then; new work wakes it anyway. Absent (an older queue-service): assume {@code true}.
     */
    public static final String READY_LEFT_HEADER = "X-Rediacc-Ready-Left";
    public static final String START = "/tasks/{taskId}/start";
    public static final String HEARTBEAT = "/tasks/{taskId}/heartbeat";
    public static final String FINISH = "/tasks/{taskId}/finish";
    /** Starts and results of several tasks in one call and one transaction ({@link TaskReports}). */
    public static final String REPORTS = "/reports";
    /** Gives back a claimed task that was never started (bridge shutting down). */
    public static final String RELEASE = "/tasks/{taskId}/release";
    /** The lost attempts of a machine, whose remote commands must be ended (docs/adr/0004). */
    public static final String LOST_ATTEMPTS = "/lost-attempts";
    /** No process of the lost attempt runs any more: the queue settles its task. */
    public static final String LOST_ATTEMPT_ENDED = "/tasks/{taskId}/lost-attempt-ended";
    /** A bridge says it is alive, what it serves and what it sampled ({@link BridgePresence}). */
    public static final String PRESENCE = "/presence";
    /** The machines with ready work on some dispatch partitions ({@link ReadyMachinesRequest} -> names). */
    public static final String READY_MACHINES = "/ready-machines";
    /**
     * Served by bridge-service itself (bridge token only): queue-service asks the bridge that serves a
     * machine to check its SSH connectivity ({@link MachineCheckRequest} -> {@link MachineCheck}).
     */
    public static final String MACHINE_CHECK_ON_BRIDGE = "/api/v1/bridge-service/machine-check";

    private BridgeApi() {
    }
}
