package com.rediacc.queue.audit;

import com.rediacc.queue.TestSupport;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.rediacc.queue.TestSupport.admin;
import static com.rediacc.queue.TestSupport.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;

/** The audit trail against the real PostgreSQL: one record per mutating call, append-only, visible to admins. */
@QuarkusTest
class AuditTrailTest {
    @Inject
    Pool pool;

    @Test
    void everyMutatingCallLeavesExactlyOneRecordWhateverItsOutcome() {
        String team = TestSupport.ensureTeam("audit-" + UUID.randomUUID().toString().substring(0, 6));
        String machine = TestSupport.registerMachine(team, 1);
        String viewer = TestSupport.userWithRole(team, "VIEWER");

        String created = send(admin(), "POST", "/api/v1/tasks", Map.of("machine", machine, "command", "true"), 201);
        String taskId = admin().get("/api/v1/tasks?machine=" + machine).then().extract().path("items[0].taskId");
        String denied = send(as(viewer), "POST", "/api/v1/tasks/" + taskId + "/cancel", Map.of(), 403);
        String anonymous = send(RestAssured.given().contentType("application/json"), "POST", "/api/v1/tasks",
                Map.of("machine", machine, "command", "true"), 401);
        String invalid = send(admin(), "POST", "/api/v1/tasks", Map.of("machine", machine), 400);
        String read = send(admin(), "GET", "/api/v1/tasks/" + taskId, null, 200);

        assertThat(records(created)).singleElement().satisfies(r -> {
            assertThat(r.get("actor")).isEqualTo("bootstrap-admin");
            assertThat(r.get("team")).isEqualTo(team);
            assertThat(r.get("action")).isEqualTo("task.create");
            assertThat(r.get("target")).isEqualTo("task/" + taskId);
            assertThat(r.get("result")).isEqualTo("OK");
            assertThat(r.get("status")).isEqualTo(201);
        });
        assertThat(records(denied)).singleElement().satisfies(r -> {
            assertThat(r.get("action")).isEqualTo("task.cancel");
            assertThat(r.get("result")).isEqualTo("DENIED");
            assertThat(r.get("status")).isEqualTo(403);
            assertThat(r.get("actor")).isNotEqualTo("bootstrap-admin");
        });
        assertThat(records(anonymous)).singleElement().satisfies(r -> {
            assertThat(r.get("actor")).isEqualTo("anonymous");
            assertThat(r.get("result")).isEqualTo("DENIED");
        });
        assertThat(records(invalid)).singleElement().satisfies(r -> assertThat(r.get("result")).isEqualTo("REJECTED"));
        assertThat(records(read)).isEmpty();
    }

    @Test
    void aRepeatedIdempotentCreateAndARefusedOneAreRecordedOnceEach() {
        String team = TestSupport.ensureTeam("audit-" + UUID.randomUUID().toString().substring(0, 6));
        String machine = TestSupport.registerMachine(team, 1);
        Map<String, Object> body = Map.of("machine", machine, "command", "true", "idempotencyKey", "k-" + UUID.randomUUID());

        String first = send(admin(), "POST", "/api/v1/tasks", body, 201);
        String repeat = send(admin(), "POST", "/api/v1/tasks", body, 200);
        String unknown = send(admin(), "POST", "/api/v1/tasks", Map.of("machine", "no-such-" + machine, "command", "true"), 404);

        String taskId = admin().get("/api/v1/tasks?machine=" + machine).then().extract().path("items[0].taskId");
        assertThat(records(first)).singleElement().satisfies(r -> assertThat(r).containsEntry("status", 201)
                .containsEntry("target", "task/" + taskId).containsEntry("team", team));
        assertThat(records(repeat)).singleElement().satisfies(r -> assertThat(r).containsEntry("status", 200)
                .containsEntry("target", "task/" + taskId).containsEntry("result", "OK"));
        assertThat(records(unknown)).singleElement().satisfies(r -> assertThat(r).containsEntry("status", 404)
                .containsEntry("action", "task.create").containsEntry("result", "REJECTED"));
    }

    /**
     * A task and the record of the call that created it are one transaction: when the record cannot
     * be stored (a trigger refuses this one request id), no task is stored either.
     */
    @Test
    void noTaskIsStoredWhoseCreationCouldNotBeRecorded() {
        String machine = TestSupport.registerMachine(1);
        String requestId = "refused-" + UUID.randomUUID();
        pool.query("""
                CREATE FUNCTION pg_temp_refuse_record() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.request_id = '%s' THEN RAISE EXCEPTION 'refused by the test'; END IF;
                    RETURN NEW;
                END $$""".formatted(requestId)).execute().await().indefinitely();
        pool.query("CREATE TRIGGER refuse_one_record BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION pg_temp_refuse_record()")
                .execute().await().indefinitely();
        try {
            admin().header("X-Request-Id", requestId).body(Map.of("machine", machine, "command", "true"))
                    .post("/api/v1/tasks").then().statusCode(500);
            // a call without the refused id still goes through, in the same batch machinery
            admin().body(Map.of("machine", machine, "command", "echo ok")).post("/api/v1/tasks").then().statusCode(201);
        } finally {
            pool.query("DROP TRIGGER refuse_one_record ON audit_log").execute().await().indefinitely();
            pool.query("DROP FUNCTION pg_temp_refuse_record()").execute().await().indefinitely();
        }
        List<String> commands = admin().get("/api/v1/tasks?machine=" + machine).then().statusCode(200)
                .extract().path("items.command");
        assertThat(commands).containsExactly("echo ok");
        assertThat(records(requestId)).isEmpty();
    }

