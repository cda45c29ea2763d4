package com.rediacc.queue.console;

import com.rediacc.queue.api.Deadline;
import com.rediacc.queue.api.Page;
import com.rediacc.queue.auth.Caller;
import com.rediacc.queue.auth.Requester;
import com.rediacc.queue.auth.Role;
import com.rediacc.queue.tasks.QueueStats;
import com.rediacc.queue.tasks.TaskAccess;
import com.rediacc.queue.tasks.TaskQueries;
import com.rediacc.queue.tasks.TaskStatus;
import com.rediacc.web.FieldError;
import com.rediacc.web.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The few reads the console needs beyond the public API (docs/console.md): who am I, the overview,
 * the task list with every filter of its URL, the ids a bulk action would touch, one task without
 * its output, and unfinished tasks per machine. Read-only, VIEWER and up, the caller's teams only.
 */
@Deadline
@Path("/api/v1/console")
@Produces(MediaType.APPLICATION_JSON)
public class ConsoleApiResource {
    /** At most this many ids for one bulk action (the browser sends them in chunks to the public API). */
    static final int MAX_BULK = 10_000;

    @Inject
    Requester requester;
    @Inject
    ConsoleQueries queries;
    @Inject
    TaskQueries taskQueries;
    @Inject
    TaskAccess access;

    public record Me(String name, boolean globalAdmin, Map<String, Role> roles) {
        static Me of(Caller caller) {
            return new Me(caller.name(), caller.globalAdmin(), caller.roles());
        }
    }

    @GET
    @Path("/me")
    public Me me() {
        return Me.of(requester.caller());
    }

    /** A minute of the last hour: tasks created, ended, and the unfinished ones at its end. */
    public record Point(Instant at, long created, long ended, long depth) {
    }

    public record Overview(QueueStats stats, List<Point> lastHour, List<ConsoleQueries.Stuck> stuck) {
    }

    @GET
    @Path("/overview")
    public Uni<Overview> overview(@QueryParam("team") String team) {
        List<String> visible = visible(team);
        // three independent reads at once, each on a connection of its own
        return Uni.combine().all().unis(taskQueries.stats(blank(team), visible), queries.lastHour(blank(team), visible),
                queries.stuck(blank(team), visible)).asTuple().map(read -> {
                    QueueStats stats = read.getItem1();
                    List<ConsoleQueries.Minute> minutes = read.getItem2();
                    long depth = stats.byStatus().get(TaskStatus.PENDING) + stats.byStatus().get(TaskStatus.ASSIGNED)
                            + stats.byStatus().get(TaskStatus.PROCESSING);
                    List<Point> points = new ArrayList<>();
                    for (int i = minutes.size() - 1; i >= 0; i--) {
                        ConsoleQueries.Minute m = minutes.get(i);
                        points.addFirst(new Point(m.at(), m.created(), m.ended(), Math.max(0, depth)));
                        depth -= m.created() - m.ended();
                    }
                    return new Overview(stats, points, read.getItem3());
                });
    }

    @GET
    @Path("/tasks")
    public Uni<Page<ConsoleTaskRow>> tasks(@Context UriInfo uri, @QueryParam("limit") Integer limit,
                                           @QueryParam("cursor") String cursor) {
        ConsoleTaskFilter filter = ConsoleTaskFilter.of(uri.getQueryParameters());
        List<FieldError> errors = new ArrayList<>();
        int size = Page.size(limit, errors);
        Long before = null;
        if (cursor != null) {
            try {
                before = Long.parseLong(cursor);
            } catch (NumberFormatException e) {
                errors.add(new FieldError("cursor", "is not a cursor returned by this API"));
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        return queries.tasks(filter, visible(filter.team()), before, size, null).map(items -> new Page<>(items,
                items.size() == size ? Long.toString(items.getLast().seq()) : null));
    }

    public record Ids(String action, List<UUID> ids, boolean more) {
    }

    /**
     * The ids of the tasks matching the filter that {@code action} applies to (cancel: unfinished ones;
     * retry: FAILED and CANCELLED ones), newest first, at most {@value #MAX_BULK}. The console shows
     * their count before it acts, then acts through the public API, which checks every task's role.
     */
    @GET
    @Path("/tasks/ids")
    public Uni<Ids> ids(@Context UriInfo uri, @QueryParam("action") String action) {
        List<String> statuses = switch (action == null ? "" : action) {
            case "cancel" -> List.of("PENDING", "ASSIGNED", "PROCESSING");
            case "retry" -> List.of("FAILED", "CANCELLED");
            default -> throw ProblemException.invalid(List.of(new FieldError("action", "must be cancel or retry")));
        };
        ConsoleTaskFilter filter = ConsoleTaskFilter.of(uri.getQueryParameters()).onlyStatuses(statuses);
        if (filter.statuses().isEmpty()) {
            return Uni.createFrom().item(new Ids(action, List.of(), false));
        }
        return queries.tasks(filter, visible(filter.team()), null, MAX_BULK + 1, null).map(rows -> new Ids(action,
                rows.stream().limit(MAX_BULK).map(ConsoleTaskRow::taskId).toList(), rows.size() > MAX_BULK));
    }

    @GET
    @Path("/tasks/{id}")
    public Uni<ConsoleTaskDetail> task(@PathParam("id") String id) {
        UUID taskId;
        try {
            taskId = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound("no task " + id);
        }
        return access.task(taskId, Role.VIEWER).map(ConsoleTaskDetail::of);
    }

    @GET
    @Path("/machine-counts")
    public Uni<Map<String, Map<String, Long>>> machineCounts(@QueryParam("team") String team) {
        return queries.machineCounts(blank(team), visible(team));
    }

    /** The teams whose tasks the caller may read (null: all), after checking {@code team} is one of them. */
    private List<String> visible(String team) {
        if (blank(team) != null) {
            requester.require(team, Role.VIEWER, () -> ProblemException.notFound("no team '" + team + "'"));
        }
        return requester.caller().teamsWith(Role.VIEWER).orElse(null);
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
