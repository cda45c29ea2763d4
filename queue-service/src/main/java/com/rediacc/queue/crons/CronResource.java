package com.rediacc.queue.crons;

import com.rediacc.queue.api.Deadline;
import com.rediacc.queue.api.Page;
import com.rediacc.queue.audit.Audited;
import com.rediacc.queue.auth.Requester;
import com.rediacc.queue.auth.TeamAuthorization;
import com.rediacc.queue.auth.Role;
import com.rediacc.web.FieldError;
import com.rediacc.web.ProblemException;
import io.smallrye.mutiny.Uni;
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
import org.jboss.resteasy.reactive.RestResponse;

import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Crons: every member of the cron's team reads them and their runs, OPERATORs trigger a run now,
 * ADMINs create, change, pause, resume and delete them. Another team's cron does not exist (404).
 */
@Deadline
@Path("/api/v1/crons")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class CronResource {
    @Inject
    CronService service;
    @Inject
    Requester requester;

    @POST
    @Audited("cron.create")
    public Uni<RestResponse<CronView>> create(CronRequest request) {
        requester.target("cron/" + (request == null ? null : request.name()));
        return service.create(request, requester.name(), role(Role.ADMIN))
                .flatMap(service::view)
                .map(view -> RestResponse.ResponseBuilder.<CronView>created(URI.create("/api/v1/crons/" + view.name()))
                        .entity(view).build());
    }

    @GET
    public Uni<Page<CronView>> list(@QueryParam("team") String team, @QueryParam("cursor") String cursor,
                                    @QueryParam("limit") Integer limit) {
        int pageSize = Page.size(limit);
        if (team != null) {
            requester.require(team, Role.VIEWER, () -> ProblemException.notFound("no team '" + team + "'"));
        }
        List<String> visible = requester.caller().teamsWith(Role.VIEWER).orElse(null);
        return service.list(team, visible, cursor, pageSize).flatMap(crons -> {
            List<Uni<CronView>> views = new ArrayList<>();
            crons.forEach(cron -> views.add(service.view(cron)));
            return views.isEmpty() ? Uni.createFrom().item(List.<CronView>of()) : Uni.join().all(views).andFailFast();
        }).map(items -> new Page<>(items, items.size() == pageSize ? items.getLast().name() : null));
    }

    /** The cron with its next five fire times and its latest run. */
    @GET
    @Path("/{name}")
    public Uni<CronView> get(@PathParam("name") String name) {
        requester.target("cron/" + name);
        return service.get(name, role(Role.VIEWER)).flatMap(service::view);
    }

    @PATCH
    @Path("/{name}")
    @Audited("cron.update")
    public Uni<CronView> update(@PathParam("name") String name, CronRequest patch) {
        requester.target("cron/" + name);
        return service.update(name, patch, role(Role.ADMIN)).flatMap(service::view);
    }

    @DELETE
    @Path("/{name}")
    @Audited("cron.delete")
    public Uni<RestResponse<Void>> delete(@PathParam("name") String name) {
        requester.target("cron/" + name);
        return service.delete(name, role(Role.ADMIN)).map(deleted -> {
            if (!deleted) {
                throw CronService.unknown(name);
            }
            return RestResponse.<Void>noContent();
        });
    }

    @POST
    @Path("/{name}/pause")
    @Audited("cron.pause")
    public Uni<CronView> pause(@PathParam("name") String name) {
        requester.target("cron/" + name);
        return service.setEnabled(name, false, role(Role.ADMIN)).flatMap(service::view);
    }

    /** Slots passed while paused are missed; the latest runs if it is within the checkin margin. */
    @POST
    @Path("/{name}/resume")
    @Audited("cron.resume")
    public Uni<CronView> resume(@PathParam("name") String name) {
        requester.target("cron/" + name);
        return service.setEnabled(name, true, role(Role.ADMIN)).flatMap(service::view);
    }

    /** One run now (the overlap rule applies): 201 with the run. */
    @POST
    @Path("/{name}/trigger")
    @Audited("cron.trigger")
    public Uni<RestResponse<CronRunView>> trigger(@PathParam("name") String name) {
        requester.target("cron/" + name);
        return service.trigger(name, role(Role.OPERATOR))
                .map(run -> RestResponse.ResponseBuilder.<CronRunView>created(URI.create("/api/v1/crons/" + name + "/runs"))
                        .entity(run).build());
    }

    /** The cron's runs, newest slot first; {@code cursor} is the slot of the last run of the previous page. */
    @GET
    @Path("/{name}/runs")
    public Uni<Page<CronRunView>> runs(@PathParam("name") String name, @QueryParam("cursor") String cursor,
                                       @QueryParam("limit") Integer limit) {
        requester.target("cron/" + name);
        List<FieldError> errors = new ArrayList<>();
        int pageSize = Page.size(limit, errors);
        Instant before = null;
        if (cursor != null) {
            try {
                before = Instant.parse(cursor);
            } catch (DateTimeParseException e) {
                errors.add(new FieldError("cursor", "is not a cursor returned by this API"));
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        Instant beforeSlot = before;
        return service.get(name, role(Role.VIEWER)).flatMap(cron -> service.runs(cron, beforeSlot, pageSize))
                .map(items -> new Page<>(items, items.size() == pageSize ? items.getLast().slot().toString() : null));
    }

    /** The caller needs {@code needed} in the team; a cron or machine of another team is 404. */
    private TeamAuthorization role(Role needed) {
        return (team, invisible) -> requester.require(team, needed, invisible);
    }
}
