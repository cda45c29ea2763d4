package com.rediacc.contract.bridge;

import java.util.List;

/**
 * A machine's SSH connectivity, step by step as {@code bridge} saw it: connect, hostKey, auth, exec
 * (in that order, up to the first that failed).
 */
public record MachineCheck(List<Step> steps, String bridge) {
    public static final String CONNECT = "connect";
    public static final String HOST_KEY = "hostKey";
    public static final String AUTH = "auth";
    public static final String EXEC = "exec";

    public boolean ok() {
        return steps.size() == 4 && steps.stream().allMatch(Step::ok);
    }

    /** One step: whether it worked, how long it took, and why not (null when it worked). */
    public record Step(String name, boolean ok, long millis, String error) {
    }
}
