package com.rediacc.queue.machines;

import com.rediacc.queue.api.Page;
import com.rediacc.queue.api.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.net.URI;

@Path("/api/v1/machines")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class MachineResource {
    @Inject
    MachineRepository machines;

    @POST
    public Uni<Response> register(MachineRequest request, UriInfo uri) {
        Machine machine = MachineValidation.validate(request);
        return machines.insert(machine).map(created -> created
                .map(m -> Response.created(URI.create(uri.getPath() + "/" + m.name())).entity(m).build())
                .orElseThrow(() -> ProblemException.conflict("machine '" + machine.name() + "' already exists")));
    }

    @GET
    public Uni<Page<Machine>> list(@QueryParam("team") String team,
                                   @QueryParam("cursor") String cursor,
                                   @QueryParam("limit") @DefaultValue("100") int limit) {
        if (limit < 1 || limit > 1000) {
            throw ProblemException.badRequest("limit must be between 1 and 1000");
        }
        return machines.list(team, cursor, limit).map(items -> new Page<>(items,
                items.size() == limit ? items.getLast().name() : null));
    }

    @GET
    @Path("/{name}")
    public Uni<Machine> get(@PathParam("name") String name) {
        return machines.find(name).map(found -> found
                .orElseThrow(() -> ProblemException.notFound("no machine named '" + name + "'")));
    }
}
