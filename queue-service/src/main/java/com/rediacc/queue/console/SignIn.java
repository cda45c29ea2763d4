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
 * refused. On success opens a session and returns it: its id (the cookie's value) and who signed in.
 */
@Singleton
public class SignIn {
    @Inject
    QueueConfig config;
    @Inject
    UserDirectory users;
    @Inject
    ConsoleSessions sessions;

    /** A session just opened: the cookie's value and its caller. */
    public record Opened(String id, Caller caller) {
    }

    public Uni<Optional<Opened>> signIn(String token) {
        if (token == null || token.isBlank() || token.length() > 200) {
            return Uni.createFrom().item(Optional.empty());
        }
        String presented = token.strip();
        if (BearerTokens.matches(presented, config.auth().bootstrapToken())) {
            return open(Caller.bootstrapAdmin(), Optional.empty());
        }
        if (!presented.startsWith(Tokens.PREFIX)) {
            return Uni.createFrom().item(Optional.empty());
        }
        return users.byToken(presented).flatMap(caller -> caller.isEmpty()
                ? Uni.createFrom().item(Optional.<Opened>empty())
                : open(caller.get(), Optional.of(Tokens.hash(presented))));
    }

    private Uni<Optional<Opened>> open(Caller caller, Optional<byte[]> tokenHash) {
        return sessions.open(caller, tokenHash).map(id -> Optional.of(new Opened(id, caller)));
    }
}
