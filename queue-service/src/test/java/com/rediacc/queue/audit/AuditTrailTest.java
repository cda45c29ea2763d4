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
