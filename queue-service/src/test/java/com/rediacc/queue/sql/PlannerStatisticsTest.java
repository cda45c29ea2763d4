package com.rediacc.queue.sql;

import com.rediacc.queue.TestSupport;
import com.rediacc.testsupport.Await;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cached plan made while a table was tiny is replaced once the table has grown (against the real
 * PostgreSQL): the hazard itself first, on a table of this test, then the sweeper doing it for tasks.
 */
@QuarkusTest
class PlannerStatisticsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String PROBE = "planner_statistics_probe";

    @Inject
    Pool pool;

    @Inject
    PlannerStatistics statistics;

    @Test
    void aPlanCachedOnATinyTableIsMadeAgainOnceTheTableGrew() {
        run(pool, "DROP TABLE IF EXISTS " + PROBE);
        run(pool, "CREATE TABLE " + PROBE + " (id bigint PRIMARY KEY, payload text)");
        SqlConnection connection = pool.getConnection().await().atMost(WAIT);
        try {
            run(connection, "INSERT INTO " + PROBE + " VALUES (1, 'one')");
            run(connection, "ANALYZE " + PROBE);
            // As the pool's statements are after their fifth execution: one generic plan, kept.
            run(connection, "SET plan_cache_mode = force_generic_plan");
            run(connection, "PREPARE probe_by_id(bigint) AS SELECT payload FROM " + PROBE + " WHERE id = $1");
            assertThat(plan(connection)).as("plan on one page").contains("Seq Scan on " + PROBE);

            run(connection, "INSERT INTO " + PROBE + " SELECT i, 'row ' || i FROM generate_series(2, 20000) i");
            run(connection, "SELECT pg_stat_force_next_flush()");
            assertThat(plan(connection)).as("the cached plan, 20,000 rows later").contains("Seq Scan on " + PROBE);

            assertThat(analyzedWithin(Set.of(PROBE), Duration.ofSeconds(10))).containsExactly(PROBE);
            assertThat(plan(connection)).as("plan after the analysis").doesNotContain("Seq Scan").contains("Index");

            assertThat(statistics.analyzeGrown(Set.of(PROBE)).await().atMost(WAIT)).as("analyzed again at once").isEmpty();
        } finally {
            run(connection, "DEALLOCATE probe_by_id"); // only ours: the pool's own prepared statements live on
            run(connection, "RESET plan_cache_mode");
            connection.close().await().atMost(WAIT);
            run(pool, "DROP TABLE IF EXISTS " + PROBE);
        }
    }

    @Test
    void theSweeperAnalyzesTasksOnceTheyDoubled() {
        String machine = TestSupport.registerMachine(1);
        TestSupport.admin().post("/api/v1/machines/" + machine + "/pause").then().statusCode(200);
        // Autovacuum out of the way (waiting for the lock cancels one at work): its VACUUM sets
        // reltuples to the rows there are, ours included, and its ANALYZE resets the changed rows;
        // either leaves the sweeper nothing to do, and this test could not tell.
        run(pool, "ALTER TABLE tasks SET (autovacuum_enabled = false)");
        try {
            sweeperAnalyzesTasksOnceTheyDoubled(machine);
        } finally {
            run(pool, "ALTER TABLE tasks RESET (autovacuum_enabled)");
        }
    }

    private void sweeperAnalyzesTasksOnceTheyDoubled(String machine) {
        OffsetDateTime before = lastAnalyze("tasks");
        long rows = Math.max(500, pool.query("SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = 'tasks'::regclass")
                .execute().await().atMost(WAIT).iterator().next().getLong(0)) + 1;
        SqlConnection connection = pool.getConnection().await().atMost(WAIT);
        try {
            connection.preparedQuery("""
                            INSERT INTO tasks (task_id, team, machine, command, status, priority)
                            SELECT gen_random_uuid(), 'ops', $1, 'true', 'PENDING', 3 FROM generate_series(1, $2)""")
                    .execute(Tuple.of(machine, rows)).await().atMost(WAIT);
            run(connection, "SELECT pg_stat_force_next_flush()");
            Await.until("the sweeper analyzed tasks", Duration.ofSeconds(30), () -> analyzedSince(before), this::tasksStatistics);
            assertThat(lastAnalyze("tasks")).as("tasks analyzed by the sweeper after %d new rows", rows).isNotNull();
            assertThat(analyzedSince(before)).as("analyzed after %s", before).isTrue();
        } finally {
            connection.preparedQuery("DELETE FROM tasks WHERE machine = $1").execute(Tuple.of(machine)).await().atMost(WAIT);
            connection.close().await().atMost(WAIT);
        }
    }

    /** Analyzes the grown ones of {@code tables} once PostgreSQL's counters show their growth (up to a second late). */
    private List<String> analyzedWithin(Set<String> tables, Duration within) {
        return Await.until("the grown tables of " + tables + " analyzed", within,
                () -> statistics.analyzeGrown(tables).await().atMost(WAIT), analyzed -> !analyzed.isEmpty(), () -> "");
    }

    private boolean analyzedSince(OffsetDateTime before) {
        OffsetDateTime now = lastAnalyze("tasks");
        return now != null && (before == null || now.isAfter(before));
    }

    private String tasksStatistics() {
        Row row = pool.query("""
                        SELECT s.n_mod_since_analyze, c.reltuples, s.last_analyze, s.last_autoanalyze, s.last_autovacuum
                        FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid WHERE s.relname = 'tasks'""")
                .execute().await().atMost(WAIT).iterator().next();
        return "tasks: " + row.toJson();
    }

    /** When the table was last analyzed by an ANALYZE statement (autovacuum's are counted apart). */
    private OffsetDateTime lastAnalyze(String table) {
        Row row = pool.preparedQuery("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = $1")
                .execute(Tuple.of(table)).await().atMost(WAIT).iterator().next();
        return row.getOffsetDateTime(0);
    }

    private static String plan(SqlConnection connection) {
        List<String> lines = new ArrayList<>();
        connection.query("EXPLAIN EXECUTE probe_by_id(7)").execute().await().atMost(WAIT).forEach(row -> lines.add(row.getString(0)));
        return String.join("\n", lines);
    }

    private static void run(SqlClient client, String sql) {
        client.query(sql).execute().await().atMost(WAIT);
    }
}
