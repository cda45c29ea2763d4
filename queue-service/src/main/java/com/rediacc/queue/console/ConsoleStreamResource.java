package com.rediacc.queue.console;

import com.rediacc.queue.api.Deadline;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rediacc.queue.QueueConfig;
import com.rediacc.queue.auth.Caller;
import com.rediacc.queue.auth.Requester;
import com.rediacc.queue.auth.Role;
import com.rediacc.queue.events.TaskEventFeed;
import com.rediacc.web.ProblemException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code GET /api/v1/console/stream}: the one event stream of a console tab. Multiplexed and
 * coalesced: every {@code rediacc.console.stream-interval} (500 ms) at most one {@code tick} event,
 * with what changed since the last one: the ids of the changed tasks, fresh counts, the changed rows
 * of the task list the tab shows ({@code ?view=tasks} and its filters), and new output of the task it
 * follows ({@code ?follow=<taskId>}). {@code ?team=} narrows it to one team. Built on the Kafka-fed
 * {@link TaskEventFeed}, so it shows the work of every replica; only the caller's teams' tasks appear.
 */
@Deadline
@Path("/api/v1/console/stream")
public class ConsoleStreamResource {
    @Inject
    Requester requester;
    @Inject
    TaskEventFeed feed;
    @Inject
    ConsoleQueries queries;
    @Inject
    StatsCache stats;
    @Inject
    ObjectMapper json;
    @Inject
    QueueConfig config;

    /** What one tab shows: its team (null: all it sees), its task list's filter (null: none), the task it follows. */
    record Scope(String team, Optional<List<String>> visibleTeams, ConsoleTaskFilter tasks, UUID follow) {
        boolean sees(String eventTeam) {
            return (team == null || team.equals(eventTeam))
                    && visibleTeams.map(teams -> teams.contains(eventTeam)).orElse(true);
        }

        List<String> visible() {
            return visibleTeams.orElse(null);
        }
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public Multi<OutboundSseEvent> stream(@Context UriInfo uri, @QueryParam("team") String team,
                                          @QueryParam("view") String view, @QueryParam("follow") String follow,
                                          @Context Sse sse) {
        String oneTeam = team == null || team.isBlank() ? null : team;
        if (oneTeam != null) {
            requester.require(oneTeam, Role.VIEWER, () -> ProblemException.notFound("no team '" + oneTeam + "'"));
        }
        ConsoleTaskFilter filter = "tasks".equals(view) ? ConsoleTaskFilter.of(uri.getQueryParameters()) : null;
        if (filter != null && filter.team() != null) {
            requester.require(filter.team(), Role.VIEWER, () -> ProblemException.notFound("no team '" + filter.team() + "'"));
        }
        UUID followed = null;
        if (follow != null && !follow.isBlank()) {
            try {
                followed = UUID.fromString(follow);
            } catch (IllegalArgumentException e) {
                throw ProblemException.notFound("no task " + follow);
            }
        }
        Caller caller = requester.caller();
        Scope scope = new Scope(oneTeam, caller.teamsWith(Role.VIEWER), filter, followed);
        Duration interval = config.console().streamInterval();
        return Multi.createFrom().deferred(() -> {
            ConsoleTab tab = new ConsoleTab(scope, queries, stats, json);
            Cancellable subscription = feed.events().subscribe().with(tab::offer, failure -> { });
            Multi<OutboundSseEvent> ticks = Multi.createFrom().ticks().startingAfter(Duration.ofMillis(1)).every(interval)
                    .onOverflow().drop()
                    .onItem().transformToUniAndConcatenate(tick -> tab.next())
                    .filter(Optional::isPresent)
                    .map(message -> sse.newEventBuilder().name("tick").mediaType(MediaType.APPLICATION_JSON_TYPE)
                            .data(message.get()).build());
            Multi<OutboundSseEvent> keepAlives = Multi.createFrom().ticks().every(config.events().keepAlive())
                    .map(tick -> sse.newEventBuilder().comment("keep-alive").build());
            return Multi.createBy().merging().streams(ticks, keepAlives).onTermination().invoke(subscription::cancel);
        });
    }
}
