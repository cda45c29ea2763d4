package com.rediacc.queue.alerts;

import com.rediacc.queue.api.Deadline;
import com.rediacc.queue.api.Page;
import com.rediacc.queue.audit.Audited;
import com.rediacc.queue.auth.Requester;
import com.rediacc.queue.auth.Role;
import com.rediacc.queue.machines.MachineRepository;
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

/**
 * Queue-depth thresholds (alerts/QueueAlerts): every member of a team reads its thresholds and
 * their alert state, its ADMINs set and delete them. Another team's, or machine's, is 404.
 */
@Deadline
@Path("/api/v1/queue/thresholds")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ThresholdResource {
    @Inject
    ThresholdRepository thresholds;
    @Inject
    TeamRepository teams;
    @Inject
    MachineRepository machines;
    @Inject
    Requester requester;

    @GET
    public Uni<Page<Threshold>> list(@QueryParam("team") String team) {
        if (team != null) {
            requester.require(team, Role.VIEWER, () -> unknownTeam(team));
        }
        return thresholds.list(team, requester.caller().teamsWith(Role.VIEWER).orElse(null))
                .map(items -> new Page<>(items, null));
    }

    @PUT
    @Path("/teams/{team}")
    @Audited("threshold.set")
    public Uni<Threshold> setForTeam(@PathParam("team") String team, ThresholdRequest request) {
        requester.target("team/" + team);
        requester.require(team, Role.ADMIN, () -> unknownTeam(team));
        ThresholdRequest limits = valid(request);
        return teams.requireExisting(team, () -> unknownTeam(team)).chain(() -> thresholds.put(team, null, limits));
    }

    @PUT
    @Path("/machines/{machine}")
    @Audited("threshold.set")
    public Uni<Threshold> setForMachine(@PathParam("machine") String machine, ThresholdRequest request) {
        requester.target("machine/" + machine);
        return teamOf(machine).chain(team -> thresholds.put(team, machine, valid(request)));
    }

    @DELETE
    @Path("/teams/{team}")
    @Audited("threshold.delete")
    public Uni<RestResponse<Void>> deleteForTeam(@PathParam("team") String team) {
        requester.target("team/" + team);
        requester.require(team, Role.ADMIN, () -> unknownTeam(team));
        return deleted(thresholds.delete(team, null), "team '" + team + "'");
    }

    @DELETE
    @Path("/machines/{machine}")
    @Audited("threshold.delete")
    public Uni<RestResponse<Void>> deleteForMachine(@PathParam("machine") String machine) {
        requester.target("machine/" + machine);
        return teamOf(machine).chain(team -> deleted(thresholds.delete(team, machine), "machine '" + machine + "'"));
    }

    private static ThresholdRequest valid(ThresholdRequest request) {
        if (request == null) {
            throw ProblemException.badRequest("a body with maxPending, maxPendingAgeSeconds or both is required");
        }
        return request.validated();
    }

    /** The machine's team, if the caller is one of its ADMINs; an invisible machine is 404. */
    private Uni<String> teamOf(String machine) {
        return machines.find(machine).map(found -> {
            String team = found.orElseThrow(() -> unknownMachine(machine)).team();
            requester.require(team, Role.ADMIN, () -> unknownMachine(machine));
            return team;
        });
    }

    private static Uni<RestResponse<Void>> deleted(Uni<Boolean> deletion, String of) {
        return deletion.map(found -> {
            if (!found) {
                throw ProblemException.notFound("no threshold set for " + of);
            }
            return RestResponse.noContent();
        });
    }

    private static ProblemException unknownTeam(String team) {
        return ProblemException.notFound("no team '" + team + "'");
    }

    private static ProblemException unknownMachine(String machine) {
        return ProblemException.notFound("no machine named '" + machine + "'");
    }
}
