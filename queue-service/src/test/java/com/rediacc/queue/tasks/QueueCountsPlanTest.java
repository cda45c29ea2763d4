package com.rediacc.queue.tasks;

import com.rediacc.queue.TestSupport;
import com.rediacc.queue.sql.SqlFiles;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The queue's counts (GET /queue/stats, the console's overview, its sparklines, stuck list and machines page, the
 * metrics) read no task rows but the few they show, however large the backlog: with 40,000 PENDING tasks on one
 * machine their plans never scan tasks, the oldest PENDING task of a machine is one probe of tasks_pending_age_idx,
 * and the stuck list reads the running tasks and the first entries of tasks_stale_pending_idx, never every unfinished
 * task in seq order (which read the whole table when nothing was stuck). Both as the first executions of a prepared
 * statement are planned (for their values) and as the later ones may be (generic).
 */
@QuarkusTest
class QueueCountsPlanTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final double STALE_PENDING_SECONDS = 300;

    @Inject
    Pool pool;

    @Test
    void countsReadOnlyTheRowsTheyShow() {
        // A team of its own: other tests' unfinished tasks in their teams cannot enter its stuck list.
        String team = "counts-plan-" + UUID.randomUUID().toString().substring(0, 8);
        String machine = TestSupport.registerMachine(team, 1);
        TestSupport.admin().post("/api/v1/machines/" + machine + "/pause").then().statusCode(200);
        try {
            pool.preparedQuery("""
                            INSERT INTO tasks (task_id, team, machine, command, status, priority, created_at)
                            SELECT gen_random_uuid(), $2, $1, 'true', 'PENDING', 1 + i % 5,
                                   now() - interval '1 hour' - make_interval(secs => 40000 - i)
                            FROM generate_series(1, 40000) i""")
                    .execute(Tuple.of(machine, team)).await().atMost(WAIT);
            pool.query("ANALYZE tasks").execute().await().atMost(WAIT);

            for (String file : List.of("queue-stats", "oldest-pending", "console-machine-counts", "console-last-hour",
                    "console-stuck")) {
                for (String asked : new String[]{null, team}) {
                    for (boolean generic : new boolean[]{false, true}) {
                        String plan = plan(file, asked, generic);
                        assertThat(plan).as("plan of %s.sql (team %s, generic %s)", file, asked, generic)
                                .doesNotContain("Seq Scan on tasks");
                        // A bitmap scan of tasks may read only the running ones (tasks_lease_idx, partial: ASSIGNED
                        // and PROCESSING), which the stuck list reads whole; whether the planner takes a bitmap or a
                        // plain index scan for them depends on how many other tests left running.
                        assertThat(bitmapIndexesOnTasks(plan)).as("indexes bitmap-scanned for tasks in %s.sql (team %s, generic %s)",
                                file, asked, generic).isSubsetOf(file.equals("console-stuck") ? List.of("tasks_lease_idx") : List.of());
                        if (file.equals("oldest-pending")) {
                            assertThat(plan).contains("tasks_pending_age_idx");
                        }
                        if (file.equals("console-stuck")) {
                            assertThat(plan).contains("tasks_stale_pending_idx").doesNotContain("tasks_seq_key");
                        }
                    }
                }
            }
            double age = pool.preparedQuery(SqlFiles.load("oldest-pending")).execute(Tuple.of(team, null)).await().atMost(WAIT)
                    .stream().filter(row -> row.getString("machine").equals(machine)).findFirst().orElseThrow()
                    .getDouble("age_seconds");
            assertThat(age).as("the oldest, i = 1, was created 3,600 + 39,999 s before the query").isBetween(3600.0 + 39999, 3600.0 + 39999 + WAIT.toSeconds() * 2);

            // The stuck list: here the 50 PENDING tasks waiting longest, which are the first 50 created.
            List<UUID> oldest = new ArrayList<>();
            pool.preparedQuery("SELECT task_id FROM tasks WHERE machine = $1 ORDER BY seq LIMIT 50").execute(Tuple.of(machine))
                    .await().atMost(WAIT).forEach(row -> oldest.add(row.getUUID("task_id")));
            List<UUID> stuck = new ArrayList<>();
            List<String> reasons = new ArrayList<>();
            pool.preparedQuery(SqlFiles.load("console-stuck")).execute(Tuple.of(team, null, STALE_PENDING_SECONDS))
                    .await().atMost(WAIT).forEach(row -> {
                        stuck.add(row.getUUID("task_id"));
                        reasons.add(row.getString("stuck"));
                    });
            assertThat(stuck).isEqualTo(oldest);
            assertThat(reasons).containsOnly("pending long past its notBefore");
        } finally {
            pool.preparedQuery("DELETE FROM tasks WHERE machine = $1").execute(Tuple.of(machine)).await().atMost(WAIT);
        }
    }

    /** The indexes under each "Bitmap Heap Scan on tasks" of the plan (its Bitmap Index Scans, BitmapAnd/Or's too). */
    private static List<String> bitmapIndexesOnTasks(String plan) {
        List<String> indexes = new ArrayList<>();
        String[] lines = plan.split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains("Bitmap Heap Scan on tasks ")) {
                int depth = indent(lines[i]);
                for (int j = i + 1; j < lines.length && (!lines[j].contains("->") || indent(lines[j]) > depth); j++) {
                    Matcher index = BITMAP_INDEX_SCAN.matcher(lines[j]);
                    if (index.find()) {
                        indexes.add(index.group(1));
                    }
                }
            }
        }
        return indexes;
    }

    private static final Pattern BITMAP_INDEX_SCAN = Pattern.compile("Bitmap Index Scan on (\\S+)");

    private static int indent(String line) {
        int arrow = line.indexOf("->");
        return arrow < 0 ? 0 : arrow;
    }

    /** EXPLAIN of the file's statement, prepared with the given team (visible teams: all). */
    private String plan(String file, String team, boolean generic) {
        String sql = SqlFiles.load(file);
        boolean stuck = file.equals("console-stuck");
        return pool.withConnection(connection -> {
            SqlConnection c = connection;
            return c.query("SET plan_cache_mode = " + (generic ? "force_generic_plan" : "force_custom_plan")).execute()
                    .chain(() -> c.query("PREPARE plan_test (text, text[]" + (stuck ? ", float8" : "") + ") AS " + sql).execute())
                    .chain(() -> c.query("EXPLAIN EXECUTE plan_test (" + (team == null ? "NULL" : "'" + team + "'") + ", NULL"
                            + (stuck ? ", " + STALE_PENDING_SECONDS : "") + ")").execute())
                    .call(() -> c.query("DEALLOCATE plan_test").execute())
                    .call(() -> c.query("RESET plan_cache_mode").execute())
                    .map(rows -> {
                        List<String> lines = new ArrayList<>();
                        for (Row row : rows) {
                            lines.add(row.getString(0));
                        }
                        return String.join("\n", lines);
                    });
        }).await().atMost(WAIT);
    }
}
