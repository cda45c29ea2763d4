package com.rediacc.queue.functions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rediacc.queue.sql.Columns;
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
import java.util.List;
import java.util.Optional;

/** SQL adapter for functions and their versions. */
@Singleton
public class FunctionRepository {
    private static final TypeReference<List<Param>> PARAMS = new TypeReference<>() {
    };

    @Inject
    Pool pool;
    @Inject
    ObjectMapper json;

    /** Stores the next version of the function (1 for a new one, or after the last, even a deleted one). */
    public Uni<FunctionDefinition> insertVersion(String team, String name, FunctionRequest function, String actor) {
        return pool.withTransaction(tx -> tx.preparedQuery("SELECT pg_advisory_xact_lock(hashtext('function:' || $1 || '/' || $2))")
                .execute(Tuple.of(team, name))
                .chain(() -> tx.preparedQuery("""
                                INSERT INTO functions (team, name, version, description, script, params, defaults, created_by)
                                SELECT $1, $2, COALESCE(max(version), 0) + 1, $3, $4, $5::jsonb, $6::jsonb, $7
                                FROM functions WHERE team = $1 AND name = $2
                                RETURNING *""")
                        .execute(Tuple.from(Arrays.asList(team, name, function.description(), function.script(),
                                write(function.params()), write(function.defaults()), actor)))))
                .map(rows -> map(rows.iterator().next()));
    }

    /** The function's newest version, or {@code version}; empty when there is none (or it was deleted). */
    public Uni<Optional<FunctionDefinition>> find(SqlClient client, String team, String name, Integer version) {
        return client.preparedQuery("""
                        SELECT * FROM functions
                        WHERE team = $1 AND name = $2 AND NOT deleted AND ($3::integer IS NULL OR version = $3)
                        ORDER BY version DESC LIMIT 1""")
                .execute(Tuple.of(team, name, version))
                .map(this::first);
    }

    public Uni<Optional<FunctionDefinition>> find(String team, String name, Integer version) {
        return find(pool, team, name, version);
    }

    /** The newest version of each of the team's functions, by name after {@code afterName}. */
    public Uni<List<FunctionDefinition>> list(String team, String afterName, int limit) {
        return pool.preparedQuery("""
                        SELECT DISTINCT ON (name) * FROM functions
                        WHERE team = $1 AND NOT deleted AND ($2::text IS NULL OR name > $2)
                        ORDER BY name, version DESC LIMIT $3""")
                .execute(Tuple.of(team, afterName, limit))
                .map(this::all);
    }

    /** Every version of the function, newest first. */
    public Uni<List<FunctionDefinition>> versions(String team, String name) {
        return pool.preparedQuery("SELECT * FROM functions WHERE team = $1 AND name = $2 AND NOT deleted ORDER BY version DESC")
                .execute(Tuple.of(team, name))
                .map(this::all);
    }

    /** Marks every version deleted; false when there was none. Tasks keep the name and version they ran. */
    public Uni<Boolean> delete(String team, String name) {
        return pool.preparedQuery("UPDATE functions SET deleted = true WHERE team = $1 AND name = $2 AND NOT deleted")
                .execute(Tuple.of(team, name))
                .map(rows -> rows.rowCount() > 0);
    }

    private Optional<FunctionDefinition> first(RowSet<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? Optional.of(map(it.next())) : Optional.empty();
    }

    private List<FunctionDefinition> all(RowSet<Row> rows) {
        List<FunctionDefinition> functions = new ArrayList<>(rows.size());
        rows.forEach(row -> functions.add(map(row)));
        return functions;
    }

    private FunctionDefinition map(Row row) {
        try {
            return new FunctionDefinition(row.getString("team"), row.getString("name"), row.getInteger("version"),
                    row.getString("description"), row.getString("script"),
                    json.readValue(row.getValue("params").toString(), PARAMS),
                    json.readValue(row.getValue("defaults").toString(), FunctionDefaults.class),
                    Columns.instant(row, "created_at"), row.getString("created_by"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable function " + row.getString("name"), e);
        }
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value, e);
        }
    }
}
