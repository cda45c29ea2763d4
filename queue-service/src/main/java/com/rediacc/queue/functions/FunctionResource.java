package com.rediacc.queue.functions;

import com.rediacc.queue.api.Deadline;
import com.rediacc.queue.QueueConfig;
import com.rediacc.queue.api.Page;
import com.rediacc.queue.audit.Audited;
import com.rediacc.queue.auth.Requester;
import com.rediacc.queue.auth.Role;
import com.rediacc.queue.teams.TeamRepository;
import com.rediacc.web.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestResponse;

import java.net.URI;

/**
 * A team's functions: every member reads them, ADMINs write new versions and delete them. A
 * function of another team does not exist for you (404).
 */
@Deadline
@Path("/api/v1/teams/{team}/functions")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class FunctionResource {
    @Inject
    FunctionRepository functions;
    @Inject
    TeamRepository teams;
    @Inject
    Requester requester;
    @Inject
    QueueConfig config;

    /** A new version (every PUT is one): 201 with it. */
    @PUT
    @Path("/{name}")
    @Audited("function.put")
    public Uni<RestResponse<FunctionDefinition>> put(@PathParam("team") String team, @PathParam("name") String name,
                                                      FunctionRequest request) {
        requester.target("function/" + team + "/" + name);
        FunctionRequest checked = FunctionValidation.validate(name, request, config.tasks().maxCommandBytes());
        requester.require(team, Role.ADMIN, () -> unknownTeam(team));
        return teams.requireExisting(team, () -> unknownTeam(team))
                .chain(() -> functions.insertVersion(team, name, checked, requester.name()))
                .map(stored -> RestResponse.ResponseBuilder.<FunctionDefinition>created(URI.create(
                        "/api/v1/teams/" + team + "/functions/" + name + "/versions/" + stored.version())).entity(stored).build());
    }

    /** The newest version of each function. */
    @GET
    public Uni<Page<FunctionDefinition>> list(@PathParam("team") String team, @QueryParam("cursor") String cursor,
                                              @QueryParam("limit") Integer limit) {
        int pageSize = Page.size(limit);
        requester.require(team, Role.VIEWER, () -> unknownTeam(team));
        return functions.list(team, cursor, pageSize)
                .map(items -> new Page<>(items, items.size() == pageSize ? items.getLast().name() : null));
    }

    @GET
    @Path("/{name}")
    public Uni<FunctionDefinition> get(@PathParam("team") String team, @PathParam("name") String name) {
        return version(team, name, null);
    }

    @GET
    @Path("/{name}/versions")
    public Uni<Page<FunctionDefinition>> versions(@PathParam("team") String team, @PathParam("name") String name) {
        requester.require(team, Role.VIEWER, () -> unknownTeam(team));
        return functions.versions(team, name).map(all -> {
            if (all.isEmpty()) {
                throw unknown(team, name);
            }
            return new Page<>(all, null);
        });
    }

    @GET
    @Path("/{name}/versions/{version}")
    public Uni<FunctionDefinition> version(@PathParam("team") String team, @PathParam("name") String name,
                                           @PathParam("version") Integer version) {
        requester.require(team, Role.VIEWER, () -> unknownTeam(team));
        return functions.find(team, name, version).map(found -> found.orElseThrow(() -> unknown(team, name)));
    }

    /** Deletes every version; tasks keep the name and version they ran, and a new PUT goes on numbering. */
    @DELETE
    @Path("/{name}")
    @Audited("function.delete")
    public Uni<RestResponse<Void>> delete(@PathParam("team") String team, @PathParam("name") String name) {
        requester.target("function/" + team + "/" + name);
        requester.require(team, Role.ADMIN, () -> unknownTeam(team));
        return functions.delete(team, name).map(deleted -> {
            if (!deleted) {
                throw unknown(team, name);
            }
            return RestResponse.<Void>noContent();
        });
    }

    public static ProblemException unknown(String team, String name) {
        return ProblemException.notFound("no function '" + name + "' in team '" + team + "'; define it with PUT /api/v1/teams/"
                + team + "/functions/" + name);
    }

    private static ProblemException unknownTeam(String team) {
        return ProblemException.notFound("no team '" + team + "'");
    }
}
