package com.rediacc.queue.tasks.purge;

import com.rediacc.queue.api.Deadline;
import com.rediacc.queue.audit.Audited;
import com.rediacc.queue.auth.Requester;
import com.rediacc.queue.auth.Role;
import com.rediacc.queue.machines.MachineRepository;
import com.rediacc.queue.tasks.PurgeFilter;
import com.rediacc.queue.tasks.TaskProblems;
import com.rediacc.web.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;
import java.util.StringJoiner;

/**
 * {@code POST /api/v1/tasks/purge}: cancel every not-ended task that matches a filter, within the
 * caller's teams (OPERATOR); see {@link TaskPurge}. One audit record per call, naming the filter and
 * what it cancelled.
 */
@Deadline
@Path("/api/v1/tasks/purge")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class PurgeResource {
    @Inject
    TaskPurge purge;
    @Inject
    MachineRepository machines;
    @Inject
    Requester requester;

    @Deadline(bulk = true)
    @POST
    @Audited("task.purge")
    public Uni<PurgeResult> purge(PurgeRequest request) {
        PurgeRequest.Checked checked = PurgeRequest.check(request);
        requester.target(describe(request, checked));
        List<String> teams = requester.caller().teamsWith(Role.OPERATOR).orElse(null);
        if (teams != null && teams.isEmpty()) {
            throw ProblemException.forbidden("cancelling tasks needs the OPERATOR role in a team; you have it in none");
        }
        if (request.team() != null) {
            requester.require(request.team(), Role.OPERATOR, () -> ProblemException.notFound("no team '" + request.team() + "'"));
        } else if (checked.all() && request.machine() == null) {
            requester.requireGlobalAdmin("a purge of every team (all: true without team or machine)");
        }
        return machineTeamChecked(request.machine())
                .chain(() -> request.upTo() != null ? Uni.createFrom().item(request.upTo()) : purge.upToNow())
                .chain(upTo -> {
                    PurgeFilter filter = new PurgeFilter(checked.statuses(), request.machine(), request.team(),
                            request.priority(), checked.createdBefore(), request.tag(), upTo);
                    return checked.dryRun() ? purge.count(filter, teams) : purge.purge(filter, teams, requester.name());
                })
                .invoke(result -> requester.target(describe(request, checked) + ": " + outcome(result)));
    }

    /** A machine of a team the caller is not in does not exist for them; in their own team they need OPERATOR. */
    private Uni<Void> machineTeamChecked(String machine) {
        if (machine == null) {
            return Uni.createFrom().voidItem();
        }
        return machines.find(machine).invoke(found -> {
            String team = found.map(m -> m.team()).orElse(null);
            if (team == null || !requester.caller().sees(team)) {
                throw TaskProblems.unknownMachine(machine);
            }
            requester.require(team, Role.OPERATOR, () -> TaskProblems.unknownMachine(machine));
        }).replaceWithVoid();
    }

    private static String describe(PurgeRequest request, PurgeRequest.Checked checked) {
        StringJoiner filter = new StringJoiner(" ", "tasks ", "");
        filter.add("status=" + String.join(",", checked.statuses().stream().map(Enum::name).toList()));
        addIf(filter, "machine", request.machine());
        addIf(filter, "team", request.team());
        addIf(filter, "priority", request.priority());
        addIf(filter, "createdBefore", checked.createdBefore());
        addIf(filter, "tag", request.tag());
        addIf(filter, "all", checked.all() ? true : null);
        addIf(filter, "upTo", request.upTo());
        return filter.toString();
    }

    private static void addIf(StringJoiner filter, String name, Object value) {
        if (value != null) {
            filter.add(name + "=" + value);
        }
    }

    private static String outcome(PurgeResult result) {
        if (result.dryRun()) {
            return "dry run, " + result.matched() + " match " + result.byStatus();
        }
        return result.cancelled() + " cancelled, " + result.cancelRequested() + " cancel requested " + result.byStatus()
                + (result.done() ? "" : ", more to do (upTo=" + result.upTo() + ")");
    }
}
