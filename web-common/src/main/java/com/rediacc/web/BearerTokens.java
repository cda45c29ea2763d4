package com.rediacc.web;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

/**
 * Bearer tokens (RFC 6750): the one a request presents, whether it is a configured secret, and the
 * 401 that asks for one. Who a token stands for is each service's own business.
 */
public final class BearerTokens {
    public static final String MISSING = "missing bearer token: send 'Authorization: Bearer <token>'";
    public static final String INVALID = "invalid token";

    private BearerTokens() {
    }

    /** The token of an {@code Authorization: Bearer <token>} header; empty if there is none. */
    public static Optional<String> presented(String authorizationHeader) {
        if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        String token = authorizationHeader.substring(7).trim();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }

    /** A configured secret, trimmed; a blank one is no secret (it must never match). */
    public static Optional<String> usable(Optional<String> configured) {
        return configured.map(String::trim).filter(secret -> !secret.isEmpty());
    }

    /**
     * Whether {@code presented} is the configured secret, in time that depends on the secret's
     * length only ({@link MessageDigest#isEqual} walks its first argument whatever the second).
     */
    public static boolean matches(String presented, Optional<String> configured) {
        return usable(configured)
                .filter(secret -> MessageDigest.isEqual(
                        secret.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8)))
                .isPresent();
    }

    public static Response unauthorized(String realm, String detail) {
        Response problem = ProblemMappers.respond(new Problem("about:blank", "Unauthorized", 401, detail, List.of()));
        return Response.fromResponse(problem)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"" + realm + "\"").build();
    }
}
