package com.rediacc.queue.tasks;

import com.rediacc.web.LogFields;
import io.smallrye.common.vertx.VertxContext;
import org.jboss.logging.MDC;

/**
 * The log fields (MDC) of the request that handles one task: its id, machine and team, beside the
 * request id (BearerTokenFilter). Quarkus keeps the MDC of a request in its Vert.x duplicated
 * context, so they hold for every later line of the request, across its Uni chain, whatever thread
 * runs it. Off such a context (a maintenance pass, the relay) the MDC would be the thread's, shared
 * with other work: nothing is put there.
 */
public final class TaskLogFields {
    private TaskLogFields() {
    }

    /** The request now handles {@code task}. */
    public static void handling(Task task) {
        if (!VertxContext.isOnDuplicatedContext()) {
            return;
        }
        MDC.put(LogFields.TASK_ID, task.taskId().toString());
        MDC.put(LogFields.MACHINE, task.machine());
        MDC.put(LogFields.TEAM, task.team());
    }

    /** The request's id, for every line it logs. */
    public static void request(String requestId) {
        if (VertxContext.isOnDuplicatedContext()) {
            MDC.put(LogFields.REQUEST_ID, requestId);
        }
    }
}
