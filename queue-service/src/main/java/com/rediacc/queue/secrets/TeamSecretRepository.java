package com.rediacc.queue.secrets;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** SQL adapter for team vault entries (ciphertext only). */
@ApplicationScoped
public class TeamSecretRepository {
    @Inject
    Pool pool;

    public Uni<Integer> nextVersion(String team, String name) {
        return pool.preparedQuery("SELECT COALESCE(max(version), 0) + 1 AS next FROM team_secrets WHERE team = $1 AND name = $2")
                .execute(Tuple.of(team, name))
                .map(rows -> rows.iterator().next().getInteger("next"));
    }

    /** Empty when that version was taken meanwhile by a concurrent write. */
    public Uni<Optional<TeamSecret>> insert(TeamSecret secret) {
        return pool.preparedQuery("""
                        INSERT INTO team_secrets (team, name, version, ciphertext, key_version, created_by)
                        VALUES ($1, $2, $3, $4, $5, $6)
                        ON CONFLICT (team, name, version) DO NOTHING
                        RETURNING *""")
                .execute(Tuple.from(Arrays.asList(secret.team(), secret.name(), secret.version(), secret.ciphertext(),
                        secret.keyVersion(), secret.createdBy())))
                .map(rows -> rows.size() == 0 ? Optional.<TeamSecret>empty() : Optional.of(map(rows.iterator().next())));
    }

    public Uni<Optional<TeamSecret>> latest(SqlClient client, String team, String name) {
        return client.preparedQuery("""
                        SELECT * FROM team_secrets WHERE team = $1 AND name = $2
                        ORDER BY version DESC LIMIT 1""")
                .execute(Tuple.of(team, name))
                .map(rows -> rows.size() == 0 ? Optional.<TeamSecret>empty() : Optional.of(map(rows.iterator().next())));
    }

    public Uni<List<TeamSecretSummary>> list(String team) {
        return pool.preparedQuery("""
                        SELECT name, max(version) AS latest, array_agg(version ORDER BY version) AS versions,
                               max(created_at) AS updated_at
                        FROM team_secrets WHERE team = $1 GROUP BY name ORDER BY name""")
                .execute(Tuple.of(team))
                .map(rows -> {
                    List<TeamSecretSummary> entries = new ArrayList<>();
                    for (Row row : rows) {
                        entries.add(new TeamSecretSummary(row.getString("name"), row.getInteger("latest"),
                                Arrays.asList(row.getArrayOfIntegers("versions")),
                                row.getOffsetDateTime("updated_at").toInstant()));
                    }
                    return entries;
                });
    }

    private static TeamSecret map(Row row) {
        return new TeamSecret(row.getString("team"), row.getString("name"), row.getInteger("version"),
                row.getInteger("key_version"), row.getOffsetDateTime("created_at").toInstant(),
                row.getString("created_by"), row.getString("ciphertext"));
    }
}
