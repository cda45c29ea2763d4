package com.rediacc.queue.audit;

import com.rediacc.queue.api.Deadline;
import com.fasterxml.jackson.databind.JsonNode;
import com.rediacc.queue.api.Page;
import com.rediacc.queue.auth.Requester;
import com.rediacc.queue.auth.Role;
import com.rediacc.queue.vault.Vault;
import com.rediacc.web.FieldError;
import com.rediacc.web.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The audit trail, for admins: a team's ADMINs read their team's records, global admins read
 * everything (also records without a team, such as user and team creation).
 */
@Deadline
@Path("/api/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {
    @Inject
    AuditRepository audit;
    @Inject
    Requester requester;
    @Inject
    Vault vault;

    /** Mutating API calls, oldest first. */
    @GET
    public Uni<Page<AuditRecord>> list(@QueryParam("team") String team, @QueryParam("since") String since,
                                       @QueryParam("until") String until, @QueryParam("actor") String actor,
                                       @QueryParam("action") String action, @QueryParam("limit") Integer limit,
                                       @QueryParam("cursor") String cursor) {
        List<FieldError> errors = new ArrayList<>();
        Instant from = instant("since", since, Instant.EPOCH, errors);
        Instant to = instant("until", until, null, errors);
        int pageSize = Page.size(limit, errors);
        long afterId = afterId(cursor, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        List<String> teams = readableTeams(team);
        return audit.list(new AuditRepository.AuditQuery(blankToNull(team), from, to, blankToNull(actor),
                        blankToNull(action), afterId), teams, pageSize)
                .map(items -> new Page<>(items, items.size() == pageSize ? Long.toString(items.getLast().id()) : null));
    }

    /**
     * vault-service's trail of one team's key use (every decrypt by a bridge, encryption, rotation),
     * oldest first, as vault-service records it. It never holds plaintext.
     */
    @GET
    @Path("/vault")
    public Uni<JsonNode> vault(@QueryParam("team") String team, @QueryParam("since") String since,
                               @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        List<FieldError> errors = new ArrayList<>();
        if (team == null || team.isBlank()) {
            errors.add(new FieldError("team", "is required: the vault trail is kept per team"));
        }
        instant("since", since, null, errors);
        int pageSize = Page.size(limit, errors);
        afterId(cursor, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        requester.require(team, Role.ADMIN, () -> ProblemException.notFound("no team '" + team + "'"));
        return vault.audit(team, blankToNull(since), blankToNull(cursor), pageSize);
    }

    /** null: every record; otherwise the teams whose records the caller may read. */
    private List<String> readableTeams(String team) {
        if (team != null && !team.isBlank()) {
            requester.require(team, Role.ADMIN, () -> ProblemException.notFound("no team '" + team + "'"));
            return null;
        }
        List<String> teams = requester.caller().teamsWith(Role.ADMIN).orElse(null);
        if (teams != null && teams.isEmpty()) {
            throw ProblemException.forbidden("the audit trail is for admins: you are ADMIN of no team");
        }
        return teams;
    }

    private static Instant instant(String field, String value, Instant absent, List<FieldError> errors) {
        if (value == null || value.isBlank()) {
            return absent;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            errors.add(new FieldError(field, "must be an ISO-8601 instant, e.g. 2026-01-31T12:00:00Z"));
            return absent;
        }
    }

    private static long afterId(String cursor, List<FieldError> errors) {
        if (cursor == null || cursor.isBlank()) {
            return 0;
        }
        try {
            return Long.parseLong(cursor);
        } catch (NumberFormatException e) {
            errors.add(new FieldError("cursor", "is not a cursor returned by this API"));
            return 0;
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
