package com.rediacc.queue.tasks.maintenance;

import com.rediacc.queue.TestSupport;
import com.rediacc.queue.console.ConsoleQueries;
import com.rediacc.testsupport.Beside;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static com.rediacc.queue.TestSupport.admin;
import static com.rediacc.queue.TestSupport.bridge;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Archive and retention on the real PostgreSQL (docs/adr/0014). The maintenance runs of the test
 * profile archive nothing (archive-after and delete-after of 100 years): each test ends its own
 * tasks in a month of its own, long ago, and calls the archiver with a cutoff just after it.
 */
@QuarkusTest
class TaskArchiveTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    TaskArchiver archiver;
    @Inject
    Pool pool;
    @Inject
    ConsoleQueries console;

    @Test
    void movesTheTasksThatEndedBeforeTheCutoffInBatchesAndNothingElse() {
        String machine = TestSupport.registerMachine(1);
        Instant ended = Instant.parse("2015-03-10T12:00:00Z");
        List<String> old = List.of(cancelled(machine), cancelled(machine), cancelled(machine));
        old.forEach(id -> endedAt(id, ended));
        String recent = cancelled(machine);
        endedAt(recent, Instant.parse("2015-04-02T00:00:00Z"));
        String pending = TestSupport.createTask(machine, "sleep 1", 3);
        sql("UPDATE tasks SET created_at = $2 WHERE task_id = $1", UUID.fromString(pending), offset(ended.minusSeconds(3600)));
        String busy = TestSupport.registerMachine(1);
        String running = TestSupport.createTask(busy, "sleep 1", 3);
        claimAndStart(busy, running);
        Instant cutoff = Instant.parse("2015-04-01T00:00:00Z");
        drainBefore(Instant.parse("2015-01-01T00:00:00Z"));

        assertThat(archiver.createMonths(cutoff).await().atMost(WAIT)).contains("tasks_archive_y2015m03");
        assertThat(archiver.moveBatch(cutoff, 2).await().atMost(WAIT)).isEqualTo(2);
        assertThat(archived(old)).hasSize(2);
        assertThat(archiver.moveBatch(cutoff, 2).await().atMost(WAIT)).isEqualTo(1);
        assertThat(archiver.moveBatch(cutoff, 2).await().atMost(WAIT)).isZero();

        assertThat(archived(old)).containsExactlyInAnyOrderElementsOf(old);
        assertThat(hot(old)).isEmpty();
        assertThat(count("SELECT count(*) FROM task_history WHERE task_id = ANY($1)", (Object) ids(old))).isZero();
        assertThat(hot(List.of(recent, pending, running))).containsExactlyInAnyOrder(recent, pending, running);
        assertThat(archived(List.of(recent, pending, running))).isEmpty();
        assertThat(admin().get("/api/v1/tasks/" + running).then().statusCode(200).extract().<String>path("status"))
                .isEqualTo("PROCESSING");
    }

    @Test
    void aMovedTaskReadsAsBeforeAndIsListedWithTheArchive() {
        String machine = TestSupport.registerMachine(1);
        String completed = TestSupport.createTask(machine, "echo hello", 2);
        Map<String, Object> claim = claimAndStart(machine, completed);
        bridge().body(Map.of("leaseToken", claim.get("leaseToken"), "outcome", "SUCCEEDED", "exitCode", 0, "output", "hello\n"))
                .post("/api/v1/bridge/tasks/" + completed + "/finish").then().statusCode(204);
        String failed = cancelled(machine);
        Instant ended = Instant.parse("2016-07-20T08:00:00Z");
        endedAt(completed, ended);
        endedAt(failed, ended.plusSeconds(60));
        Map<String, Object> task = get(completed).getMap("$");
        String history = admin().get("/api/v1/tasks/" + completed + "/history").then().statusCode(200).extract().asString();
        String output = admin().get("/api/v1/tasks/" + completed + "/output").then().statusCode(200).extract().asString();

        Instant cutoff = Instant.parse("2016-08-01T00:00:00Z");
        drainBefore(Instant.parse("2016-01-01T00:00:00Z"));
        archiver.createMonths(cutoff).await().atMost(WAIT);
        assertThat(archiver.moveBatch(cutoff, 100).await().atMost(WAIT)).isEqualTo(2);
        assertThat(archived(List.of(completed, failed))).hasSize(2);

        Map<String, Object> after = get(completed).getMap("$");
        assertThat(after.remove("archived")).isEqualTo(true);
        assertThat(after).isEqualTo(task);
        assertThat(task).doesNotContainKey("archived");
        assertThat(admin().get("/api/v1/tasks/" + completed + "/history").then().statusCode(200).extract().asString())
                .isEqualTo(history).contains("PROCESSING").contains("COMPLETED");
        assertThat(admin().get("/api/v1/tasks/" + completed + "/output").then().statusCode(200).extract().asString())
                .isEqualTo(output).isEqualTo("hello\n");
        // The console's task page: the detail says archived, the output it follows is there.
        assertThat(admin().get("/api/v1/console/tasks/" + completed).then().statusCode(200).extract().<Boolean>path("archived"))
                .isTrue();
        assertThat(console.output(UUID.fromString(completed), 0, 1000).await().atMost(WAIT).chunk()).isEqualTo("hello\n");

        List<String> listed = admin().queryParam("archived", "true").queryParam("machine", machine).get("/api/v1/tasks")
                .then().statusCode(200).extract().path("items.taskId");
        assertThat(listed).containsExactly(failed, completed);
        String cursor = admin().queryParam("archived", "true").queryParam("machine", machine).queryParam("limit", 1)
                .get("/api/v1/tasks").then().statusCode(200).extract().path("nextCursor");
        List<String> page = admin().queryParam("archived", "true").queryParam("machine", machine).queryParam("limit", 1)
                .queryParam("cursor", cursor).get("/api/v1/tasks").then().statusCode(200).extract().path("items.taskId");
        assertThat(page).containsExactly(completed);
        assertThat(admin().queryParam("archived", "true").queryParam("machine", machine).queryParam("status", "COMPLETED")
                .get("/api/v1/tasks").then().statusCode(200).extract().<List<String>>path("items.taskId"))
                .containsExactly(completed);
        assertThat(admin().queryParam("machine", machine).get("/api/v1/tasks").then().statusCode(200)
                .extract().<List<String>>path("items.taskId")).isEmpty();

        // A viewer of another team sees neither, as for hot tasks.
        String stranger = TestSupport.userWithRole("archive-others", "VIEWER");
        TestSupport.as(stranger).get("/api/v1/tasks/" + completed).then().statusCode(404);
        assertThat(TestSupport.as(stranger).queryParam("archived", "true").queryParam("machine", machine)
                .get("/api/v1/tasks").then().statusCode(200).extract().<List<String>>path("items")).isEmpty();

        // A retry of an archived task is a hot task that names it.
        String retry = admin().post("/api/v1/tasks/" + failed + "/retry").then().statusCode(201).extract().path("taskId");
        assertThat(get(retry).getString("retriedFrom")).isEqualTo(failed);
    }

    @Test
    void aBadArchivedFlagIsRefusedNamingIt() {
        admin().queryParam("archived", "maybe").get("/api/v1/tasks").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", org.hamcrest.Matchers.equalTo("archived"));
    }

    @Test
    void aTaskWhoseGroupStillRunsStaysAndAFreshIdempotencyKeyKeepsItsTask() {
        String machine = TestSupport.registerMachine(1);
        String grouped = cancelled(machine);
        UUID group = UUID.randomUUID();
        sql("INSERT INTO task_groups (group_id, team, status, command, max_parallel, tasks, created_by) "
                + "VALUES ($1, 'ops', 'RUNNING', 'true', 1, 1, 'test')", group);
        sql("UPDATE tasks SET group_id = $2 WHERE task_id = $1", UUID.fromString(grouped), group);
        String keyed = admin().body(Map.of("machine", machine, "command", "true", "idempotencyKey", "k-" + UUID.randomUUID()))
                .post("/api/v1/tasks").then().statusCode(201).extract().path("taskId");
        admin().post("/api/v1/tasks/" + keyed + "/cancel").then().statusCode(200);
        Instant ended = Instant.parse("2017-05-05T00:00:00Z");
        endedAt(grouped, ended);
        endedAt(keyed, ended);
        Instant cutoff = Instant.parse("2017-06-01T00:00:00Z");
        drainBefore(Instant.parse("2017-01-01T00:00:00Z"));
        archiver.createMonths(cutoff).await().atMost(WAIT);

        assertThat(archiver.moveBatch(cutoff, 100).await().atMost(WAIT)).isZero();

        sql("UPDATE task_groups SET status = 'CANCELLED' WHERE group_id = $1", group);
        sql("UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE task_id = $1", UUID.fromString(keyed));
        assertThat(archiver.moveBatch(cutoff, 100).await().atMost(WAIT)).isEqualTo(2);
        assertThat(archived(List.of(grouped, keyed))).hasSize(2);
        assertThat(count("SELECT count(*) FROM idempotency_keys WHERE task_id = $1", UUID.fromString(keyed))).isZero();
    }

    @Test
    void dropsWholeExpiredMonthsAndNothingElse() {
        String machine = TestSupport.registerMachine(1);
        String january = cancelled(machine);
        String february = cancelled(machine);
        String hot = cancelled(machine);
        endedAt(january, Instant.parse("2011-01-31T23:59:59Z"));
        endedAt(february, Instant.parse("2011-02-01T00:00:00Z"));
        endedAt(hot, Instant.parse("2011-02-15T00:00:00Z"));
        drainBefore(Instant.parse("2011-01-01T00:00:00Z"));
        archiver.createMonths(Instant.parse("2011-02-10T00:00:00Z")).await().atMost(WAIT);
        assertThat(archiver.moveBatch(Instant.parse("2011-02-10T00:00:00Z"), 100).await().atMost(WAIT)).isEqualTo(2);

        // February has not ended before 2011-02-28T23:59: only January goes, as a whole table.
        assertThat(archiver.dropMonths(Instant.parse("2011-02-28T23:59:00Z")).await().atMost(WAIT))
                .containsExactly("tasks_archive_y2011m01");
        assertThat(archiver.dropMonths(Instant.parse("2011-02-28T23:59:00Z")).await().atMost(WAIT)).isEmpty();
        assertThat(count("SELECT count(*) FROM pg_class WHERE relname = 'tasks_archive_y2011m01'")).isZero();

        admin().get("/api/v1/tasks/" + january).then().statusCode(404);
        assertThat(get(february).getBoolean("archived")).isTrue();
        assertThat(get(hot).getMap("$")).doesNotContainKey("archived");
    }

    @Test
    void replicasArchivingAtOnceMoveEachTaskOnce() throws Exception {
        String machine = TestSupport.registerMachine(1);
        int tasks = 600;
        sql("""
                INSERT INTO tasks (task_id, team, machine, command, status, priority, created_by, completed_at)
                SELECT gen_random_uuid(), 'ops', $1, 'true', 'COMPLETED', 3, 'test',
                       timestamptz '2018-09-01 00:00Z' + g * interval '1 minute'
                FROM generate_series(1, $2) g""", machine, tasks);
        Instant cutoff = Instant.parse("2018-12-01T00:00:00Z");
        drainBefore(Instant.parse("2018-01-01T00:00:00Z"));

        List<CompletableFuture<Integer>> replicas = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            replicas.add(Beside.supply(() -> {
                archiver.createMonths(cutoff).await().atMost(WAIT);
                int moved = 0;
                for (int n; (n = archiver.moveBatch(cutoff, 50).await().atMost(WAIT)) > 0; ) {
                    moved += n;
                }
                return moved;
            }));
        }
        int moved = 0;
        for (CompletableFuture<Integer> replica : replicas) {
            moved += replica.get();
        }

        assertThat(moved).isEqualTo(tasks);
        assertThat(count("SELECT count(*) FROM tasks WHERE machine = $1", machine)).isZero();
        assertThat(count("SELECT count(*) FROM tasks_archive WHERE machine = $1", machine)).isEqualTo(tasks);
        assertThat(count("SELECT count(DISTINCT task_id) FROM tasks_archive WHERE machine = $1", machine)).isEqualTo(tasks);
        assertThat(count("SELECT count(*) FROM pg_class WHERE relname IN ('tasks_archive_y2018m09', "
                + "'tasks_archive_y2018m10', 'tasks_archive_y2018m11', 'tasks_archive_y2018m12')")).isEqualTo(4);
    }

    /** Archives what earlier tests left ending before {@code cutoff}, so that a test counts only its own moves. */
    private void drainBefore(Instant cutoff) {
        archiver.createMonths(cutoff).await().atMost(WAIT);
        while (archiver.moveBatch(cutoff, 1000).await().atMost(WAIT) > 0) {
            // again
        }
    }

    private static String cancelled(String machine) {
        String id = TestSupport.createTask(machine, "true", 3);
        admin().post("/api/v1/tasks/" + id + "/cancel").then().statusCode(200);
        return id;
    }

    private static Map<String, Object> claimAndStart(String machine, String taskId) {
        List<Map<String, Object>> claimed = bridge()
                .body(Map.of("machine", machine, "bridgeId", "test-bridge", "tags", List.of(), "max", 1))
                .post("/api/v1/bridge/claims").then().statusCode(200).extract().path("$");
        assertThat(claimed).hasSize(1);
        Map<String, Object> claim = claimed.getFirst();
        assertThat(claim.get("taskId")).isEqualTo(taskId);
        bridge().body(Map.of("leaseToken", claim.get("leaseToken"))).post("/api/v1/bridge/tasks/" + taskId + "/start")
                .then().statusCode(204);
        return claim;
    }

    private static JsonPath get(String id) {
        return admin().get("/api/v1/tasks/" + id).then().statusCode(200).extract().jsonPath();
    }

    private void endedAt(String taskId, Instant at) {
        sql("UPDATE tasks SET completed_at = $2 WHERE task_id = $1", UUID.fromString(taskId), offset(at));
    }

    private List<String> archived(List<String> ids) {
        return strings("SELECT task_id::text FROM tasks_archive WHERE task_id = ANY($1)", (Object) ids(ids));
    }

    private List<String> hot(List<String> ids) {
        return strings("SELECT task_id::text FROM tasks WHERE task_id = ANY($1)", (Object) ids(ids));
    }

    private static UUID[] ids(List<String> ids) {
        return ids.stream().map(UUID::fromString).toArray(UUID[]::new);
    }

    private static java.time.OffsetDateTime offset(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }

    private void sql(String sql, Object... params) {
        pool.preparedQuery(sql).execute(Tuple.from(params)).await().atMost(WAIT);
    }

    private long count(String sql, Object... params) {
        return pool.preparedQuery(sql).execute(Tuple.from(params)).await().atMost(WAIT).iterator().next().getLong(0);
    }

    private List<String> strings(String sql, Object... params) {
        List<String> values = new ArrayList<>();
        for (Row row : pool.preparedQuery(sql).execute(Tuple.from(params)).await().atMost(WAIT)) {
            values.add(row.getString(0));
        }
        return values;
    }
}
