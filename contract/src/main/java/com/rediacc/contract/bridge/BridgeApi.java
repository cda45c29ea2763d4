package com.rediacc.contract.bridge;

/** Paths of the queue-service endpoints reserved for bridges (service token only). */
public final class BridgeApi {
    public static final String BASE = "/api/v1/bridge";
    public static final String CLAIMS = "/claims";
    public static final String START = "/tasks/{taskId}/start";
    public static final String HEARTBEAT = "/tasks/{taskId}/heartbeat";
    public static final String FINISH = "/tasks/{taskId}/finish";
    /** Gives back a claimed task that was never started (bridge shutting down). */
    public static final String RELEASE = "/tasks/{taskId}/release";
    /** The lost attempts of a machine, whose remote commands must be ended (docs/adr/0004). */
    public static final String LOST_ATTEMPTS = "/lost-attempts";
    /** No process of the lost attempt runs any more: the queue settles its task. */
    public static final String LOST_ATTEMPT_ENDED = "/tasks/{taskId}/lost-attempt-ended";

    private BridgeApi() {
    }
}
