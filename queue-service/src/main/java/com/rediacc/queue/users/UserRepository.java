package com.rediacc.queue.users;

import com.rediacc.queue.auth.Tokens;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** SQL adapter for users; tokens reach it only as their hash. */
@ApplicationScoped
public class UserRepository {
    @Inject
    Pool pool;

    /** Empty when the name is taken. */
    public Uni<Optional<User>> insert(String name, boolean globalAdmin, String token) {
        return pool.preparedQuery("""
                        INSERT INTO users (name, token_hash, global_admin) VALUES ($1, $2, $3)
                        ON CONFLICT (name) DO NOTHING RETURNING *""")
                .execute(Tuple.of(name, Buffer.buffer(Tokens.hash(token)), globalAdmin))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next())));
    }

    public Uni<Boolean> replaceToken(String name, String token) {
        return pool.preparedQuery("UPDATE users SET token_hash = $2 WHERE name = $1")
                .execute(Tuple.of(name, Buffer.buffer(Tokens.hash(token))))
                .map(rows -> rows.rowCount() > 0);
    }

    public Uni<Boolean> exists(String name) {
        return pool.preparedQuery("SELECT 1 FROM users WHERE name = $1").execute(Tuple.of(name))
                .map(rows -> rows.size() > 0);
    }

    public Uni<List<User>> list(String afterName, int limit) {
        return pool.preparedQuery("SELECT * FROM users WHERE ($1::text IS NULL OR name > $1) ORDER BY name LIMIT $2")
                .execute(Tuple.of(afterName, limit))
                .map(rows -> {
                    List<User> users = new ArrayList<>();
                    rows.forEach(row -> users.add(map(row)));
                    return users;
                });
    }

    private static User map(Row row) {
        return new User(row.getString("name"), row.getBoolean("global_admin"),
                row.getOffsetDateTime("created_at").toInstant());
    }
}
