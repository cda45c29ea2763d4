package com.rediacc.queue.auth;

import com.rediacc.queue.QueueConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the user behind a token, with their memberships. Answers are cached for a few seconds
 * (every request needs one); changes made through this replica clear the cache at once, changes
 * made through another replica show after at most {@code rediacc.auth.cache-ttl}.
 */
@Singleton
public class UserDirectory {
    private static final int MAX_CACHED = 10_000;

    @Inject
    Pool pool;

    @Inject
    QueueConfig config;

    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(Optional<Caller> caller, long expiresAtNanos) {
    }

    public Uni<Optional<Caller>> byToken(String token) {
        byte[] hash = Tokens.hash(token);
        String key = java.util.HexFormat.of().formatHex(hash);
        Cached cached = cache.get(key);
        long now = System.nanoTime();
        if (cached != null && now - cached.expiresAtNanos < 0) {
            return Uni.createFrom().item(cached.caller);
        }
        return pool.preparedQuery("""
                        SELECT u.name, u.global_admin, m.team, m.role
                        FROM users u LEFT JOIN team_members m ON m.user_name = u.name
                        WHERE u.token_hash = $1""")
                .execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(hash)))
                .map(rows -> {
                    String name = null;
                    boolean globalAdmin = false;
                    Map<String, Role> roles = new HashMap<>();
                    for (Row row : rows) {
                        name = row.getString("name");
                        globalAdmin = row.getBoolean("global_admin");
                        if (row.getString("team") != null) {
                            roles.put(row.getString("team"), Role.valueOf(row.getString("role")));
                        }
                    }
                    return name == null ? Optional.<Caller>empty() : Optional.of(new Caller(name,
                            globalAdmin ? Caller.Kind.GLOBAL_ADMIN : Caller.Kind.USER, roles));
                })
                .invoke(caller -> {
                    if (cache.size() >= MAX_CACHED) {
                        cache.clear();
                    }
                    cache.put(key, new Cached(caller, System.nanoTime() + config.auth().cacheTtl().toNanos()));
                });
    }

    /** Called after any change to users, tokens or memberships. */
    public void forgetAll() {
        cache.clear();
    }
}
