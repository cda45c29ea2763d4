package com.rediacc.contract.events;

/** Data of a {@link #TYPE} event on {@link Topics#DISPATCH}. */
public record MachineReady(String machine) {
    public static final String TYPE = "rediacc.machine.ready";
    public static final String SCHEMA = "urn:rediacc:schema:machine-ready:1";
}
