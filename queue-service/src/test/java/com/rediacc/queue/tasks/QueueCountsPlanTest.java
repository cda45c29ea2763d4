package com.rediacc.queue.tasks;

import com.rediacc.queue.TestSupport;
import com.rediacc.queue.sql.SqlFiles;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The queue's counts (GET /queue/stats, the console's overview, its sparklines and machines page, the metrics) read
 * no task rows but one per machine and priority with PENDING work, however large the backlog: with
 * 40,000 PENDING tasks on one machine their plans never scan tasks, and the oldest PENDING task is
 * found through tasks_ready_idx.
 */
@QuarkusTest
class QueueCountsPlanTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    Pool pool;

    @Test
    void countsNeverScanTasks() {
        String machine = TestSupport.registerMachine(1);
        TestSupport.admin().post("/api/v1/machines/" + machine + "/pause").then().statusCode(200);
        try {
            pool.preparedQuery("""
                            INSERT INTO tasks (task_id, team, machine, command, status, priority, created_at)
                            SELECT gen_random_uuid(), 'ops', $1, 'true', 'PENDING', 1 + i % 5, now() - interval '1 hour'
                            FROM generate_series(1, 40000) i""")
                    .execute(Tuple.of(machine)).await().atMost(WAIT);
            pool.query("ANALYZE tasks").execute().await().atMost(WAIT);

            for (String file : List.of("queue-stats", "oldest-pending", "console-machine-counts", "console-last-hour")) {
                for (String team : new String[]{null, "ops"}) {
                    String plan = plan(file, team);
                    assertThat(plan).as("plan of %s.sql", file).doesNotContain("Seq Scan on tasks")
                            .doesNotContain("Bitmap Heap Scan on tasks");
                    if (file.equals("oldest-pending")) {
                        assertThat(plan).contains("tasks_ready_idx");
                    }
                }
            }
            double age = pool.preparedQuery(SqlFiles.load("oldest-pending")).execute(Tuple.of("ops", null)).await().atMost(WAIT)
                    .stream().filter(row -> row.getString("machine").equals(machine)).findFirst().orElseThrow()
                    .getDouble("age_seconds");
            assertThat(age).isBetween(3600.0, 3600.0 + WAIT.toSeconds() * 2);
        } finally {
            pool.preparedQuery("DELETE FROM tasks WHERE machine = $1").execute(Tuple.of(machine)).await().atMost(WAIT);
        }
    }

    private String plan(String file, String team) {
        List<String> lines = new ArrayList<>();
        for (Row row : pool.preparedQuery("EXPLAIN " + SqlFiles.load(file)).execute(Tuple.of(team, null)).await().atMost(WAIT)) {
            lines.add(row.getString(0));
        }
        return String.join("\n", lines);
    }
}