    @Test
    void teamAdminsReadTheirTeamsRecordsOnlyAndOthersCannotReadAny() {
        String team = TestSupport.ensureTeam("audit-" + UUID.randomUUID().toString().substring(0, 6));
        String other = TestSupport.ensureTeam("audit-" + UUID.randomUUID().toString().substring(0, 6));
        String teamAdmin = TestSupport.userWithRole(team, "ADMIN");
        String operator = TestSupport.userWithRole(team, "OPERATOR");
        TestSupport.registerMachine(team, 1);
        TestSupport.registerMachine(other, 1);

        List<String> teams = as(teamAdmin).get("/api/v1/audit?limit=1000").then().statusCode(200)
                .extract().path("items.team");
        assertThat(teams).isNotEmpty().containsOnly(team);
        as(teamAdmin).get("/api/v1/audit?team=" + other).then().statusCode(404);
        as(operator).get("/api/v1/audit?team=" + team).then().statusCode(403);
        as(operator).get("/api/v1/audit").then().statusCode(403);
        admin().get("/api/v1/audit?team=" + other).then().statusCode(200).body("items[0].team", equalTo(other));
        admin().get("/api/v1/audit?since=yesterday").then().statusCode(400);
    }

    @Inject
    AuditWriter writer;

    @Test
    void concurrentRecordsAreEachStoredOnceWhenTheirAppendCompletes() {
        String prefix = "burst-" + UUID.randomUUID() + "-";
        List<io.smallrye.mutiny.Uni<Void>> appends = new java.util.ArrayList<>();
        for (int i = 0; i < 1200; i++) {
            appends.add(writer.append(new AuditWriter.NewRecord("tester", null, "test.burst", "n/" + i, 200, prefix + i)));
        }
        io.smallrye.mutiny.Uni.join().all(appends).andFailFast().await().atMost(java.time.Duration.ofSeconds(60));
        var rows = pool.preparedQuery("SELECT count(*), count(DISTINCT request_id) FROM audit_log WHERE request_id LIKE $1")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(prefix + "%")).await().indefinitely().iterator().next();
        assertThat(rows.getLong(0)).isEqualTo(1200);
        assertThat(rows.getLong(1)).isEqualTo(1200);
    }

    @Test
    void theDatabaseRefusesToChangeOrRemoveARecord() {
        TestSupport.ensureTeam("audit-" + UUID.randomUUID().toString().substring(0, 6));
        assertThatThrownBy(() -> pool.query("UPDATE audit_log SET actor = 'someone-else'").execute().await().indefinitely())
                .hasMessageContaining("append-only");
        assertThatThrownBy(() -> pool.query("DELETE FROM audit_log").execute().await().indefinitely())
                .hasMessageContaining("append-only");
        assertThatThrownBy(() -> pool.query("TRUNCATE audit_log").execute().await().indefinitely())
                .hasMessageContaining("append-only");
    }

    @Test
    void recordsNeverHoldTheSecretsOfTheCallsTheyDescribe() {
        String name = "u-" + UUID.randomUUID().toString().substring(0, 8);
        String token = admin().body(Map.of("name", name)).post("/api/v1/users").then().statusCode(201).extract().path("token");
        String dump = pool.query("SELECT string_agg(audit_log::text, E'\\n') FROM audit_log").execute()
                .await().indefinitely().iterator().next().getString(0);
        assertThat(dump).contains("user/" + name).doesNotContain(token).doesNotContain(token.substring(4));
    }

    /** Sends one call with its own request id and returns that id. */
    private static String send(io.restassured.specification.RequestSpecification spec, String method, String path,
                               Object body, int expectedStatus) {
        String requestId = "t-" + UUID.randomUUID();
        spec = spec.header("X-Request-Id", requestId);
        if (body != null) {
            spec = spec.body(body);
        }
        Response response = spec.request(method, path);
        assertThat(response.statusCode()).as(method + " " + path).isEqualTo(expectedStatus);
        if (!method.equals("GET")) {
            assertThat(response.header("X-Request-Id")).isEqualTo(requestId);
        }
        return requestId;
    }

    /** The records of one request, reading every page of the trail. */
    private static List<Map<String, Object>> records(String requestId) {
        List<Map<String, Object>> found = new java.util.ArrayList<>();
        String cursor = "";
        do {
            var page = admin().get("/api/v1/audit?limit=1000&cursor=" + cursor).then().statusCode(200).extract();
            List<Map<String, Object>> items = page.path("items");
            items.stream().filter(r -> requestId.equals(r.get("requestId"))).forEach(found::add);
            cursor = page.path("nextCursor");
        } while (cursor != null);
        return found;
    }
}
