package com.rediacc.queue.auth;

import com.rediacc.queue.tasks.TaskLogFields;
import com.rediacc.web.LogFields;
import com.rediacc.queue.api.Deadline;
import com.rediacc.queue.QueueConfig;
import com.rediacc.contract.bridge.BridgeApi;
import com.rediacc.queue.console.ConsoleSessions;
import com.rediacc.web.BearerTokens;
import com.rediacc.web.ProblemException;
import com.rediacc.web.ProblemMappers;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Authenticates every {@code /api/} request by its bearer token. Bridge endpoints accept only the
 * bridge token; the public API accepts the bootstrap token (a global admin) and users' tokens, or,
 * without an Authorization header, a web console session cookie (never on bridge endpoints).
 */
@Deadline
public class BearerTokenFilter {
    public static final String REQUEST_ID_HEADER = LogFields.REQUEST_ID_HEADER;
    private static final Pattern GOOD_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final String REALM = "rediacc";
    public static final String CSRF_HEADER = "X-CSRF-Token";
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    @Inject
    QueueConfig config;
    @Inject
    UserDirectory users;
    @Inject
    Requester requester;
    @Inject
    ConsoleSessions sessions;

    @ServerRequestFilter(preMatching = true)
    public Uni<Response> authenticate(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/api/")) {
            return Uni.createFrom().nullItem();
        }
        String requestId = requestId(request.getHeaderString(REQUEST_ID_HEADER));
        requester.authenticated(null, requestId);
        TaskLogFields.request(requestId);
        boolean bridgePath = path.startsWith(BridgeApi.BASE + "/") || path.equals(BridgeApi.BASE);
        String authorization = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (authorization == null && !bridgePath && request.getCookies().containsKey(ConsoleSessions.COOKIE)) {
            return consoleSession(request, requestId);
        }
        Optional<String> presented = BearerTokens.presented(authorization);
        if (presented.isEmpty()) {
            return Uni.createFrom().item(BearerTokens.unauthorized(REALM, BearerTokens.MISSING));
        }
        String token = presented.get();
        if (bridgePath) {
            Caller bridge = BearerTokens.matches(token, config.auth().bridgeToken()) ? Caller.bridge() : null;
            return Uni.createFrom().item(accept(bridge, requestId));
        }
        if (BearerTokens.matches(token, config.auth().bootstrapToken())) {
            return Uni.createFrom().item(accept(Caller.bootstrapAdmin(), requestId));
        }
        if (!token.startsWith(Tokens.PREFIX)) {
            return Uni.createFrom().item(BearerTokens.unauthorized(REALM, BearerTokens.INVALID));
        }
        return users.byToken(token).map(caller -> accept(caller.orElse(null), requestId));
    }

    /**
     * The web console's calls: no Authorization header, the session cookie instead (docs/console.md).
     * A mutating call must also carry the session's CSRF token in {@value #CSRF_HEADER}.
     */
    private Uni<Response> consoleSession(ContainerRequestContext request, String requestId) {
        String id = request.getCookies().get(ConsoleSessions.COOKIE).getValue();
        return sessions.find(id).map(found -> {
            if (found.isEmpty()) {
                return BearerTokens.unauthorized(REALM, "the console session ended: sign in again");
            }
            boolean mutating = !SAFE_METHODS.contains(request.getMethod());
            if (mutating && !found.get().csrfMatches(request.getHeaderString(CSRF_HEADER))) {
                requester.authenticated(null, requestId);
                return ProblemMappers.respond(ProblemException.forbidden(
                        "a console call that changes something needs the session's " + CSRF_HEADER + " header").toProblem());
            }
            return accept(found.get().caller(), requestId);
        });
    }

    private Response accept(Caller caller, String requestId) {
        if (caller == null) {
            return BearerTokens.unauthorized(REALM, BearerTokens.INVALID);
        }
        requester.authenticated(caller, requestId);
        return null;
    }

    private static String requestId(String header) {
        return header != null && GOOD_REQUEST_ID.matcher(header).matches() ? header : UUID.randomUUID().toString();
    }
}
