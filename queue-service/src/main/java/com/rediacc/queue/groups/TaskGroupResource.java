package com.rediacc.queue.groups;

import com.rediacc.queue.api.Deadline;
import com.rediacc.queue.api.Page;
import com.rediacc.queue.audit.Audited;
import com.rediacc.queue.auth.Requester;
import com.rediacc.queue.auth.TeamAuthorization;
import com.rediacc.queue.auth.Role;
import com.rediacc.queue.tasks.TaskProblems;
import com.rediacc.web.FieldError;
import com.rediacc.web.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestResponse;

import java.net.URI;
import java.util.List;
import java.util.UUID;

/**
 * Task groups: OPERATORs of the machines' team create, cancel and retry them, every member reads
 * them. A group of another team does not exist for you (404).
 */
@Deadline
@Path("/api/v1/task-groups")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class TaskGroupResource {
    @Inject
    TaskGroupService service;
    @Inject
    Requester requester;

    /** 201 with the group and its tasks, all created at once (or none). */
    @Deadline(bulk = true)
    @POST
    @Audited("task-group.create")
    public Uni<RestResponse<TaskGroupView>> create(TaskGroupRequest request) {
        requester.target("task-group/new");
        return service.create(request, requester.name(), role(Role.OPERATOR))
                .invoke(group -> requester.auditRecorded(group.team(), "task-group/" + group.groupId()))
                .map(group -> RestResponse.ResponseBuilder.<TaskGroupView>created(
                        URI.create("/api/v1/task-groups/" + group.groupId())).entity(group).build());
    }

    @GET
    public Uni<Page<TaskGroupView>> list(@QueryParam("team") String team, @QueryParam("cursor") String cursor,
                                         @QueryParam("limit") Integer limit) {
        int pageSize = Page.size(limit);
        if (team != null) {
            requester.require(team, Role.VIEWER, () -> ProblemException.notFound("no team '" + team + "'"));
        }
        UUID before = cursor == null ? null : TaskProblems.parseId(cursor).orElseThrow(() -> ProblemException.invalid(
                List.of(new FieldError("cursor", "is not a cursor returned by this API"))));
        List<String> visible = requester.caller().teamsWith(Role.VIEWER).orElse(null);
        return service.list(team, visible, before, pageSize).map(groups -> {
            List<TaskGroupView> items = groups.stream().map(g -> TaskGroupView.of(g, List.of())).toList();
            return new Page<>(items, items.size() == pageSize ? items.getLast().groupId().toString() : null);
        });
    }

    /** The group: counts per status, how far it got, one row per machine. */
    @GET
    @Path("/{id}")
    public Uni<TaskGroupView> get(@PathParam("id") String id) {
        UUID groupId = groupId(id);
        requester.target("task-group/" + groupId);
        return service.get(groupId, role(Role.VIEWER));
    }

    @Deadline(bulk = true)
    @POST
    @Path("/{id}/cancel")
    @Audited("task-group.cancel")
    public Uni<TaskGroupView> cancel(@PathParam("id") String id) {
        UUID groupId = groupId(id);
        requester.target("task-group/" + groupId);
        return service.cancel(groupId, requester.name(), role(Role.OPERATOR));
    }

    /** A new group of the FAILED and CANCELLED machines, linked to this one: 201. */
    @Deadline(bulk = true)
    @POST
    @Path("/{id}/retry")
    @Audited("task-group.retry")
    public Uni<RestResponse<TaskGroupView>> retry(@PathParam("id") String id) {
        UUID groupId = groupId(id);
        requester.target("task-group/" + groupId);
        return service.retry(groupId, requester.name(), role(Role.OPERATOR))
                .map(group -> RestResponse.ResponseBuilder.<TaskGroupView>created(
                        URI.create("/api/v1/task-groups/" + group.groupId())).entity(group).build());
    }

    private TeamAuthorization role(Role needed) {
        return (team, invisible) -> requester.require(team, needed, invisible);
    }

    private static UUID groupId(String raw) {
        return TaskProblems.parseId(raw).orElseThrow(() -> ProblemException.notFound("no task group " + raw));
    }
}
