package com.rediacc.vault.auth;

import com.rediacc.vault.VaultConfig;
import com.rediacc.web.BearerTokens;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.Optional;

/**
 * Authenticates every {@code /api/} request by its bearer token (401 without a known one) and
 * records the {@link Caller}; resources check its {@link Right}s (403). {@code /q/} stays open.
 */
public class BearerTokenFilter {
    public static final String CALLER_PROPERTY = "rediacc.vault.caller";
    private static final String REALM = "rediacc-vault";

    @Inject
    VaultConfig config;

    @ServerRequestFilter(preMatching = true)
    public Optional<Response> authenticate(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/api/")) {
            return Optional.empty();
        }
        Optional<String> token = BearerTokens.presented(request.getHeaderString(HttpHeaders.AUTHORIZATION));
        if (token.isEmpty()) {
            return Optional.of(BearerTokens.unauthorized(REALM, BearerTokens.MISSING));
        }
        Optional<Caller> caller = match(token.get(), config.auth().queueToken(), Caller.QUEUE)
                .or(() -> match(token.get(), config.auth().bridgeToken(), Caller.BRIDGE));
        if (caller.isEmpty()) {
            return Optional.of(BearerTokens.unauthorized(REALM, BearerTokens.INVALID));
        }
        request.setProperty(CALLER_PROPERTY, caller.get());
        return Optional.empty();
    }

    public static Caller caller(ContainerRequestContext request) {
        return (Caller) request.getProperty(CALLER_PROPERTY);
    }

    private static Optional<Caller> match(String presented, Optional<String> expected, Caller caller) {
        return BearerTokens.matches(presented, expected) ? Optional.of(caller) : Optional.empty();
    }
}
