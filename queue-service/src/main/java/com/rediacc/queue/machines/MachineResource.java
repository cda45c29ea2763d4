package com.rediacc.queue.machines;

import com.rediacc.queue.api.Page;
import com.rediacc.queue.api.ProblemException;
import com.rediacc.queue.outbox.OutboxRelay;
import com.rediacc.queue.outbox.OutboxRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
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

    @Inject
    Pool pool;

    @Inject
    OutboxRepository outbox;

    @Inject
    OutboxRelay relay;

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
        return machines.find(name).map(found -> found.orElseThrow(() -> unknown(name)));
    }

    /** Stops claims from this machine; running tasks go on. Pausing a paused machine changes nothing. */
    @POST
    @Path("/{name}/pause")
    public Uni<Machine> pause(@PathParam("name") String name) {
        return machines.setPaused(pool, name, true).map(found -> found.orElseThrow(() -> unknown(name)));
    }

    /** Claims resume in priority order; the bridge serving the machine is woken at once. */
    @POST
    @Path("/{name}/resume")
    public Uni<Machine> resume(@PathParam("name") String name) {
        return pool.withTransaction(tx -> machines.setPaused(tx, name, false)
                        .call(found -> found.isPresent() ? outbox.addMachineReady(tx, name) : Uni.createFrom().voidItem()))
                .map(found -> found.orElseThrow(() -> unknown(name)))
                .invoke(relay::wake);
    }

    private static ProblemException unknown(String name) {
        return ProblemException.notFound("no machine named '" + name + "'");
    }
}
