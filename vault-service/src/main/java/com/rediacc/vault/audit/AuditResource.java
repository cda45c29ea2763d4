package com.rediacc.vault.audit;

import com.rediacc.vault.auth.BearerTokenFilter;
import com.rediacc.vault.auth.Caller;
import com.rediacc.vault.auth.Right;
import com.rediacc.web.ProblemException;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/** {@code GET /api/v1/vault/audit?team=&since=&limit=&cursor=}: queue-service only. */
@Path(AuditResource.PATH)
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {
    public static final String PATH = "/api/v1/vault/audit";

    @Inject
    AuditLog audit;

    @GET
    public AuditPage list(@QueryParam("team") String team, @QueryParam("since") String since,
                          @QueryParam("cursor") String cursor,
                          @QueryParam("limit") @DefaultValue("100") int limit,
                          @Context ContainerRequestContext request) {
        Caller caller = BearerTokenFilter.caller(request);
        if (!caller.may(Right.READ_AUDIT)) {
            throw caller.forbidden(Right.READ_AUDIT);
        }
        if (limit < 1 || limit > 1000) {
            throw ProblemException.badRequest("limit must be between 1 and 1000");
        }
        Instant from;
        try {
            from = since == null || since.isBlank() ? Instant.EPOCH : Instant.parse(since);
        } catch (DateTimeParseException e) {
            throw ProblemException.badRequest("since must be an ISO-8601 instant, e.g. 2026-01-31T12:00:00Z");
        }
        long after;
        try {
            after = cursor == null || cursor.isBlank() ? 0 : Long.parseLong(cursor);
        } catch (NumberFormatException e) {
            throw ProblemException.badRequest("cursor must be the nextCursor of a previous page");
        }
        List<AuditEntry> items = audit.list(team == null || team.isBlank() ? null : team, from, after, limit);
        return new AuditPage(items, items.size() == limit ? Long.toString(items.getLast().id()) : null);
    }
}
