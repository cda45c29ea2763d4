package com.rediacc.queue.api;

import com.rediacc.queue.QueueConfig;
import com.rediacc.web.Unavailable;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

import java.time.Duration;

/**
 * Applies {@link Deadline}. A dead server's refused or closed connections fail at once; a call
 * still waiting at its deadline waits on a dependency that does not answer: vault-service while one
 * of its vault calls is pending ({@link Waiting}), else PostgreSQL.
 */
@Deadline
@Interceptor
@Priority(Interceptor.Priority.PLATFORM_BEFORE)
public class DeadlineInterceptor {
    @Inject
    QueueConfig config;

    @AroundInvoke
    Object bound(InvocationContext call) throws Exception {
        Object result = call.proceed();
        if (!(result instanceof Uni<?> answer)) {
            return result;
        }
        Context context = Vertx.currentContext();
        Duration limit = bulk(call) ? config.database().bulkCallDeadline() : config.database().callDeadline();
        return answer.ifNoItem().after(limit).failWith(() ->
                Unavailable.of(Waiting.dependency(context), "no answer within " + limit.toMillis() + " ms"));
    }

    private static boolean bulk(InvocationContext call) {
        Deadline onMethod = call.getMethod().getAnnotation(Deadline.class);
        return onMethod != null && onMethod.bulk();
    }
}
