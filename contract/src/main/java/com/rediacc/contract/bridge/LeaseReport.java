package com.rediacc.contract.bridge;

/** Body of the start and heartbeat reports: proves the caller still holds the lease. */
public record LeaseReport(long leaseToken) {
}
