package com.rediacc.vault.audit;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/**
 * One audit row. {@code keyVersion} is the version the call used (for a rewrap: the ciphertext's
 * old one, {@code newKeyVersion} the one it moved to; for a rotation: the new one).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditEntry(long id, Instant at, String caller, Action action, String team, Integer keyVersion,
                         Integer newKeyVersion, String context, Result result, String error) {
}
