package com.rediacc.queue.auth;

import com.rediacc.queue.QueueConfig;
import com.rediacc.contract.bridge.BridgeApi;
import com.rediacc.web.BearerTokens;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Authenticates every {@code /api/} request by its bearer token. Bridge endpoints accept only the
 * bridge token; the public API accepts the bootstrap token (a global admin) and users' tokens.
 */
public class BearerTokenFilter {
    public static final String REQUEST_ID_HEADER = "X-Request-Id";
    private static final Pattern GOOD_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final String REALM = "rediacc";

    @Inject
    QueueConfig config;
    @Inject
    UserDirectory users;
    @Inject
    Requester requester;

    @ServerRequestFilter(preMatching = true)
    public Uni<Response> authenticate(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/api/")) {
            return Uni.createFrom().nullItem();
        }
        String requestId = requestId(request.getHeaderString(REQUEST_ID_HEADER));
        requester.authenticated(null, requestId);
        Optional<String> presented = BearerTokens.presented(request.getHeaderString(HttpHeaders.AUTHORIZATION));
        if (presented.isEmpty()) {
            return Uni.createFrom().item(BearerTokens.unauthorized(REALM, BearerTokens.MISSING));
        }
        String token = presented.get();
        boolean bridgePath = path.startsWith(BridgeApi.BASE + "/") || path.equals(BridgeApi.BASE);
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
