package com.rediacc.queue.tasks;

import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

@Path("/api/v1/queue")
@Produces(MediaType.APPLICATION_JSON)
public class QueueResource {
    @Inject
    TaskService service;

    @GET
    @Path("/stats")
    public Uni<QueueStats> stats(@QueryParam("team") String team) {
        return service.stats(team);
    }
}
