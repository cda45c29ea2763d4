package com.rediacc.contract.events;

/**
 * Data of a {@link #TYPE} event on {@link Topics#DISPATCH}: machine {@code machine} has lost
 * attempts whose remote commands a bridge must end before their tasks are failed or run again.
 */
public record LostAttemptsFound(String machine) {
    public static final String TYPE = "rediacc.machine.lost-attempts";
    public static final String SCHEMA = "urn:rediacc:schema:machine-lost-attempts:1";
}
