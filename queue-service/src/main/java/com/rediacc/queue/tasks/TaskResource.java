package com.rediacc.queue.tasks;

import com.rediacc.queue.api.Deadline;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.rediacc.queue.api.Page;
import com.rediacc.queue.audit.Audited;
import com.rediacc.queue.audit.AuditedCall;
import com.rediacc.queue.auth.Requester;
import com.rediacc.queue.auth.Role;
import com.rediacc.web.FieldError;
import com.rediacc.web.Problem;
import com.rediacc.web.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Function;

@Deadline
@Path("/api/v1/tasks")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class TaskResource {
    private static final Logger LOG = Logger.getLogger(TaskResource.class);
    static final int MAX_BULK_CANCEL = 1000;
    private static final int BULK_CANCEL_AT_ONCE = 16;
    static final int MAX_BATCH = 1000;
    static final String CREATE = "task.create";

    @Inject
    TaskCreation creation;

    @Inject
    TaskQueries queries;

    @Inject
    TaskCancellation cancellation;


    @Inject
    TaskAccess access;

    @Inject
    Requester requester;


    /** 201 with the new task; 200 with the existing one when the idempotency key was already used. */
    @POST
    @Audited(CREATE)
    public Uni<RestResponse<TaskView>> create(TaskRequest request, @Context UriInfo uri) {
        requester.target(request == null || request.machine() == null ? "machine/?" : "machine/" + request.machine());
        // a refused call is recorded by AuditFilter; a stored one with its task
        return creation.create(request, new AuditedCall(requester.name(), CREATE, requester.requestId()), access::mayCreateOn)
                .invoke(created -> {
                    TaskLogFields.handling(created.task());
                    LOG.debugf("task %s: created (%s)", created.task().taskId(), created.isNew() ? "new" : "idempotent repeat");
                    requester.auditRecorded(created.task().team(), Task.auditTarget(created.task().taskId(),
                            created.task().function()));
                })
                .map(created -> located(uri, created));
    }

    /**
     * Up to {@value #MAX_BATCH} independent tasks in one call: one result per item, in order (201
     * with the task, 200 for an idempotent repeat, or the item's own problem); a bad item fails only
     * itself. The call has one audit record. {@code view=ids} answers each task with its id and
     * status only ({@link TaskIdView}), a tenth of the full answer's bytes.
     */
    @Deadline(bulk = true)
    @POST
    @Path("/batch")
    @Audited("task.create-batch")
    public Uni<BatchResult> createBatch(BatchRequest request, @QueryParam("view") String view) {
        Function<Task, BatchTask> shown = switch (view == null ? "full" : view) {
            case "full" -> TaskView::of;
            case "ids" -> TaskIdView::of;
            default -> throw ProblemException.invalid(List.of(new FieldError("view", "must be full or ids")));
        };
        if (request == null || request.tasks() == null || request.tasks().isEmpty()) {
            throw ProblemException.invalid(List.of(new FieldError("tasks", "is required: a list of tasks")));
        }
        if (request.tasks().size() > MAX_BATCH) {
            throw ProblemException.invalid(List.of(new FieldError("tasks", "at most " + MAX_BATCH + " tasks at once")));
        }
        requester.target(request.tasks().size() + " tasks");
        return creation.createAll(request.tasks(), requester.name(), access::mayCreateOn).map(outcomes -> {
            List<BatchItem> items = new ArrayList<>(outcomes.size());
            for (Object outcome : outcomes) {
                items.add(switch (outcome) {
                    case TaskCreation.Created created ->
                            new BatchItem(created.isNew() ? 201 : 200, shown.apply(created.task()), null);
                    case ProblemException refused -> new BatchItem(refused.status(), null, refused.toProblem());
                    default -> throw new IllegalStateException("not an outcome: " + outcome);
                });
            }
            return new BatchResult(items);
        });
    }

    @GET
    @Path("/{id}")
    public Uni<TaskView> get(@PathParam("id") String id) {
        return access.task(taskId(id), Role.VIEWER).map(TaskView::of);
    }

    @GET
    @Path("/{id}/history")
    public Uni<Page<HistoryEntry>> history(@PathParam("id") String id) {
        UUID taskId = taskId(id);
        return access.task(taskId, Role.VIEWER).chain(() -> queries.history(taskId)).map(entries -> new Page<>(entries, null));
    }

    /** The output captured so far, as text. {@code ?follow=true} streams it (see TaskOutputStream). */
    @GET
    @Path("/{id}/output")
    @Produces(MediaType.TEXT_PLAIN)
    public Uni<String> output(@PathParam("id") String id) {
        return access.task(taskId(id), Role.VIEWER).map(Task::output);
    }

    @POST
    @Path("/{id}/cancel")
    @Audited("task.cancel")
    public Uni<RestResponse<CancelResult>> cancel(@PathParam("id") String id) {
        UUID taskId = taskId(id);
        requester.target("task/" + taskId);
        return cancellation.cancel(taskId, requester.name(), task -> access.check(task, Role.OPERATOR)).map(result -> switch (result.result()) {
            case NOT_FOUND, FORBIDDEN -> throw TaskProblems.unknownTask(taskId);
            case ALREADY_TERMINAL -> throw ProblemException.conflict("task " + taskId + " already ended " + result.status());
            case CANCELLED -> RestResponse.ok(result);
            case CANCEL_REQUESTED -> RestResponse.status(RestResponse.Status.ACCEPTED, result);
        });
    }

    /** Cancels many tasks; answers with one result per id, in the order given. */
    @Deadline(bulk = true)
    @POST
    @Path("/cancel")
    @Audited("task.cancel-many")
    public Uni<BulkCancelResult> cancelMany(BulkCancelRequest request) {
        if (request == null || request.taskIds() == null || request.taskIds().isEmpty()) {
            throw ProblemException.invalid(List.of(new FieldError("taskIds", "is required: a list of task ids")));
        }
        if (request.taskIds().size() > MAX_BULK_CANCEL) {
            throw ProblemException.invalid(List.of(new FieldError("taskIds", "at most " + MAX_BULK_CANCEL + " ids at once")));
        }
        String actor = requester.name();
        requester.target(request.taskIds().size() + " tasks");
        List<String> ids = List.copyOf(new LinkedHashSet<>(request.taskIds()));
        return cancelInTurns(ids, 0, actor, new ArrayList<>()).map(BulkCancelResult::new);
    }

    /**
     * {@value #BULK_CANCEL_AT_ONCE} cancels at a time, in the order given: a thousand transactions at
     * once waited past the pool's connection timeout on a loaded machine.
     */
    private Uni<List<CancelResult>> cancelInTurns(List<String> ids, int from, String actor, List<CancelResult> done) {
        if (from >= ids.size()) {
            return Uni.createFrom().item(done);
        }
        List<Uni<CancelResult>> turn = new ArrayList<>();
        for (String raw : ids.subList(from, Math.min(ids.size(), from + BULK_CANCEL_AT_ONCE))) {
            turn.add(TaskProblems.parseId(raw)
                    .map(taskId -> cancellation.cancel(taskId, actor, task -> access.check(task, Role.OPERATOR))
                            .onFailure(ProblemException.class).recoverWithItem(refused -> refusal(taskId, (ProblemException) refused)))
                    .orElseGet(() -> Uni.createFrom().item(new CancelResult(null, CancelResult.Result.NOT_FOUND, null,
                            "'" + raw + "' is not a task id"))));
        }
        return Uni.join().all(turn).andFailFast().flatMap(results -> {
            done.addAll(results);
            return cancelInTurns(ids, from + BULK_CANCEL_AT_ONCE, actor, done);
        });
    }

    @POST
    @Path("/{id}/retry")
    @Audited("task.retry")
    public Uni<RestResponse<TaskView>> retry(@PathParam("id") String id, @Context UriInfo uri) {
        UUID taskId = taskId(id);
        requester.target("task/" + taskId);
        return creation.retry(taskId, requester.name(), task -> access.check(task, Role.OPERATOR), access::mayCreateOn)
                .map(created -> RestResponse.ResponseBuilder
                        .<TaskView>created(URI.create(uri.getBaseUri().getPath() + "api/v1/tasks/" + created.task().taskId()))
                        .entity(TaskView.of(created.task())).build());
    }

    @GET
    public Uni<Page<TaskView>> list(@QueryParam("status") String status,
                                @QueryParam("machine") String machine,
                                @QueryParam("team") String team,
                                @QueryParam("priority") Integer priority,
                                @QueryParam("limit") Integer limit,
                                @QueryParam("cursor") String cursor,
                                @QueryParam("archived") String archived) {
        List<FieldError> errors = new ArrayList<>();
        if (archived != null && !archived.equals("true") && !archived.equals("false")) {
            errors.add(new FieldError("archived", "must be true or false"));
        }
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
        int pageSize = Page.size(limit, errors);
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
        if (team != null) {
            requester.require(team, Role.VIEWER, () -> ProblemException.notFound("no team '" + team + "'"));
        }
        List<String> visible = requester.caller().teamsWith(Role.VIEWER).orElse(null);
        return queries.list(new TaskFilter(statusFilter, machine, team, priority, "true".equals(archived)), visible, beforeSeq, pageSize)
                .map(items -> new Page<>(items.stream().map(TaskView::of).toList(),
                        items.size() == pageSize ? Long.toString(items.getLast().seq()) : null));
    }

    /** Typed, so that the JSON writer is chosen when the service is built, not looked up for every answer. */
    private static RestResponse<TaskView> located(UriInfo uri, TaskCreation.Created created) {
        URI location = URI.create(uri.getPath() + "/" + created.task().taskId());
        return (created.isNew() ? RestResponse.ResponseBuilder.<TaskView>created(location)
                : RestResponse.ResponseBuilder.<TaskView>ok().location(location))
                .entity(TaskView.of(created.task())).build();
    }

    /** In a bulk cancel, a task the caller may not cancel is reported, not thrown. */
    private static CancelResult refusal(UUID taskId, ProblemException refused) {
        return refused.status() == 404
                ? new CancelResult(taskId, CancelResult.Result.NOT_FOUND, null, "no such task")
                : new CancelResult(taskId, CancelResult.Result.FORBIDDEN, null, refused.getMessage());
    }

    static UUID taskId(String raw) {
        return TaskProblems.parseId(raw).orElseThrow(() -> ProblemException.notFound("no task " + raw));
    }

    public record BulkCancelRequest(List<String> taskIds) {
    }

    public record BatchRequest(List<TaskRequest> tasks) {
    }

    /** One item of a batch: its status, and its task or its problem. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record BatchItem(int status, BatchTask task, Problem problem) {
    }

    /** How a batch answers a task it created: whole ({@code view=full}) or by id and status ({@code view=ids}). */
    public sealed interface BatchTask permits TaskView, TaskIdView {
    }

    /** A task answered by its id and status only (a batch's {@code view=ids}). */
    public record TaskIdView(UUID taskId, TaskStatus status) implements BatchTask {
        static TaskIdView of(Task task) {
            return new TaskIdView(task.taskId(), task.status());
        }
    }

    public record BatchResult(List<BatchItem> results) {
    }

    public record BulkCancelResult(List<CancelResult> results) {
    }
}
