package com.rediacc.queue.machines.resources;

import java.time.Instant;

/**
 * Data of a machine resource alert on {@code rediacc.alerts}, schema {@value #SCHEMA}
 * (docs/events.md): {@value #HIGH} when a sample goes over a threshold, {@value #CLEARED} when one
 * is under it again. Once each: a machine staying over it sends nothing more.
 */
public record ResourceAlert(String machine, String team, Resource resource, double value, double threshold,
                            String bridge, Instant sampledAt) {
    public static final String SCHEMA = "urn:rediacc:schema:machine-resource-alert:1";
    public static final String HIGH = "rediacc.alert.machine-resource-high";
    public static final String CLEARED = "rediacc.alert.machine-resource-cleared";
}
