package com.rediacc.queue.console;

import com.rediacc.queue.QueueConfig;
import com.rediacc.queue.auth.Caller;
import com.rediacc.queue.auth.Role;
import com.rediacc.queue.auth.Tokens;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Console sessions, stored in PostgreSQL so that every replica knows them. The browser holds the
 * session id (256 random bits) in an HttpOnly cookie; the table holds its SHA-256, and the SHA-256
 * of the session's CSRF token, which is derived from the id (so a page of the session can be given
 * it, and only a holder of the id can know it). A lookup is cached for {@code rediacc.auth.cache-ttl}
 * per replica, like tokens (UserDirectory), and refreshes the session's last use at most that often.
 */
@Singleton
public class ConsoleSessions {
    public static final String COOKIE = "rediacc_session";
    private static final String BOOTSTRAP = "BOOTSTRAP_ADMIN";
    private static final int MAX_CACHED = 10_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    Pool pool;
    @Inject
    QueueConfig config;

    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    /** A live session: who it is, and the hash its CSRF token must match. */
    public record Session(Caller caller, byte[] csrfHash) {
        public boolean csrfMatches(String presented) {
            return presented != null && MessageDigest.isEqual(csrfHash, Tokens.hash(presented));
        }
    }

    private record Cached(Optional<Session> session, long expiresAtNanos) {
    }

    /** A new session for {@code caller}: returns the session id for the cookie (never stored). */
    public Uni<String> open(Caller caller, Optional<byte[]> tokenHash) {
        String id = newId();
        String kind = caller.kind() == Caller.Kind.USER || tokenHash.isPresent() ? "USER" : BOOTSTRAP;
        return pool.preparedQuery("""
                        DELETE FROM console_sessions
                        WHERE expires_at < now() OR last_seen_at < now() - make_interval(secs => $1)""")
                .execute(Tuple.of(seconds(config.console().idleTimeout().toMillis())))
                .chain(() -> pool.preparedQuery("""
                                INSERT INTO console_sessions (id_hash, csrf_hash, caller_kind, user_name, token_fingerprint, expires_at)
                                VALUES ($1, $2, $3, $4, sha256($5), now() + make_interval(secs => $6))""")
                        .execute(Tuple.from(new Object[] {
                                Buffer.buffer(Tokens.hash(id)), Buffer.buffer(Tokens.hash(csrfToken(id))), kind,
                                kind.equals(BOOTSTRAP) ? null : caller.name(),
                                tokenHash.map(Buffer::buffer).orElse(null),
                                seconds(config.console().lifetime().toMillis())})))
                .replaceWith(id);
    }

    /** The live session of this cookie value, if any. */
    public Uni<Optional<Session>> find(String id) {
        if (id == null || id.isBlank() || id.length() > 100) {
            return Uni.createFrom().item(Optional.empty());
        }
        byte[] idHash = Tokens.hash(id);
        String key = HexFormat.of().formatHex(idHash);
        Cached cached = cache.get(key);
        if (cached != null && System.nanoTime() - cached.expiresAtNanos < 0) {
            return Uni.createFrom().item(cached.session);
        }
        return pool.preparedQuery("""
                        WITH s AS (
                            UPDATE console_sessions SET last_seen_at = now()
                            WHERE id_hash = $1 AND expires_at > now() AND last_seen_at > now() - make_interval(secs => $2)
                            RETURNING caller_kind, user_name, token_fingerprint, csrf_hash)
                        SELECT s.caller_kind, s.csrf_hash, u.name, u.global_admin, m.team, m.role
                        FROM s
                        LEFT JOIN users u ON u.name = s.user_name AND sha256(u.token_hash) = s.token_fingerprint
                        LEFT JOIN team_members m ON m.user_name = u.name""")
                .execute(Tuple.of(Buffer.buffer(idHash), seconds(config.console().idleTimeout().toMillis())))
                .map(rows -> {
                    Session session = null;
                    Map<String, Role> roles = new HashMap<>();
                    String name = null;
                    boolean globalAdmin = false;
                    boolean bootstrap = false;
                    byte[] csrf = null;
                    for (Row row : rows) {
                        csrf = row.getBuffer("csrf_hash").getBytes();
                        bootstrap = BOOTSTRAP.equals(row.getString("caller_kind"));
                        name = row.getString("name");
                        if (name != null) {
                            globalAdmin = row.getBoolean("global_admin");
                            if (row.getString("team") != null) {
                                roles.put(row.getString("team"), Role.valueOf(row.getString("role")));
                            }
                        }
                    }
                    if (bootstrap && config.auth().bootstrapToken().filter(t -> !t.isBlank()).isPresent()) {
                        session = new Session(Caller.bootstrapAdmin(), csrf);
                    } else if (!bootstrap && name != null) {
                        session = new Session(new Caller(name, globalAdmin ? Caller.Kind.GLOBAL_ADMIN : Caller.Kind.USER, roles), csrf);
                    }
                    return Optional.ofNullable(session);
                })
                .invoke(session -> {
                    if (cache.size() >= MAX_CACHED) {
                        cache.clear();
                    }
                    cache.put(key, new Cached(session, System.nanoTime() + config.auth().cacheTtl().toNanos()));
                });
    }

    /** Ends the session of this cookie value (sign-out). */
    public Uni<Void> close(String id) {
        byte[] idHash = Tokens.hash(id);
        cache.remove(HexFormat.of().formatHex(idHash));
        return pool.preparedQuery("DELETE FROM console_sessions WHERE id_hash = $1")
                .execute(Tuple.of(Buffer.buffer(idHash))).replaceWithVoid();
    }

    /** The session's CSRF token: derived from its id, so only a holder of the id (the HttpOnly cookie) can know it. */
    public static String csrfToken(String sessionId) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(Tokens.hash("rediacc-console-csrf\0" + sessionId));
    }

    private static String newId() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static double seconds(long millis) {
        return millis / 1000.0;
    }
}
