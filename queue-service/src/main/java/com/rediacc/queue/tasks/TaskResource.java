package com.rediacc.queue.tasks;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

@Path("/api/v1/tasks")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class TaskResource {
    static final int MAX_BULK_CANCEL = 1000;

    @Inject
    TaskService service;

    @Inject
    ObjectMapper json;

    @ConfigProperty(name = "rediacc.tasks.max-command-bytes", defaultValue = "65536")
    int maxCommandBytes;

    /** 201 with the new task; 200 with the existing one when the idempotency key was already used. */
    @POST
    public Uni<Response> create(TaskRequest request, @Context UriInfo uri, @Context ContainerRequestContext context) {
        NewTask task = TaskValidation.validate(request, maxCommandBytes, Instant.now(), json);
        return service.create(task, caller(context).name()).map(created -> located(uri, created));
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

    /** The output captured so far, as text. {@code ?follow=true} streams it (see TaskOutputStream). */
    @GET
    @Path("/{id}/output")
    @Produces(MediaType.TEXT_PLAIN)
    public Uni<String> output(@PathParam("id") String id) {
        return service.get(taskId(id)).map(Task::output);
    }

    @POST
    @Path("/{id}/cancel")
    public Uni<Response> cancel(@PathParam("id") String id, @Context ContainerRequestContext context) {
        UUID taskId = taskId(id);
        return service.cancel(taskId, caller(context).name()).map(result -> switch (result.result()) {
            case NOT_FOUND -> throw TaskService.unknownTask(taskId);
            case ALREADY_TERMINAL -> throw ProblemException.conflict("task " + taskId + " already ended " + result.status());
            case CANCELLED -> Response.ok(result).build();
            case CANCEL_REQUESTED -> Response.accepted(result).build();
        });
    }

    /** Cancels many tasks; answers with one result per id, in the order given. */
    @POST
    @Path("/cancel")
    public Uni<BulkCancelResult> cancelMany(BulkCancelRequest request, @Context ContainerRequestContext context) {
        if (request == null || request.taskIds() == null || request.taskIds().isEmpty()) {
            throw ProblemException.invalid(List.of(new FieldError("taskIds", "is required: a list of task ids")));
        }
        if (request.taskIds().size() > MAX_BULK_CANCEL) {
            throw ProblemException.invalid(List.of(new FieldError("taskIds", "at most " + MAX_BULK_CANCEL + " ids at once")));
        }
        String actor = caller(context).name();
        List<Uni<CancelResult>> results = new ArrayList<>();
        for (String raw : new LinkedHashSet<>(request.taskIds())) {
            results.add(TaskService.parseId(raw)
                    .map(taskId -> service.cancel(taskId, actor))
                    .orElseGet(() -> Uni.createFrom().item(new CancelResult(null, CancelResult.Result.NOT_FOUND, null,
                            "'" + raw + "' is not a task id"))));
        }
        return Uni.join().all(results).andFailFast().map(BulkCancelResult::new);
    }

    @POST
    @Path("/{id}/retry")
    public Uni<Response> retry(@PathParam("id") String id, @Context UriInfo uri, @Context ContainerRequestContext context) {
        return service.retry(taskId(id), caller(context).name()).map(created -> Response
                .created(URI.create(uri.getBaseUri().getPath() + "api/v1/tasks/" + created.task().taskId()))
                .entity(created.task()).build());
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

    private static Response located(UriInfo uri, TaskService.Created created) {
        URI location = URI.create(uri.getPath() + "/" + created.task().taskId());
        return (created.isNew() ? Response.created(location) : Response.ok().location(location))
                .entity(created.task()).build();
    }

    private static Caller caller(ContainerRequestContext context) {
        return (Caller) context.getProperty(BearerTokenFilter.CALLER_PROPERTY);
    }

    static UUID taskId(String raw) {
        return TaskService.parseId(raw).orElseThrow(() -> ProblemException.notFound("no task " + raw));
    }

    public record BulkCancelRequest(List<String> taskIds) {
    }

    public record BulkCancelResult(List<CancelResult> results) {
    }
}
