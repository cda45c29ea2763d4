package com.rediacc.queue.console;

import com.rediacc.queue.QueueConfig;
import com.rediacc.queue.auth.Caller;
import com.rediacc.queue.auth.Tokens;
import com.rediacc.queue.auth.UserDirectory;
import com.rediacc.web.BearerTokens;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.Optional;

/**
 * Checks a pasted token exactly as the API does (BearerTokenFilter): the bootstrap token is a global
 * admin, a user token is its user with their memberships; the bridge token and anything else are
 * refused. On success opens a session and returns its id (the cookie's value).
 */
@Singleton
public class SignIn {
    @Inject
    QueueConfig config;
    @Inject
    UserDirectory users;
    @Inject
    ConsoleSessions sessions;

    public Uni<Optional<String>> signIn(String token) {
        if (token == null || token.isBlank() || token.length() > 200) {
            return Uni.createFrom().item(Optional.empty());
        }
        String presented = token.strip();
        if (BearerTokens.matches(presented, config.auth().bootstrapToken())) {
            return sessions.open(Caller.bootstrapAdmin(), Optional.empty()).map(Optional::of);
        }
        if (!presented.startsWith("rdc_")) {
            return Uni.createFrom().item(Optional.empty());
        }
        return users.byToken(presented).flatMap(caller -> caller.isEmpty()
                ? Uni.createFrom().item(Optional.<String>empty())
                : sessions.open(caller.get(), Optional.of(Tokens.hash(presented))).map(Optional::of));
    }
}
