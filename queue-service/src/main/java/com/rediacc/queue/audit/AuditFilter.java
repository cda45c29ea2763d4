package com.rediacc.queue.audit;

import com.rediacc.contract.bridge.BridgeApi;
import com.rediacc.queue.auth.BearerTokenFilter;
import com.rediacc.queue.QueueConfig;
import com.rediacc.queue.auth.Requester;
import com.rediacc.web.Problem;
import com.rediacc.web.Unavailable;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ResourceInfo;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import java.lang.reflect.Method;
import java.util.Set;

/**
 * Writes one audit record for every mutating call of the public API, whatever its outcome (also
 * refused ones: no token, role too low, bad input), before the answer leaves. Bridge traffic is
 * not audited here: every change it makes is in the task's history.
 */
public class AuditFilter {
    private static final Logger LOG = Logger.getLogger(AuditFilter.class);
    private static final Set<String> MUTATING = Set.of("POST", "PUT", "PATCH", "DELETE");

    @Inject
    AuditWriter audit;
    @Inject
    Requester requester;
    @Inject
    QueueConfig config;

    @ServerResponseFilter
    public Uni<Void> record(ContainerRequestContext request, ContainerResponseContext response, ResourceInfo resource) {
        String path = request.getUriInfo().getPath();
        if (!MUTATING.contains(request.getMethod()) || !path.startsWith("/api/")
                || path.startsWith(BridgeApi.BASE + "/") || path.equals(BridgeApi.BASE)) {
            return Uni.createFrom().voidItem();
        }
        response.getHeaders().putSingle(BearerTokenFilter.REQUEST_ID_HEADER, requester.requestId());
        if (requester.isAuditRecorded() || databaseDown(response)) {
            return Uni.createFrom().voidItem();
        }
        String actor = requester.caller() == null ? "anonymous" : requester.name();
        String target = requester.target() != null ? requester.target() : path;
        return audit.append(new AuditWriter.NewRecord(actor, requester.team(), action(request, resource), target,
                        response.getStatus(), requester.requestId()))
                .ifNoItem().after(config.database().callDeadline()).fail()
                .onFailure().invoke(e -> LOG.errorf(e, "could not write the audit record of %s %s (request %s)",
                        request.getMethod(), path, requester.requestId()))
                // The change itself is done; failing its answer now would only invite a second one.
                .onFailure().recoverWithNull();
    }

    /** A call refused because PostgreSQL is down: its audit record could not be written there either. */
    private static boolean databaseDown(ContainerResponseContext response) {
        return response.getEntity() instanceof Problem problem
                && Unavailable.type(Unavailable.POSTGRESQL).equals(problem.type());
    }

    private static String action(ContainerRequestContext request, ResourceInfo resource) {
        Method method = resource == null ? null : resource.getResourceMethod();
        Audited audited = method == null ? null : method.getAnnotation(Audited.class);
        return audited != null ? audited.value() : request.getMethod() + " " + request.getUriInfo().getPath();
    }
}
