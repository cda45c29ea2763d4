package com.rediacc.queue.secrets;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.time.Instant;

/** One version of a team vault entry. The API never shows the ciphertext, let alone the value. */
public record TeamSecret(String team, String name, int version, int keyVersion, Instant createdAt, String createdBy,
                         @JsonIgnore String ciphertext) {
}
