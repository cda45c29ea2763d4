package com.rediacc.queue.api;

import com.rediacc.queue.QueueConfig;
import com.rediacc.web.Unavailable;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

import java.time.Duration;

/**
 * Applies {@link Deadline}. PostgreSQL is the one dependency whose waits are not bounded tighter:
 * vault-service calls time out first (rediacc.vault.timeout) and name vault-service, and a dead
 * server's refused or closed connections fail at once. So a call still waiting at its deadline is
 * waiting on a database that does not answer.
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
        Duration limit = bulk(call) ? config.database().bulkCallDeadline() : config.database().callDeadline();
        return answer.ifNoItem().after(limit).failWith(() ->
                Unavailable.of(Unavailable.POSTGRESQL, "no answer within " + limit.toMillis() + " ms"));
    }

    private static boolean bulk(InvocationContext call) {
        Deadline onMethod = call.getMethod().getAnnotation(Deadline.class);
        return onMethod != null && onMethod.bulk();
    }
}
