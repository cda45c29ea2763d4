package com.rediacc.queue.secrets;

import java.time.Instant;

/** One version of a team vault entry as the API shows it: who wrote it when, never its value or ciphertext. */
public record SecretVersion(String team, String name, int version, int keyVersion, Instant createdAt, String createdBy) {
    public static SecretVersion of(TeamSecret stored) {
        return new SecretVersion(stored.team(), stored.name(), stored.version(), stored.keyVersion(), stored.createdAt(),
                stored.createdBy());
    }
}
