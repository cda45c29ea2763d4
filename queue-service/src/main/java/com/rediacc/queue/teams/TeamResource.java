package com.rediacc.queue.teams;

import com.rediacc.queue.api.Deadline;
import org.jboss.resteasy.reactive.RestResponse;
import com.rediacc.queue.api.Page;
import com.rediacc.queue.audit.Audited;
import com.rediacc.queue.auth.Caller;
import com.rediacc.queue.auth.Requester;
import com.rediacc.queue.auth.Role;
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

import java.net.URI;
import java.util.List;

/** Teams: global admins create them; members see the teams they belong to. */
@Deadline
@Path("/api/v1/teams")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class TeamResource {
    @Inject
    TeamRepository teams;
    @Inject
    Requester requester;

    @POST
    @Audited("team.create")
    public Uni<RestResponse<Team>> create(NewTeam body) {
        requester.requireGlobalAdmin("creating a team");
        if (body == null || !TeamNames.valid(body.name())) {
            throw ProblemException.invalid(List.of(new FieldError("name", body == null || body.name() == null
                    ? "is required" : "must be " + TeamNames.RULE)));
        }
        requester.target("team/" + body.name());
        return teams.insert(body.name()).map(created -> created
                .map(team -> RestResponse.ResponseBuilder.<Team>created(URI.create("/api/v1/teams/" + team.name())).entity(team).build())
                .orElseThrow(() -> ProblemException.conflict("team '" + body.name() + "' already exists")));
    }

    @GET
    public Uni<Page<Team>> list(@QueryParam("cursor") String cursor, @QueryParam("limit") Integer limit) {
        int pageSize = Page.size(limit);
        Caller caller = requester.caller();
        return teams.list(caller.teamsWith(Role.VIEWER).orElse(null), cursor, pageSize)
                .map(items -> items.stream().map(team -> withRole(caller, team)).toList())
                .map(items -> new Page<>(items, items.size() == pageSize ? items.getLast().name() : null));
    }

    @GET
    @Path("/{team}")
    public Uni<Team> get(@PathParam("team") String name) {
        requester.require(name, Role.VIEWER, () -> unknown(name));
        return teams.find(name).map(found -> withRole(requester.caller(), found.orElseThrow(() -> unknown(name))));
    }

    private static Team withRole(Caller caller, Team team) {
        return new Team(team.name(), team.createdAt(), caller.role(team.name()).orElse(null));
    }

    static ProblemException unknown(String team) {
        return ProblemException.notFound("no team '" + team + "'");
    }

    public record NewTeam(String name) {
    }
}
