package com.rediacc.vault.audit;

import java.util.List;

/** A page of audit rows, oldest first; {@code nextCursor} (an id) is null on the last page. */
public record AuditPage(List<AuditEntry> items, String nextCursor) {
}
