package com.rediacc.queue.audit;

/**
 * A call whose audit record is written in the transaction of its change (the change knows the
 * record's team, target and status only when it is stored). AuditFilter then adds none.
 */
public record AuditedCall(String actor, String action, String requestId) {

    public AuditWriter.NewRecord record(String team, String target, int status) {
        return new AuditWriter.NewRecord(actor, team, action, target, status, requestId);
    }
}
