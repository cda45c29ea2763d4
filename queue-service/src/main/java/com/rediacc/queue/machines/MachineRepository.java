package com.rediacc.queue.machines;

import com.rediacc.queue.sql.SqlFiles;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** SQL adapter for machines. */
@Singleton
public class MachineRepository {
    @Inject
    Pool pool;

    /** Inserts; empty when a machine of that name already exists. */
    public Uni<Optional<Machine>> insert(Machine m) {
        return pool.preparedQuery("""
                        INSERT INTO machines (name, team, host, port, ssh_user, host_key, credential, tags, max_concurrency)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                        ON CONFLICT (name) DO NOTHING
                        RETURNING *""")
                .execute(Tuple.from(List.of(m.name(), m.team(), m.host(), m.port(), m.user(), m.hostKey(),
                        m.credential(), m.tags().toArray(String[]::new), m.maxConcurrency())))
                .map(MachineRepository::first);
    }

    public Uni<Optional<Machine>> setPaused(SqlClient client, String name, boolean paused) {
        return client.preparedQuery("UPDATE machines SET paused = $2 WHERE name = $1 RETURNING *")
                .execute(Tuple.of(name, paused))
                .map(MachineRepository::first);
    }

    public Uni<Optional<Machine>> find(SqlClient client, String name) {
        return client.preparedQuery("SELECT * FROM machines WHERE name = $1")
                .execute(Tuple.of(name))
                .map(MachineRepository::first);
    }

    /**
     * The teams of the named machines that exist, by name, locked until the transaction ends (see
     * lock-machines-for-new-tasks.sql): none can be deleted.
     */
    public Uni<Map<String, String>> lockTeamsForNewTasks(SqlClient tx, Collection<String> names) {
        return tx.preparedQuery(SqlFiles.load("lock-machines-for-new-tasks"))
                .execute(Tuple.of(names.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, String> teams = new HashMap<>();
                    rows.forEach(row -> teams.put(row.getString("name"), row.getString("team")));
                    return teams;
                });
    }

    /**
     * The machine, unless it is paused, locked so that claims on it run one at a time
     * (sql/lock-claimable-machine.sql); empty when it is paused or gone.
     */
    public Uni<Optional<Machine>> lockClaimable(SqlClient tx, String name) {
        return tx.preparedQuery(SqlFiles.load("lock-claimable-machine")).execute(Tuple.of(name)).map(MachineRepository::first);
    }

    /** The machine of {@code team} with every tag of {@code tags} and the least work, not paused (sql/pick-machine.sql). */
    public Uni<Optional<String>> pickLeastLoaded(String team, List<String> tags) {
        return pool.preparedQuery(SqlFiles.load("pick-machine")).execute(Tuple.of(team, tags.toArray(String[]::new)))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getString("name")));
    }

    /** The named machines that exist, by name. */
    public Uni<Map<String, Machine>> findAll(Collection<String> names) {
        return pool.preparedQuery("SELECT * FROM machines WHERE name = ANY($1)")
                .execute(Tuple.of(names.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, Machine> found = new HashMap<>();
                    rows.forEach(row -> found.put(row.getString("name"), map(row)));
                    return found;
                });
    }

    /** The machines of {@code team} with every tag of {@code tags}, not paused, by name. */
    public Uni<List<Machine>> selected(String team, List<String> tags) {
        return pool.preparedQuery("SELECT * FROM machines WHERE team = $1 AND tags @> $2::text[] AND NOT paused ORDER BY name")
                .execute(Tuple.of(team, tags.toArray(String[]::new)))
                .map(rows -> {
                    List<Machine> found = new ArrayList<>();
                    rows.forEach(row -> found.add(map(row)));
                    return found;
                });
    }

    public Uni<Optional<Machine>> find(String name) {
        return find(pool, name);
    }

    public Uni<Optional<Machine>> update(Machine m) {
        return pool.preparedQuery("""
                        UPDATE machines SET host = $2, port = $3, ssh_user = $4, host_key = $5, credential = $6,
                                            tags = $7, max_concurrency = $8
                        WHERE name = $1 RETURNING *""")
                .execute(Tuple.from(List.of(m.name(), m.host(), m.port(), m.user(), m.hostKey(), m.credential(),
                        m.tags().toArray(String[]::new), m.maxConcurrency())))
                .map(MachineRepository::first);
    }

    /** What a delete did: removed it, found no such machine, or refused because tasks still need it. */
    public enum Deletion { DELETED, NOT_FOUND, HAS_UNFINISHED_TASKS }

    public Uni<Deletion> delete(String name) {
        return pool.withTransaction(tx -> tx.preparedQuery("SELECT 1 FROM machines WHERE name = $1 FOR UPDATE")
                .execute(Tuple.of(name))
                .flatMap(locked -> {
                    if (locked.size() == 0) {
                        return Uni.createFrom().item(Deletion.NOT_FOUND);
                    }
                    return tx.preparedQuery("""
                                    SELECT 1 FROM tasks WHERE machine = $1
                                      AND status IN ('PENDING', 'ASSIGNED', 'PROCESSING') LIMIT 1""")
                            .execute(Tuple.of(name))
                            .flatMap(active -> active.size() > 0 ? Uni.createFrom().item(Deletion.HAS_UNFINISHED_TASKS)
                                    : tx.preparedQuery("DELETE FROM machines WHERE name = $1").execute(Tuple.of(name))
                                    .replaceWith(Deletion.DELETED));
                }));
    }

    /** Machines by name, after {@code afterName} when given; {@code teams} null means every team. */
    public Uni<List<Machine>> list(String team, List<String> teams, String afterName, int limit) {
        return pool.preparedQuery("""
                        SELECT * FROM machines
                        WHERE ($1::text IS NULL OR team = $1) AND ($2::text IS NULL OR name > $2)
                          AND ($4::text[] IS NULL OR team = ANY($4))
                        ORDER BY name LIMIT $3""")
                .execute(Tuple.of(team, afterName, limit, teams == null ? null : teams.toArray(String[]::new)))
                .map(rows -> {
                    List<Machine> machines = new ArrayList<>();
                    rows.forEach(row -> machines.add(map(row)));
                    return machines;
                });
    }

    private static Optional<Machine> first(RowSet<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? Optional.of(map(it.next())) : Optional.empty();
    }

    public static Machine map(Row row) {
        String[] tags = row.getArrayOfStrings("tags");
        return new Machine(
                row.getString("name"),
                row.getString("team"),
                row.getString("host"),
                row.getInteger("port"),
                row.getString("ssh_user"),
                row.getString("host_key"),
                row.getString("credential"),
                tags == null ? List.of() : Arrays.asList(tags),
                row.getInteger("max_concurrency"),
                row.getBoolean("paused"),
                row.getOffsetDateTime("created_at") == null ? null : row.getOffsetDateTime("created_at").toInstant());
    }
}
