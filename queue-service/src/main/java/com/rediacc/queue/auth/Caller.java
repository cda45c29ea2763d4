package com.rediacc.queue.auth;

/** Who made a request. Teams and per-team roles arrive with their own issue. */
public record Caller(String name, Kind kind) {
    public enum Kind {
        /** Holder of the bootstrap token: may do everything on the public API. */
        GLOBAL_ADMIN,
        /** A bridge-service instance: may only use the bridge endpoints. */
        BRIDGE
    }
}
