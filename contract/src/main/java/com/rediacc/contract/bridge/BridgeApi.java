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

    private BridgeApi() {
    }
}
