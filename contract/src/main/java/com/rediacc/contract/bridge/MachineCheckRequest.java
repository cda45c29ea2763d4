package com.rediacc.contract.bridge;

/** queue-service asks a bridge to check how it reaches {@code machine} of {@code team}. */
public record MachineCheckRequest(String team, MachineConnection machine) {
}
