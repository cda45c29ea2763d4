package com.rediacc.queue.tasks;

import com.rediacc.queue.TestSupport;
import com.rediacc.queue.tasks.maintenance.TaskCountsFold;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static com.rediacc.queue.TestSupport.admin;
import static com.rediacc.queue.TestSupport.bridge;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The counts kept as tasks move (V16: triggers write deltas, TaskCountsFold folds them) are the
 * counts of the task rows after every kind of write: create, claim, start, finish, cancel, retry,
 * a plain SQL delete and update, before and after a fold; and GET /queue/stats answers from them.
 */
@QuarkusTest
class TaskCountsTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    Pool pool;
    @Inject
    TaskCountsFold fold;

    @Test
    void countsFollowEveryWriteOfTheTaskRows() {
        // A team of its own: the stats compared at the end are read apart from the rows, and another
        // test's task of a shared team that changes status in between failed it once (1,465 vs 1,464).
        String team = "counts-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        String machine = TestSupport.registerMachine(team, 1);
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(TestSupport.createTask(machine, "true", 2));
        }
        ids.add(TestSupport.createTask(machine, "true", 4));
        assertThat(kept(machine)).isEqualTo(Map.of("2 PENDING", 3L, "4 PENDING", 1L)).isEqualTo(counted(machine));

        Map<String, Object> claimed = bridge().body(Map.of("machine", machine, "bridgeId", "b1", "max", 1))
                .post("/api/v1/bridge/claims").then().statusCode(200).extract().<List<Map<String, Object>>>path("$").getFirst();
        String id = (String) claimed.get("taskId");
        long token = ((Number) claimed.get("leaseToken")).longValue();
        assertThat(kept(machine)).isEqualTo(Map.of("2 PENDING", 2L, "2 ASSIGNED", 1L, "4 PENDING", 1L)).isEqualTo(counted(machine));
        fold.runOnce().await().atMost(WAIT);
        assertThat(kept(machine)).isEqualTo(counted(machine));

        bridge().body(Map.of("leaseToken", token)).post("/api/v1/bridge/tasks/" + id + "/start").then().statusCode(204);
        // A heartbeat changes no counted column.
        bridge().body(Map.of("leaseToken", token, "outputOffset", 0, "outputChunk", "x"))
                .post("/api/v1/bridge/tasks/" + id + "/heartbeat").then().statusCode(200);
        assertThat(kept(machine)).containsEntry("2 PROCESSING", 1L).isEqualTo(counted(machine));
        bridge().body(Map.of("leaseToken", token, "outcome", "SUCCEEDED", "exitCode", 0, "output", "", "outputTruncated", false))
                .post("/api/v1/bridge/tasks/" + id + "/finish").then().statusCode(204);
        admin().post("/api/v1/tasks/" + ids.get(3) + "/cancel").then().statusCode(200);
        admin().post("/api/v1/tasks/" + ids.get(3) + "/retry").then().statusCode(201);
        assertThat(kept(machine)).isEqualTo(Map.of("2 PENDING", 2L, "2 COMPLETED", 1L, "4 CANCELLED", 1L, "4 PENDING", 1L))
                .isEqualTo(counted(machine));

        pool.preparedQuery("UPDATE tasks SET priority = 5 WHERE machine = $1 AND status = 'PENDING' AND priority = 2")
                .execute(Tuple.of(machine)).await().atMost(WAIT);
        assertThat(kept(machine)).isEqualTo(counted(machine)).containsEntry("5 PENDING", 2L);
        fold.runOnce().await().atMost(WAIT);
        pool.preparedQuery("DELETE FROM tasks WHERE machine = $1 AND status = 'PENDING'").execute(Tuple.of(machine))
                .await().atMost(WAIT);
        assertThat(kept(machine)).isEqualTo(Map.of("2 COMPLETED", 1L, "4 CANCELLED", 1L)).isEqualTo(counted(machine));
        fold.runOnce().await().atMost(WAIT);
        assertThat(kept(machine)).isEqualTo(counted(machine));

        Number pending = admin().queryParam("team", team).get("/api/v1/queue/stats").then().statusCode(200)
                .extract().path("byStatus.PENDING");
        assertThat(pending.longValue()).isEqualTo(pool.preparedQuery("SELECT count(*) FROM tasks WHERE team = $1 AND status = 'PENDING'")
                .execute(Tuple.of(team)).await().atMost(WAIT).iterator().next().getLong(0));
    }

    @Test
    void everyTeamsCountsMatchTheRowsAfterAFold() {
        fold.runOnce().await().atMost(WAIT);
        assertThat(count("""
                SELECT count(*) FROM (SELECT team, machine, priority, status, sum(tasks) AS tasks FROM current_task_counts
                                      GROUP BY 1, 2, 3, 4 HAVING sum(tasks) <> 0) c
                FULL JOIN (SELECT team, machine, priority, status, count(*) AS tasks FROM tasks GROUP BY 1, 2, 3, 4) t
                    USING (team, machine, priority, status)
                WHERE c.tasks IS DISTINCT FROM t.tasks""")).isZero();
    }

    @Test
    void createdAndEndedPerMinuteMatchTheRows() {
        String team = "flow-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        String machine = TestSupport.registerMachine(team, 1);
        String first = TestSupport.createTask(machine, "true", 3);
        TestSupport.createTask(machine, "true", 3);
        admin().post("/api/v1/tasks/" + first + "/cancel").then().statusCode(200);
        String sql = """
                SELECT minute, created, ended FROM current_task_flow WHERE team = $1
                EXCEPT
                SELECT minute, sum(created), sum(ended) FROM (
                    SELECT date_trunc('minute', created_at) AS minute, 1 AS created, 0 AS ended FROM tasks WHERE team = $1
                    UNION ALL
                    SELECT date_trunc('minute', completed_at), 0, 1 FROM tasks WHERE team = $1 AND completed_at IS NOT NULL) t
                GROUP BY minute""";
        assertThat(pool.preparedQuery(sql).execute(Tuple.of(team)).await().atMost(WAIT).size()).isZero();
        fold.runOnce().await().atMost(WAIT);
        assertThat(pool.preparedQuery(sql).execute(Tuple.of(team)).await().atMost(WAIT).size()).isZero();
        long created = 0;
        long ended = 0;
        for (Row row : pool.preparedQuery("SELECT created, ended FROM current_task_flow WHERE team = $1").execute(Tuple.of(team))
                .await().atMost(WAIT)) {
            created += row.getLong("created");
            ended += row.getLong("ended");
        }
        assertThat(created).isEqualTo(2);
        assertThat(ended).isEqualTo(1);
    }

    @Test
    void aCountThatComesToZeroLeavesNoRow() {
        String machine = TestSupport.registerMachine(1);
        String id = TestSupport.createTask(machine, "true", 3);
        fold.runOnce().await().atMost(WAIT);
        assertThat(folded(machine)).isEqualTo(Map.of("3 PENDING", 1L));

        admin().post("/api/v1/tasks/" + id + "/cancel").then().statusCode(200);
        fold.runOnce().await().atMost(WAIT);
        assertThat(folded(machine)).as("the PENDING count came to 0").isEqualTo(Map.of("3 CANCELLED", 1L));
        assertThat(kept(machine)).isEqualTo(counted(machine));

        pool.preparedQuery("DELETE FROM tasks WHERE machine = $1").execute(Tuple.of(machine)).await().atMost(WAIT);
        fold.runOnce().await().atMost(WAIT);
        assertThat(folded(machine)).as("a machine without tasks").isEmpty();
        assertThat(kept(machine)).isEmpty();

        TestSupport.createTask(machine, "true", 3);
        fold.runOnce().await().atMost(WAIT);
        assertThat(folded(machine)).as("counted again from nothing").isEqualTo(Map.of("3 PENDING", 1L)).isEqualTo(counted(machine));
    }

    /** The machine's folded rows as they are stored, zeros included. */
    private Map<String, Long> folded(String machine) {
        return byPriorityAndStatus("SELECT priority, status, tasks::bigint AS tasks FROM task_counts WHERE machine = $1", machine);
    }

    private Map<String, Long> kept(String machine) {
        return byPriorityAndStatus("SELECT priority, status, sum(tasks) AS tasks FROM current_task_counts WHERE machine = $1 "
                + "GROUP BY 1, 2 HAVING sum(tasks) <> 0", machine);
    }

    private Map<String, Long> counted(String machine) {
        return byPriorityAndStatus("SELECT priority, status, count(*) AS tasks FROM tasks WHERE machine = $1 GROUP BY 1, 2", machine);
    }

    private Map<String, Long> byPriorityAndStatus(String sql, String machine) {
        Map<String, Long> counts = new TreeMap<>();
        for (Row row : pool.preparedQuery(sql).execute(Tuple.of(machine)).await().atMost(WAIT)) {
            counts.put(row.getShort("priority") + " " + row.getString("status"), row.getLong("tasks"));
        }
        return counts;
    }

    private long count(String sql) {
        return pool.query(sql).execute().await().atMost(WAIT).iterator().next().getLong(0);
    }
}
