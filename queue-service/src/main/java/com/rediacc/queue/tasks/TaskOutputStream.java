package com.rediacc.queue.tasks;

import com.rediacc.queue.api.Deadline;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.rediacc.queue.QueueConfig;
import io.smallrye.mutiny.Multi;
import io.vertx.mutiny.core.Vertx;
import com.rediacc.queue.auth.Role;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestStreamElementType;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * {@code GET /api/v1/tasks/{id}/output?follow=true}: the output as server-sent events while the
 * task runs. Each event carries the new output; the last one carries the final status, then the
 * stream ends. Reads PostgreSQL, so it works on any replica.
 */
@Deadline
@Path("/api/v1/tasks/{id}/output/follow")
public class TaskOutputStream {
    private static final Pattern OUTPUT_PATH = Pattern.compile("/api/v1/tasks/[^/]+/output");

    @Inject
    TaskQueries queries;

    @Inject
    Vertx vertx;

    @Inject
    TaskAccess access;

    @Inject
    QueueConfig config;

    /** Routes {@code .../output?follow=true} here. */
    @ServerRequestFilter(preMatching = true)
    public void routeFollow(ContainerRequestContext request) {
        var uri = request.getUriInfo();
        if (OUTPUT_PATH.matcher(uri.getPath()).matches()
                && "true".equalsIgnoreCase(uri.getQueryParameters().getFirst("follow"))) {
            URI followUri = uri.getRequestUriBuilder().replacePath(uri.getPath() + "/follow").replaceQuery(null).build();
            request.setRequestUri(followUri);
        }
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    // Blocking so that an unknown or invisible task is a 404 before the stream's 200 is sent.
    @Blocking
    public Multi<OutputEvent> follow(@PathParam("id") String id) {
        UUID taskId = TaskResource.taskId(id);
        access.task(taskId, Role.VIEWER).await().atMost(Duration.ofSeconds(30));
        return Multi.createFrom().<OutputEvent>emitter(emitter -> {
            AtomicInteger sent = new AtomicInteger();
            AtomicBoolean polling = new AtomicBoolean();
            long timer = vertx.setPeriodic(0, Math.max(50, config.output().followInterval().toMillis()), tick -> {
                if (!polling.compareAndSet(false, true)) {
                    return;
                }
                queries.get(taskId).subscribe().with(task -> {
                    polling.set(false);
                    String output = task.output() == null ? "" : task.output();
                    if (output.length() > sent.get()) {
                        emitter.emit(OutputEvent.chunk(output.substring(sent.get())));
                        sent.set(output.length());
                    } else if (output.length() < sent.get()) {
                        // A retry started over: send the new attempt's output from the start.
                        emitter.emit(OutputEvent.chunk(output));
                        sent.set(output.length());
                    }
                    if (task.status().terminal()) {
                        emitter.emit(OutputEvent.end(task));
                        emitter.complete();
                    }
                }, failure -> {
                    polling.set(false);
                    emitter.fail(failure);
                });
            });
            emitter.onTermination(() -> vertx.cancelTimer(timer));
        });
    }

    /** One server-sent event: a piece of output, or the end with the task's final status. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record OutputEvent(String output, TaskStatus status, Integer exitCode, String error) {
        static OutputEvent chunk(String output) {
            return new OutputEvent(output, null, null, null);
        }

        static OutputEvent end(Task task) {
            return new OutputEvent(null, task.status(), task.exitCode(), task.error());
        }
    }
}
