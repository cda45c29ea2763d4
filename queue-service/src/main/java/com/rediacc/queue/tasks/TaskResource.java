package com.rediacc.queue.tasks;

import com.rediacc.queue.api.FieldError;
import com.rediacc.queue.api.Page;
import com.rediacc.queue.api.ProblemException;
import com.rediacc.queue.auth.BearerTokenFilter;
import com.rediacc.queue.auth.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

@Path("/api/v1/tasks")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class TaskResource {
    @Inject
    TaskService service;

    @ConfigProperty(name = "rediacc.tasks.max-command-bytes", defaultValue = "65536")
    int maxCommandBytes;

    @POST
    public Uni<Response> create(TaskRequest request, @Context UriInfo uri, @Context ContainerRequestContext context) {
        NewTask task = TaskValidation.validate(request, maxCommandBytes);
        Caller caller = (Caller) context.getProperty(BearerTokenFilter.CALLER_PROPERTY);
        return service.create(task, caller.name()).map(created -> Response
                .created(URI.create(uri.getPath() + "/" + created.taskId()))
                .entity(created)
                .build());
    }

    @GET
    @Path("/{id}")
    public Uni<Task> get(@PathParam("id") String id) {
        return service.get(taskId(id));
    }

    @GET
    @Path("/{id}/history")
    public Uni<Page<HistoryEntry>> history(@PathParam("id") String id) {
        return service.history(taskId(id)).map(entries -> new Page<>(entries, null));
    }

    @GET
    public Uni<Page<Task>> list(@QueryParam("status") String status,
                                @QueryParam("machine") String machine,
                                @QueryParam("team") String team,
                                @QueryParam("priority") Integer priority,
                                @QueryParam("limit") Integer limit,
                                @QueryParam("cursor") String cursor) {
        List<FieldError> errors = new ArrayList<>();
        TaskStatus statusFilter = null;
        if (status != null) {
            try {
                statusFilter = TaskStatus.valueOf(status.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("status", "must be one of " + List.of(TaskStatus.values())));
            }
        }
        if (priority != null && (priority < 1 || priority > 5)) {
            errors.add(new FieldError("priority", "must be between 1 and 5"));
        }
        int pageSize = limit == null ? 100 : limit;
        if (pageSize < 1 || pageSize > 1000) {
            errors.add(new FieldError("limit", "must be between 1 and 1000"));
        }
        Long beforeSeq = null;
        if (cursor != null) {
            try {
                beforeSeq = Long.parseLong(cursor);
            } catch (NumberFormatException e) {
                errors.add(new FieldError("cursor", "is not a cursor returned by this API"));
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        return service.list(new TaskFilter(statusFilter, machine, team, priority), beforeSeq, pageSize)
                .map(items -> new Page<>(items,
                        items.size() == pageSize ? Long.toString(items.getLast().seq()) : null));
    }

    private static UUID taskId(String raw) {
        return TaskService.parseId(raw).orElseThrow(() -> ProblemException.notFound("no task " + raw));
    }
}
