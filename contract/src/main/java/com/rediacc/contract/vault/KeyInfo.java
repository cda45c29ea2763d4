package com.rediacc.contract.vault;

import java.time.Instant;
import java.util.List;

/** A team key's versions; never key material. */
public record KeyInfo(String team, int latestVersion, List<Version> versions) {
    public record Version(int version, Instant createdAt) {
    }
}
