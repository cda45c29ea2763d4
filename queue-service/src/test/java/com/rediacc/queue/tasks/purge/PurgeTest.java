package com.rediacc.queue.tasks.purge;

import com.rediacc.contract.events.Topics;
import com.rediacc.queue.KafkaProbe;
import com.rediacc.queue.TestSupport;
import com.rediacc.queue.tasks.PurgeFilter;
import com.rediacc.queue.tasks.TaskStatus;
import com.rediacc.testsupport.Beside;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import static com.rediacc.queue.TestSupport.admin;
import static com.rediacc.queue.TestSupport.bridge;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/**
 * POST /tasks/purge on the real PostgreSQL and Kafka: every match cancelled through slices of 40
 * (the test profile's), with its history, its task.cancelled event and the counts kept right; a
 * running task asked to stop; nothing outside the filter, the caller's teams or the purge's upTo
 * touched; bad filters refused whole; and a purge racing claims never cancels a claimed task.
 */
@QuarkusTest
class PurgeTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    Pool pool;
    @Inject
    TaskPurge purge;

    @Inject
    ObjectMapper json;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void cancelsEveryMatchWithHistoryEventsAndCounts() {
        String machine = TestSupport.registerMachine(2);
        String other = TestSupport.registerMachine(1);
        List<String> pending = createTasks(machine, 250, 3);
        createTasks(other, 20, 3);
        List<Map<String, Object>> claimed = bridge().body(Map.of("machine", machine, "bridgeId", "b1", "max", 2))
                .post("/api/v1/bridge/claims").then().statusCode(200).extract().path("$");
        String running = (String) claimed.get(0).get("taskId");
        long token = ((Number) claimed.get(0).get("leaseToken")).longValue();
        bridge().body(Map.of("leaseToken", token)).post("/api/v1/bridge/tasks/" + running + "/start").then().statusCode(204);

        admin().body(Map.of("machine", machine, "dryRun", true)).post("/api/v1/tasks/purge").then().statusCode(200)
                .body("dryRun", equalTo(true)).body("matched", equalTo(250)).body("done", equalTo(true));
        assertThat(statuses(machine)).containsEntry("PENDING", 248L);

        try (KafkaProbe probe = new KafkaProbe(bootstrap, List.of(Topics.TASK_EVENTS))) {
            ValidatableResponse purged = admin().body(Map.of("machine", machine)).post("/api/v1/tasks/purge").then()
                    .statusCode(200).body("done", equalTo(true)).body("cancelled", equalTo(249))
                    .body("cancelRequested", equalTo(1));
            Map<String, Integer> byStatus = purged.extract().path("byStatus");
            assertThat(byStatus.get("PENDING") + byStatus.getOrDefault("ASSIGNED", 0)).isEqualTo(249);
            // the running task is asked to stop, as a single cancel asks it: its bridge learns so from its
            // next heartbeat and kills the remote command (or, its lease lost, it ends CANCELLED unconfirmed)
            assertThat(count("SELECT count(*) FROM tasks WHERE task_id = $1::uuid AND (cancel_requested OR status = 'CANCELLED')",
                    running)).isEqualTo(1);
            Set<String> cancelled = new HashSet<>(pending);
            cancelled.remove(running);
            List<ConsumerRecord<String, String>> events = probe.await(r -> cancelled.contains(r.key())
                    && r.value().contains("\"rediacc.task.cancelled\""), 249, WAIT);
            assertThat(events.stream().map(ConsumerRecord::key).distinct().count()).isEqualTo(249);
        }
        Map<String, Long> after = statuses(machine);
        assertThat(after.get("CANCELLED") + after.getOrDefault("PROCESSING", 0L)).isEqualTo(250);
        assertThat(statuses(other)).isEqualTo(Map.of("PENDING", 20L));
        String one = pending.stream().filter(id -> !id.equals(running)).findFirst().orElseThrow();
        admin().get("/api/v1/tasks/" + one + "/history").then().statusCode(200)
                .body("items.to", hasItem("CANCELLED")).body("items.actor", hasItem("bootstrap-admin"));
        assertThat(count("""
                SELECT count(*) FROM (SELECT team, machine, priority, status, sum(tasks) AS tasks FROM current_task_counts
                                      WHERE machine = $1 GROUP BY 1, 2, 3, 4 HAVING sum(tasks) <> 0) c
                FULL JOIN (SELECT team, machine, priority, status, count(*) AS tasks FROM tasks WHERE machine = $1
                           GROUP BY 1, 2, 3, 4) t USING (team, machine, priority, status)
                WHERE c.tasks IS DISTINCT FROM t.tasks""", machine)).as("counts kept = counted").isZero();
        assertThat(count("SELECT count(*) FROM audit_log WHERE action = 'task.purge' AND target LIKE $1",
                "%machine=" + machine + ": 249 cancelled, 1 cancel requested%")).isEqualTo(1);
        // nothing left: a second purge cancels nothing
        admin().body(Map.of("machine", machine)).post("/api/v1/tasks/purge").then().statusCode(200)
                .body("cancelled", equalTo(0)).body("done", equalTo(true));
    }

    @Test
    void aPurgedTaskIsWhatASingleCancelMakesOfIt() throws Exception {
        String machine = TestSupport.registerMachine(1);
        List<String> ids = createTasks(machine, 2, 3);
        String single = ids.get(0);
        String purged = ids.get(1);
        try (KafkaProbe probe = new KafkaProbe(bootstrap, List.of(Topics.TASK_EVENTS))) {
            admin().post("/api/v1/tasks/" + single + "/cancel").then().statusCode(200);
            admin().body(Map.of("machine", machine)).post("/api/v1/tasks/purge").then().statusCode(200)
                    .body("cancelled", equalTo(1));
            Map<String, JsonNode> events = new HashMap<>();
            for (ConsumerRecord<String, String> r : probe.await(r -> ids.contains(r.key()), 2, WAIT)) {
                events.put(r.key(), json.readTree(r.value()));
            }
            assertThat(comparable(events.get(purged))).isEqualTo(comparable(events.get(single)));
            assertThat(Instant.parse(events.get(purged).path("time").asText())).isNotNull();
            assertThat(events.get(purged).path("subject").asText()).isEqualTo(purged);
        }
        String row = "SELECT status, error, cancel_requested, held, lease_owner, lease_token, lease_expires_at, remote_pid, "
                + "lost_since, not_before, retry_count, attempts, exit_code, output, completed_at IS NOT NULL, "
                + "(SELECT array_agg(ARRAY[from_status, to_status, actor, detail] ORDER BY id)::text "
                + " FROM task_history h WHERE h.task_id = t.task_id) FROM tasks t WHERE task_id = $1::uuid";
        assertThat(pool.preparedQuery(row).execute(Tuple.of(purged)).await().atMost(WAIT).iterator().next().deepToString())
                .isEqualTo(pool.preparedQuery(row).execute(Tuple.of(single)).await().atMost(WAIT).iterator().next().deepToString());
    }

    /** An event without what differs from task to task. */
    private static JsonNode comparable(JsonNode event) {
        ObjectNode copy = event.deepCopy();
        copy.remove(List.of("id", "time", "subject"));
        ((ObjectNode) copy.path("data")).remove("taskId");
        return copy;
    }

    @Test
    void leavesWhatIsOutsideTheFilterAndTasksQueuedAfterItsUpTo() {
        String machine = TestSupport.registerMachine(1);
        createTasks(machine, 30, 2);
        createTasks(machine, 30, 4);
        long upTo = admin().body(Map.of("machine", machine, "dryRun", true)).post("/api/v1/tasks/purge").then()
                .statusCode(200).extract().<Number>path("upTo").longValue();
        createTasks(machine, 10, 2);
        String withOnExit = admin().body(Map.of("machine", machine, "command", "true", "priority", 2,
                        "onExit", Map.of("command", "echo after")))
                .post("/api/v1/tasks").then().statusCode(201).extract().path("taskId");
        admin().body(Map.of("machine", machine, "priority", 2, "status", List.of("pending"), "upTo", upTo))
                .post("/api/v1/tasks/purge").then().statusCode(200).body("cancelled", equalTo(30));
        assertThat(statuses(machine)).isEqualTo(Map.of("CANCELLED", 30L, "PENDING", 41L));

        // a purged task's onExit runs as after any end; the follow-up is queued after the purge began
        admin().body(Map.of("machine", machine, "priority", 2)).post("/api/v1/tasks/purge").then().statusCode(200)
                .body("cancelled", equalTo(11));
        assertThat(count("SELECT count(*) FROM tasks WHERE on_exit_of = $1::uuid AND status = 'PENDING'", withOnExit))
                .isEqualTo(1);
        admin().body(Map.of("machine", machine, "createdBefore", "2000-01-01T00:00:00Z")).post("/api/v1/tasks/purge")
                .then().statusCode(200).body("cancelled", equalTo(0));
        assertThat(statuses(machine)).isEqualTo(Map.of("CANCELLED", 41L, "PENDING", 31L));
    }

    @Test
    void aPurgeStoppedAfterEachSliceIsFinishedByCallingAgainWithItsUpTo() {
        String machine = TestSupport.registerMachine(1);
        createTasks(machine, 100, 3);
        long upTo = purge.upToNow().await().atMost(WAIT);
        createTasks(machine, 5, 3);
        PurgeFilter filter = new PurgeFilter(List.of(TaskStatus.PENDING), machine, null, null, null, null, upTo);
        // No budget: one slice (40 in tests) a call, each committed; as a call cut short by its deadline,
        // a crash or a restart of queue-service leaves it.
        List<Long> cancelled = new ArrayList<>();
        PurgeResult result;
        do {
            result = purge.purge(filter, null, "test", Duration.ZERO).await().atMost(WAIT);
            cancelled.add(result.cancelled());
            assertThat(statuses(machine).get("CANCELLED")).isEqualTo(cancelled.stream().mapToLong(Long::longValue).sum());
        } while (!result.done());
        assertThat(cancelled).containsExactly(40L, 40L, 20L, 0L);
        assertThat(statuses(machine)).isEqualTo(Map.of("CANCELLED", 100L, "PENDING", 5L));
    }

    @Test
    void badFiltersAreRefusedWholeAndCancelNothing() {
        String machine = TestSupport.registerMachine(1);
        createTasks(machine, 5, 3);
        refused(Map.of(), "all");
        refused(Map.of("status", List.of("PENDING")), "all");
        refused(Map.of("machine", machine, "status", List.of("COMPLETED")), "status");
        refused(Map.of("machine", machine, "priority", 9), "priority");
        refused(Map.of("machine", machine, "createdBefore", "yesterday"), "createdBefore");
        refused(Map.of("machine", machine, "upTo", -1), "upTo");
        assertThat(statuses(machine)).isEqualTo(Map.of("PENDING", 5L));
    }

    @Test
    void aCallerPurgesOnlyWhatItsRoleAllows() {
        String team = "purge-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        String otherTeam = "purge-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        String mine = TestSupport.registerMachine(team, 1);
        String theirs = TestSupport.registerMachine(otherTeam, 1);
        createTasks(mine, 5, 3);
        createTasks(theirs, 5, 3);
        String operator = TestSupport.userWithRole(team, "OPERATOR");
        String viewer = TestSupport.userWithRole(team, "VIEWER");

        TestSupport.as(operator).body(Map.of("machine", theirs)).post("/api/v1/tasks/purge").then().statusCode(404);
        TestSupport.as(operator).body(Map.of("team", otherTeam)).post("/api/v1/tasks/purge").then().statusCode(404);
        TestSupport.as(operator).body(Map.of("all", true)).post("/api/v1/tasks/purge").then().statusCode(403);
        TestSupport.as(viewer).body(Map.of("machine", mine)).post("/api/v1/tasks/purge").then().statusCode(403);
        TestSupport.as(viewer).body(Map.of("priority", 3)).post("/api/v1/tasks/purge").then().statusCode(403);
        assertThat(statuses(mine)).isEqualTo(Map.of("PENDING", 5L));
        assertThat(statuses(theirs)).isEqualTo(Map.of("PENDING", 5L));

        // a filter without a team reaches only the caller's own teams
        TestSupport.as(operator).body(Map.of("priority", 3)).post("/api/v1/tasks/purge").then().statusCode(200)
                .body("cancelled", equalTo(5));
        assertThat(statuses(mine)).isEqualTo(Map.of("CANCELLED", 5L));
        assertThat(statuses(theirs)).isEqualTo(Map.of("PENDING", 5L));
        admin().body(Map.of("all", true, "dryRun", true)).post("/api/v1/tasks/purge").then().statusCode(200)
                .body("dryRun", equalTo(true));
    }

    @Test
    void aTaskIsEitherClaimedOrCancelledNeverBoth() throws Exception {
        String machine = TestSupport.registerMachine(256);
        List<String> ids = createTasks(machine, 400, 3);
        AtomicBoolean purging = new AtomicBoolean(true);
        CompletableFuture<Set<String>> claims = Beside.supply(() -> {
            Set<String> got = new HashSet<>();
            while (purging.get()) {
                List<Map<String, Object>> batch = bridge().body(Map.of("machine", machine, "bridgeId", "racer", "max", 5))
                        .post("/api/v1/bridge/claims").then().statusCode(200).extract().path("$");
                batch.forEach(task -> got.add((String) task.get("taskId")));
                if (batch.isEmpty()) {
                    break;
                }
            }
            return got;
        });
        int cancelled = admin().body(Map.of("machine", machine, "status", List.of("PENDING")))
                .post("/api/v1/tasks/purge").then().statusCode(200).extract().path("cancelled");
        purging.set(false);
        Set<String> claimed = claims.get(60, java.util.concurrent.TimeUnit.SECONDS);
        Map<String, String> status = new HashMap<>();
        for (Row row : pool.preparedQuery("SELECT task_id::text, status FROM tasks WHERE machine = $1")
                .execute(Tuple.of(machine)).await().atMost(WAIT)) {
            status.put(row.getString(0), row.getString(1));
        }
        assertThat(status.values().stream().filter("CANCELLED"::equals).count()).isEqualTo(cancelled);
        // A claim's task is never cancelled by a PENDING purge while the claim holds it: only once its
        // lease expired (3 s in tests) and it was PENDING again.
        assertThat(count("""
                SELECT count(*) FROM task_history h JOIN tasks t USING (task_id)
                WHERE t.machine = $1 AND h.to_status = 'CANCELLED' AND h.from_status <> 'PENDING'""", machine)).isZero();
        List<String> both = new ArrayList<>();
        for (String id : claimed) {
            if ("CANCELLED".equals(status.get(id)) && count("SELECT count(*) FROM task_history WHERE task_id = $1::uuid "
                    + "AND from_status = 'ASSIGNED' AND to_status = 'PENDING'", id) == 0) {
                both.add(id);
            }
        }
        assertThat(both).as("claimed and cancelled").isEmpty();
        assertThat(ids).allMatch(id -> claimed.contains(id) || "CANCELLED".equals(status.get(id)));
    }

    private static void refused(Map<String, Object> body, String field) {
        admin().body(body).post("/api/v1/tasks/purge").then().statusCode(400)
                .contentType("application/problem+json").body("errors.field", hasItem(field));
    }

    private static List<String> createTasks(String machine, int n, int priority) {
        List<Map<String, Object>> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            tasks.add(Map.of("machine", machine, "command", "echo " + i, "priority", priority));
        }
        List<String> ids = admin().body(Map.of("tasks", tasks)).post("/api/v1/tasks/batch").then().statusCode(200)
                .extract().path("results.task.taskId");
        assertThat(ids).hasSize(n);
        return ids;
    }

    /**
     * A purge's slice counts its own moves and sets rediacc.moves_counted for its transaction only (V25):
     * on the same connection, a move in a transaction that says so is left to its statement, and the
     * next transaction's moves are counted by the row trigger again.
     */
    @Test
    void theRowTriggerStandsAsideOnlyInTheTransactionThatSaysSo() {
        String machine = TestSupport.registerMachine(1);
        TestSupport.admin().post("/api/v1/machines/" + machine + "/pause").then().statusCode(200);
        List<String> ids = createTasks(machine, 2, 4);
        String cancel = "UPDATE tasks SET status = 'CANCELLED', completed_at = now() WHERE task_id = $1::uuid";
        pool.withConnection(c -> c.begin()
                        .chain(tx -> c.query("SELECT set_config('rediacc.moves_counted', 'by statement', true)").execute()
                                .chain(() -> c.preparedQuery(cancel).execute(Tuple.of(ids.get(0))))
                                .chain(tx::commit))
                        .chain(() -> c.preparedQuery(cancel).execute(Tuple.of(ids.get(1)))))
                .await().atMost(WAIT);
        Map<String, Long> kept = new HashMap<>();
        pool.preparedQuery("SELECT status, sum(tasks) FROM current_task_counts WHERE machine = $1 GROUP BY 1 HAVING sum(tasks) <> 0")
                .execute(Tuple.of(machine)).await().atMost(WAIT).forEach(row -> kept.put(row.getString(0), row.getLong(1)));
        assertThat(statuses(machine)).isEqualTo(Map.of("CANCELLED", 2L));
        assertThat(kept).as("the first move uncounted (its statement would have counted it), the second counted")
                .isEqualTo(Map.of("PENDING", 1L, "CANCELLED", 1L));
        // what the first statement would have written, so the counts are right again for the tests after
        pool.preparedQuery("INSERT INTO task_count_deltas VALUES ('ops', $1, 4, 'PENDING', -1), ('ops', $1, 4, 'CANCELLED', 1)")
                .execute(Tuple.of(machine)).await().atMost(WAIT);
        pool.query("INSERT INTO task_flow_deltas VALUES (date_trunc('minute', now()), 'ops', 0, 1)").execute().await().atMost(WAIT);
    }

    private Map<String, Long> statuses(String machine) {
        Map<String, Long> counts = new HashMap<>();
        for (Row row : pool.preparedQuery("SELECT status, count(*) FROM tasks WHERE machine = $1 GROUP BY 1")
                .execute(Tuple.of(machine)).await().atMost(WAIT)) {
            counts.put(row.getString(0), row.getLong(1));
        }
        return counts;
    }

    private long count(String sql, Object... params) {
        return pool.preparedQuery(sql).execute(Tuple.from(params)).await().atMost(WAIT).iterator().next().getLong(0);
    }
}
