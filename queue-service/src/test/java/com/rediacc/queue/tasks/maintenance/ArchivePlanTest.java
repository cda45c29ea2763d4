package com.rediacc.queue.tasks.maintenance;

import com.rediacc.queue.TestSupport;
import com.rediacc.queue.sql.Columns;
import com.rediacc.queue.sql.SqlFiles;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The archive's batch query finds what to move through tasks_finished_idx, however many finished
 * tasks are not due yet (a month of them stays hot), and never reads the whole table; the claim's
 * query, beside that many finished tasks of its own machine, stays on the ready index.
 * And tasks_archive keeps the columns of tasks, in their order, after its history.
 */
@QuarkusTest
class ArchivePlanTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    Pool pool;

    @Test
    void theBatchWalksTheFinishedIndexAndTheClaimTheReadyOne() {
        String machine = TestSupport.registerMachine(1);
        try {
            pool.preparedQuery("""
                            INSERT INTO tasks (task_id, team, machine, command, status, priority, created_by, completed_at)
                            SELECT gen_random_uuid(), 'ops', $1, 'true', 'COMPLETED', 3, 'test', now() - g * interval '1 second'
                            FROM generate_series(1, 40000) g""")
                    .execute(Tuple.of(machine)).await().atMost(WAIT);
            pool.query("ANALYZE tasks").execute().await().atMost(WAIT);

            String batch = plan("EXPLAIN " + SqlFiles.load("archive-batch"),
                    Tuple.of(Columns.timestamp(Instant.now().minus(Duration.ofDays(30))), 1000));
            assertThat(batch).as("plan of archive-batch.sql").contains("tasks_finished_idx").doesNotContain("Seq Scan on tasks");

            String claim = plan("EXPLAIN " + SqlFiles.load("claim-candidates"), Tuple.of(machine, 8, new String[0]));
            assertThat(claim).as("plan of claim-candidates.sql").doesNotContain("Seq Scan on tasks")
                    .doesNotContain("tasks_finished_idx");
        } finally {
            pool.preparedQuery("DELETE FROM tasks WHERE machine = $1").execute(Tuple.of(machine)).await().atMost(WAIT);
        }
    }

    /** The count of ready work left after a claim walks the ready index too, however many tasks wait. */
    @Test
    void theClaimStaysOnTheReadyIndexBesideThousandsOfPendingTasksOfItsMachine() {
        String machine = TestSupport.registerMachine(1);
        TestSupport.admin().post("/api/v1/machines/" + machine + "/pause").then().statusCode(200);
        try {
            pool.preparedQuery("""
                            INSERT INTO tasks (task_id, team, machine, command, status, priority, created_by)
                            SELECT gen_random_uuid(), 'ops', $1, 'true', 'PENDING', 3, 'test'
                            FROM generate_series(1, 10000) g""")
                    .execute(Tuple.of(machine)).await().atMost(WAIT);
            pool.query("ANALYZE tasks").execute().await().atMost(WAIT);

            String claim = plan("EXPLAIN " + SqlFiles.load("claim-candidates"), Tuple.of(machine, 8, new String[0]));
            assertThat(claim).as("plan of claim-candidates.sql").doesNotContain("Seq Scan on tasks")
                    .contains("tasks_ready_idx");
        } finally {
            pool.preparedQuery("DELETE FROM tasks WHERE machine = $1").execute(Tuple.of(machine)).await().atMost(WAIT);
        }
    }

    @Test
    void theArchiveHasTheColumnsOfTasksInTheirOrderAfterItsHistory() {
        String columns = """
                SELECT attname || ' ' || format_type(atttypid, atttypmod)
                FROM pg_attribute
                WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped
                ORDER BY attnum""";
        List<String> archive = strings(columns, "tasks_archive");
        List<String> expected = new ArrayList<>(List.of("history jsonb"));
        expected.addAll(strings(columns, "tasks"));
        assertThat(archive).isEqualTo(expected);
    }

    private String plan(String sql, Tuple params) {
        return String.join("\n", strings(sql, params));
    }

    private List<String> strings(String sql, Object... params) {
        return strings(sql, Tuple.from(params));
    }

    private List<String> strings(String sql, Tuple params) {
        List<String> values = new ArrayList<>();
        for (Row row : pool.preparedQuery(sql).execute(params).await().atMost(WAIT)) {
            values.add(row.getString(0));
        }
        return values;
    }
}
