package com.rediacc.queue.secrets;

import java.time.Instant;

/** One version of a team vault entry as stored: its ciphertext too (the API shows {@link SecretVersion}). */
public record TeamSecret(String team, String name, int version, int keyVersion, Instant createdAt, String createdBy,
                         String ciphertext) {
}
