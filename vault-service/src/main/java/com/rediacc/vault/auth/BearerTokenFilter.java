package com.rediacc.vault.auth;

import com.rediacc.vault.VaultConfig;
import com.rediacc.vault.api.Problem;
import com.rediacc.vault.api.ProblemMappers;
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
 * Authenticates every {@code /api/} request by its bearer token (401 without a known one) and
 * records the {@link Caller}; resources check its {@link Right}s (403). {@code /q/} stays open.
 */
public class BearerTokenFilter {
    public static final String CALLER_PROPERTY = "rediacc.vault.caller";

    @Inject
    VaultConfig config;

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
        Optional<Caller> caller = match(token, config.auth().queueToken(), Caller.QUEUE)
                .or(() -> match(token, config.auth().bridgeToken(), Caller.BRIDGE));
        if (caller.isEmpty()) {
            return Optional.of(unauthorized("invalid token"));
        }
        request.setProperty(CALLER_PROPERTY, caller.get());
        return Optional.empty();
    }

    public static Caller caller(ContainerRequestContext request) {
        return (Caller) request.getProperty(CALLER_PROPERTY);
    }

    static Optional<String> usable(Optional<String> token) {
        return token.map(String::trim).filter(t -> !t.isEmpty());
    }

    private static Optional<Caller> match(String presented, Optional<String> expected, Caller caller) {
        return usable(expected)
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
        return Response.fromResponse(problem).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"rediacc-vault\"").build();
    }
}
