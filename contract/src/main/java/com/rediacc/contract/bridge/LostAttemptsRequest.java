package com.rediacc.contract.bridge;

/** A bridge asks for the lost attempts of {@code machine}, to end their remote commands. */
public record LostAttemptsRequest(String machine, String bridgeId) {
}
