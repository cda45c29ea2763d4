package com.rediacc.queue.events;

import com.rediacc.queue.api.Deadline;
import com.rediacc.queue.QueueConfig;
import com.rediacc.queue.auth.Caller;
import com.rediacc.queue.auth.Requester;
import com.rediacc.queue.auth.Role;
import com.rediacc.web.ProblemException;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import java.util.List;
import java.util.Optional;

/**
 * {@code GET /api/v1/events?team=}: task lifecycle events as server-sent events, live, for the
 * teams the caller sees (the console and {@code rediacc watch} use it). Each event is named after
 * its CloudEvent type, carries the CloudEvent id and has the CloudEvent JSON (docs/events.md) as
 * data. A comment line every {@code rediacc.events.keep-alive} keeps proxies from closing it.
 */
@Deadline
@Path("/api/v1/events")
public class EventStreamResource {
    @Inject
    TaskEventFeed feed;
    @Inject
    Requester requester;

    @Inject
    QueueConfig config;

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public Multi<OutboundSseEvent> stream(@QueryParam("team") String team, @Context Sse sse) {
        if (team != null) {
            requester.require(team, Role.VIEWER, () -> ProblemException.notFound("no team '" + team + "'"));
        }
        Caller caller = requester.caller();
        Optional<List<String>> visible = caller.teamsWith(Role.VIEWER);
        Multi<OutboundSseEvent> events = feed.events()
                .filter(event -> event.team() != null
                        && (team == null || team.equals(event.team()))
                        && visible.map(teams -> teams.contains(event.team())).orElse(true))
                .map(event -> sse.newEventBuilder().name(event.type()).id(event.id())
                        .mediaType(MediaType.APPLICATION_JSON_TYPE).data(event.payload()).build());
        Multi<OutboundSseEvent> keepAlives = Multi.createFrom().ticks().every(config.events().keepAlive())
                .map(tick -> sse.newEventBuilder().comment("keep-alive").build());
        return Multi.createBy().merging().streams(events, keepAlives);
    }
}
