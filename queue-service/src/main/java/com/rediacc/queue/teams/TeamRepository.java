package com.rediacc.queue.teams;

import com.rediacc.queue.auth.Role;
import com.rediacc.web.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** SQL adapter for teams and their members. */
@ApplicationScoped
public class TeamRepository {
    @Inject
    Pool pool;

    /** Empty when the name is taken. */
    public Uni<Optional<Team>> insert(String name) {
        return pool.preparedQuery("INSERT INTO teams (name) VALUES ($1) ON CONFLICT DO NOTHING RETURNING *")
                .execute(Tuple.of(name))
                .map(rows -> first(rows, TeamRepository::team));
    }

    /** Completes if the team exists, fails with {@code unknown} otherwise. */
    public Uni<Void> requireExisting(String name, java.util.function.Supplier<ProblemException> unknown) {
        return pool.preparedQuery("SELECT 1 FROM teams WHERE name = $1").execute(Tuple.of(name))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw unknown.get();
                    }
                    return null;
                });
    }

    public Uni<Optional<Team>> find(String name) {
        return pool.preparedQuery("SELECT * FROM teams WHERE name = $1").execute(Tuple.of(name))
                .map(rows -> first(rows, TeamRepository::team));
    }

    /** By name after {@code afterName}; {@code only} null means every team. */
    public Uni<List<Team>> list(List<String> only, String afterName, int limit) {
        return pool.preparedQuery("""
                        SELECT * FROM teams
                        WHERE ($1::text[] IS NULL OR name = ANY($1)) AND ($2::text IS NULL OR name > $2)
                        ORDER BY name LIMIT $3""")
                .execute(Tuple.of(only == null ? null : only.toArray(String[]::new), afterName, limit))
                .map(rows -> all(rows, TeamRepository::team));
    }

    public Uni<List<Member>> members(String team) {
        return pool.preparedQuery("SELECT * FROM team_members WHERE team = $1 ORDER BY user_name")
                .execute(Tuple.of(team))
                .map(rows -> all(rows, TeamRepository::member));
    }

    /** Empty when the user is a member already. */
    public Uni<Optional<Member>> addMember(String team, String user, Role role) {
        return pool.preparedQuery("""
                        INSERT INTO team_members (team, user_name, role) VALUES ($1, $2, $3)
                        ON CONFLICT DO NOTHING RETURNING *""")
                .execute(Tuple.of(team, user, role.name()))
                .map(rows -> first(rows, TeamRepository::member));
    }

    public Uni<Optional<Member>> changeRole(String team, String user, Role role) {
        return pool.preparedQuery("UPDATE team_members SET role = $3 WHERE team = $1 AND user_name = $2 RETURNING *")
                .execute(Tuple.of(team, user, role.name()))
                .map(rows -> first(rows, TeamRepository::member));
    }

    public Uni<Boolean> removeMember(String team, String user) {
        return pool.preparedQuery("DELETE FROM team_members WHERE team = $1 AND user_name = $2")
                .execute(Tuple.of(team, user))
                .map(rows -> rows.rowCount() > 0);
    }

    private static Team team(Row row) {
        return new Team(row.getString("name"), row.getOffsetDateTime("created_at").toInstant(), null);
    }

    private static Member member(Row row) {
        return new Member(row.getString("team"), row.getString("user_name"), Role.valueOf(row.getString("role")),
                row.getOffsetDateTime("added_at").toInstant());
    }

    private static <T> Optional<T> first(RowSet<Row> rows, java.util.function.Function<Row, T> map) {
        var it = rows.iterator();
        return it.hasNext() ? Optional.of(map.apply(it.next())) : Optional.empty();
    }

    private static <T> List<T> all(RowSet<Row> rows, java.util.function.Function<Row, T> map) {
        List<T> items = new ArrayList<>();
        rows.forEach(row -> items.add(map.apply(row)));
        return items;
    }
}
