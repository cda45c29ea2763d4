package com.rediacc.queue.bridges;

import com.rediacc.queue.api.Deadline;
import com.rediacc.queue.api.Page;
import com.rediacc.queue.auth.Requester;
import com.rediacc.queue.auth.Role;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * The bridges, for troubleshooting (docs/operations.md): every caller sees every bridge, with only
 * the machines and tasks of their own teams on it.
 */
@Deadline
@Path("/api/v1/bridges")
@Produces(MediaType.APPLICATION_JSON)
public class BridgesResource {
    @Inject
    BridgeDirectory bridges;
    @Inject
    Requester requester;

    /** Every bridge in one page: there are few. */
    @GET
    public Uni<Page<BridgeView>> list() {
        return bridges.list(requester.caller().teamsWith(Role.VIEWER).orElse(null)).map(items -> new Page<>(items, null));
    }
}
