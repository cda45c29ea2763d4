package com.rediacc.queue.machines;

import com.rediacc.queue.api.Deadline;
import org.jboss.resteasy.reactive.RestResponse;
import com.rediacc.contract.bridge.MachineCheck;
import com.rediacc.queue.api.Page;
import com.rediacc.queue.audit.Audited;
import com.rediacc.queue.auth.Requester;
import com.rediacc.queue.auth.Role;
import com.rediacc.queue.bridges.MachineChecks;
import com.rediacc.queue.machines.resources.MachineResourceStore;
import com.rediacc.queue.outbox.OutboxRelay;
import com.rediacc.queue.outbox.OutboxRepository;
import com.rediacc.queue.teams.TeamRepository;
import com.rediacc.web.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

import java.net.URI;
import java.util.List;

/** Machines: every member of the machine's team reads them, the team's ADMINs manage them. */
@Deadline
@Path("/api/v1/machines")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class MachineResource {
    @Inject
    MachineRepository machines;
    @Inject
    MachineTeams machineTeams;
    @Inject
    TeamRepository teams;
    @Inject
    Requester requester;
    @Inject
    Pool pool;
    @Inject
    OutboxRepository outbox;
    @Inject
    OutboxRelay relay;
    @Inject
    MachineResourceStore resources;
    @Inject
    MachineChecks checks;

    @POST
    @Audited("machine.create")
    public Uni<RestResponse<Machine>> register(MachineRequest request, UriInfo uri) {
        Machine machine = MachineValidation.validate(request);
        requester.require(machine.team(), Role.ADMIN, () -> unknownTeam(machine.team()));
        requester.target("machine/" + machine.name());
        return teams.requireExisting(machine.team(), () -> unknownTeam(machine.team()))
                .chain(() -> machines.insert(machine))
                .map(created -> created
                        .map(m -> RestResponse.ResponseBuilder.<Machine>created(URI.create(uri.getPath() + "/" + m.name())).entity(m).build())
                        .orElseThrow(() -> ProblemException.conflict("machine '" + machine.name() + "' already exists")));
    }

    @GET
    public Uni<Page<MachineView>> list(@QueryParam("team") String team,
                                       @QueryParam("cursor") String cursor,
                                       @QueryParam("limit") Integer limit) {
        int pageSize = Page.size(limit);
        if (team != null) {
            requester.require(team, Role.VIEWER, () -> unknownTeam(team));
        }
        List<String> visible = requester.caller().teamsWith(Role.VIEWER).orElse(null);
        return machines.list(team, visible, cursor, pageSize).chain(items -> withResources(items).map(views -> new Page<>(views,
                items.size() == pageSize ? items.getLast().name() : null)));
    }

    @GET
    @Path("/{name}")
    public Uni<MachineView> get(@PathParam("name") String name) {
        return visible(name, Role.VIEWER).chain(machine -> withResources(List.of(machine))).map(List::getFirst);
    }

    /**
     * Has the bridge that serves the machine log in to it step by step (connect, host key, auth,
     * {@code true}) and answers each step's result and time; 503 when no live bridge serves it.
     */
    @Deadline(bulk = true)
    @POST
    @Path("/{name}/check")
    @Audited("machine.check")
    public Uni<MachineCheck> check(@PathParam("name") String name) {
        return visible(name, Role.OPERATOR).chain(checks::check);
    }

    /** Changes the given fields; the next task on the machine uses them. */
    @PATCH
    @Path("/{name}")
    @Audited("machine.update")
    public Uni<Machine> update(@PathParam("name") String name, MachineRequest patch) {
        return visible(name, Role.ADMIN)
                .map(existing -> MachineValidation.apply(existing, patch))
                .chain(changed -> machines.update(changed))
                .map(found -> found.orElseThrow(() -> unknown(name)));
    }

    /** Removes a machine whose tasks have all ended; its tasks keep their history. */
    @DELETE
    @Path("/{name}")
    @Audited("machine.delete")
    public Uni<RestResponse<Void>> delete(@PathParam("name") String name) {
        return visible(name, Role.ADMIN)
                .chain(() -> machines.delete(name))
                .map(deletion -> switch (deletion) {
                    case DELETED -> {
                        machineTeams.forget(name);
                        yield RestResponse.<Void>noContent();
                    }
                    case NOT_FOUND -> throw unknown(name);
                    case HAS_UNFINISHED_TASKS -> throw ProblemException.conflict("machine '" + name
                            + "' has tasks that have not ended; cancel them or wait, then delete it");
                });
    }

    /** Stops claims from this machine; running tasks go on. Pausing a paused machine changes nothing. */
    @POST
    @Path("/{name}/pause")
    @Audited("machine.pause")
    public Uni<Machine> pause(@PathParam("name") String name) {
        return visible(name, Role.ADMIN)
                .chain(() -> machines.setPaused(pool, name, true))
                .map(found -> found.orElseThrow(() -> unknown(name)));
    }

    /** Claims resume in priority order; the bridge serving the machine is woken at once. */
    @POST
    @Path("/{name}/resume")
    @Audited("machine.resume")
    public Uni<Machine> resume(@PathParam("name") String name) {
        return visible(name, Role.ADMIN)
                .chain(() -> pool.withTransaction(tx -> machines.setPaused(tx, name, false)
                        .call(found -> found.isPresent() ? outbox.addMachineReady(tx, name) : Uni.createFrom().voidItem())))
                .map(found -> found.orElseThrow(() -> unknown(name)))
                .invoke(relay::wake);
    }

    private Uni<List<MachineView>> withResources(List<Machine> items) {
        return resources.find(items.stream().map(Machine::name).toList()).map(found -> items.stream()
                .map(machine -> new MachineView(machine, found.get(machine.name()))).toList());
    }

    /** The machine, if the caller has {@code needed} in its team; a machine of another team is 404. */
    private Uni<Machine> visible(String name, Role needed) {
        requester.target("machine/" + name);
        return machines.find(name).map(found -> {
            Machine machine = found.orElseThrow(() -> unknown(name));
            requester.require(machine.team(), needed, () -> unknown(name));
            return machine;
        });
    }

    private static ProblemException unknown(String name) {
        return ProblemException.notFound("no machine named '" + name + "'");
    }

    private static ProblemException unknownTeam(String team) {
        return ProblemException.notFound("no team '" + team + "'; a global admin creates it with POST /api/v1/teams");
    }
}
