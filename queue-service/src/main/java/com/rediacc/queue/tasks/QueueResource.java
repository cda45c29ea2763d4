package com.rediacc.queue.tasks;

import com.rediacc.queue.api.Deadline;
import com.rediacc.web.ProblemException;
import com.rediacc.queue.auth.Requester;
import com.rediacc.queue.auth.Role;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

@Deadline
@Path("/api/v1/queue")
@Produces(MediaType.APPLICATION_JSON)
public class QueueResource {
    @Inject
    TaskQueries queries;
    @Inject
    Requester requester;

    @GET
    @Path("/stats")
    public Uni<QueueStats> stats(@QueryParam("team") String team) {
        if (team != null) {
            requester.require(team, Role.VIEWER, () -> ProblemException.notFound("no team '" + team + "'"));
        }
        return queries.stats(team, requester.caller().teamsWith(Role.VIEWER).orElse(null));
    }
}
