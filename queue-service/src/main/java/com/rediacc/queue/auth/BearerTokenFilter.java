package com.rediacc.queue.auth;

import com.rediacc.contract.bridge.BridgeApi;
import com.rediacc.queue.api.Problem;
import com.rediacc.queue.api.ProblemMappers;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
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

    @Inject
    AuthConfig config;
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
        String token = bearerToken(request.getHeaderString(HttpHeaders.AUTHORIZATION));
        if (token == null) {
            return Uni.createFrom().item(unauthorized("missing bearer token: send 'Authorization: Bearer <token>'"));
        }
        boolean bridgePath = path.startsWith(BridgeApi.BASE + "/") || path.equals(BridgeApi.BASE);
        if (bridgePath) {
            return Uni.createFrom().item(accept(matches(token, config.bridgeToken()) ? Caller.bridge() : null, requestId));
        }
        if (matches(token, config.bootstrapToken())) {
            return Uni.createFrom().item(accept(Caller.bootstrapAdmin(), requestId));
        }
        if (!token.startsWith(Tokens.PREFIX)) {
            return Uni.createFrom().item(unauthorized("invalid token"));
        }
        return users.byToken(token).map(caller -> accept(caller.orElse(null), requestId));
    }

    private Response accept(Caller caller, String requestId) {
        if (caller == null) {
            return unauthorized("invalid token");
        }
        requester.authenticated(caller, requestId);
        return null;
    }

    private static boolean matches(String presented, Optional<String> expected) {
        return expected.filter(secret -> !secret.isBlank())
                .filter(secret -> MessageDigest.isEqual(
                        secret.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8)))
                .isPresent();
    }

    private static String requestId(String header) {
        return header != null && GOOD_REQUEST_ID.matcher(header).matches() ? header : UUID.randomUUID().toString();
    }

    private static String bearerToken(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = header.substring(7).trim();
        return token.isEmpty() ? null : token;
    }

    private static Response unauthorized(String detail) {
        Response problem = ProblemMappers.respond(new Problem("about:blank", "Unauthorized", 401, detail, List.of()));
        return Response.fromResponse(problem).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"rediacc\"").build();
    }
}
