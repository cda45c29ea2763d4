package com.rediacc.queue.auth;

import com.rediacc.contract.bridge.BridgeApi;
import com.rediacc.queue.api.Problem;
import com.rediacc.queue.api.ProblemMappers;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

/**
 * Authenticates every {@code /api/} request by its bearer token. Bridge endpoints accept only the
 * bridge token; the public API accepts only user tokens (for now: the bootstrap token).
 */
public class BearerTokenFilter {
    public static final String CALLER_PROPERTY = "rediacc.caller";

    @Inject
    AuthConfig config;

    @ServerRequestFilter(preMatching = true)
    public Optional<Response> authenticate(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/api/")) {
            return Optional.empty();
        }
        String token = bearerToken(request.getHeaderString(HttpHeaders.AUTHORIZATION));
        if (token == null) {
            return Optional.of(unauthorized("missing bearer token: send 'Authorization: Bearer <token>'"));
        }
        boolean bridgePath = path.startsWith(BridgeApi.BASE + "/") || path.equals(BridgeApi.BASE);
        Optional<Caller> caller = bridgePath
                ? match(token, config.bridgeToken(), new Caller("bridge", Caller.Kind.BRIDGE))
                : match(token, config.bootstrapToken(), new Caller("bootstrap-admin", Caller.Kind.GLOBAL_ADMIN));
        if (caller.isEmpty()) {
            return Optional.of(unauthorized("invalid token"));
        }
        request.setProperty(CALLER_PROPERTY, caller.get());
        return Optional.empty();
    }

    private static Optional<Caller> match(String presented, Optional<String> expected, Caller caller) {
        return expected.filter(secret -> !secret.isBlank())
                .filter(secret -> MessageDigest.isEqual(
                        secret.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8)))
                .map(secret -> caller);
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
