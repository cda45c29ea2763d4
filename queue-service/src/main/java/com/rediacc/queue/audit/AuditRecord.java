package com.rediacc.queue.audit;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/**
 * One mutating API call. {@code result}: OK (2xx), DENIED (401, 403), REJECTED (other 4xx, e.g.
 * bad input or a resource the caller cannot see), FAILED (5xx). Never holds a request body.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditRecord(long id, Instant at, String actor, String team, String action, String target,
                          String result, int status, String requestId) {

    public static String result(int status) {
        if (status < 400) {
            return "OK";
        }
        if (status == 401 || status == 403) {
            return "DENIED";
        }
        return status < 500 ? "REJECTED" : "FAILED";
    }
}
