package com.rediacc.queue.bridge;

import com.rediacc.queue.TestSupport;
import com.rediacc.testsupport.Beside;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static com.rediacc.queue.TestSupport.admin;
import static com.rediacc.queue.TestSupport.bridge;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** POST /bridge/reports against the real PostgreSQL: several tasks' starts and results in one call. */
@QuarkusTest
class TaskReportsTest {

    @Test
    void eachReportIsJudgedAsItsOwnCallWouldBeAndAnsweredInOrder() {
        String machine = TestSupport.registerMachine(4);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ids.add(TestSupport.createTask(machine, "echo " + i, 2));
        }
        Map<String, Long> tokens = claim(machine, 4);
        String started = ids.get(0), finished = ids.get(1), stale = ids.get(2), untouched = ids.get(3);
        bridge().body(Map.of("leaseToken", tokens.get(finished))).post("/api/v1/bridge/tasks/" + finished + "/start")
                .then().statusCode(204);
        String unknown = UUID.randomUUID().toString();

        List<Map<String, Object>> answers = reports(List.of(
                start(started, tokens.get(started)),
                finish(finished, tokens.get(finished), "SUCCEEDED", 0, "out of " + finished + "\n"),
                start(stale, tokens.get(stale) + 1000),
                start(unknown, 1))).then().statusCode(200).extract().path("$");

        assertThat(answers).extracting(answer -> answer.get("accepted")).containsExactly(true, true, false, false);
        assertThat((String) answers.get(2).get("detail")).contains("lease");
        assertThat((String) answers.get(3).get("detail")).contains(unknown);
        admin().get("/api/v1/tasks/" + started).then().body("status", equalTo("PROCESSING")).body("attempts", equalTo(1));
        admin().get("/api/v1/tasks/" + finished).then().body("status", equalTo("COMPLETED")).body("exitCode", equalTo(0))
                .body("output", equalTo("out of " + finished + "\n"));
        assertThat(history(finished, "to")).containsExactly("PENDING", "ASSIGNED", "PROCESSING", "COMPLETED");
        assertThat(history(finished, "actor")).last().isEqualTo("bridge:test-bridge");
        admin().get("/api/v1/tasks/" + stale).then().body("status", equalTo("ASSIGNED")).body("attempts", equalTo(0));
        admin().get("/api/v1/tasks/" + untouched).then().body("status", equalTo("ASSIGNED"));
    }

    @Test
    void aBadCallIsRefusedWholeAndChangesNothing() {
        String machine = TestSupport.registerMachine(1);
        String id = TestSupport.createTask(machine, "true", 2);
        long token = claim(machine, 1).get(id);

        reports(List.of()).then().statusCode(400).body("detail", containsString("1 to 100 reports"));
        reports(List.of(start(id, token), finish(id, token, "SUCCEEDED", 0, ""))).then().statusCode(400)
                .body("errors[0].field", equalTo("reports[1].taskId"));
        Map<String, Object> both = new HashMap<>(start(id, token));
        both.put("finish", finish(id, token, "SUCCEEDED", 0, "").get("finish"));
        reports(List.of(start(UUID.randomUUID().toString(), 1), both)).then().statusCode(400)
                .body("errors[0].field", equalTo("reports[1]"));
        reports(List.of(Map.of("taskId", id, "finish", Map.of("leaseToken", token)))).then().statusCode(400)
                .body("errors[0].field", equalTo("reports[0].finish.outcome"));
        List<Map<String, Object>> tooMany = new ArrayList<>();
        tooMany.add(start(id, token));
        for (int i = 0; i < 100; i++) {
            tooMany.add(start(UUID.randomUUID().toString(), 1));
        }
        reports(tooMany).then().statusCode(400);

        admin().get("/api/v1/tasks/" + id).then().body("status", equalTo("ASSIGNED")).body("attempts", equalTo(0));
    }

    @Test
    void callsOnTheSameTasksInOppositeOrdersNeitherDeadlockNorDoubleAStart() throws Exception {
        String machine = TestSupport.registerMachine(20);
        for (int round = 0; round < 5; round++) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                ids.add(TestSupport.createTask(machine, "true", 2));
            }
            Map<String, Long> tokens = claim(machine, 20);
            List<Map<String, Object>> forward = ids.stream().map(id -> start(id, tokens.get(id))).toList();
            List<Map<String, Object>> backward = new ArrayList<>(forward);
            Collections.reverse(backward);

            CompletableFuture<Response> first = Beside.supply(() -> reports(forward));
            CompletableFuture<Response> second = Beside.supply(() -> reports(backward));
            List<Boolean> one = accepted(first.get(60, TimeUnit.SECONDS));
            List<Boolean> other = accepted(second.get(60, TimeUnit.SECONDS)).reversed();
            for (int i = 0; i < ids.size(); i++) {
                assertThat(one.get(i) ^ other.get(i)).as("task %s started by exactly one call", ids.get(i)).isTrue();
                admin().get("/api/v1/tasks/" + ids.get(i)).then().body("status", equalTo("PROCESSING"))
                        .body("attempts", equalTo(1));
            }
            for (String id : ids) {
                bridge().body(Map.of("leaseToken", tokens.get(id), "outcome", "SUCCEEDED", "exitCode", 0))
                        .post("/api/v1/bridge/tasks/" + id + "/finish").then().statusCode(204);
            }
        }
    }

    private static List<Boolean> accepted(Response response) {
        response.then().statusCode(200);
        return response.jsonPath().getList("accepted", Boolean.class);
    }

    private static Response reports(List<Map<String, Object>> reports) {
        return bridge().header(BridgeResource.BRIDGE_ID_HEADER, "test-bridge").body(Map.of("reports", reports))
                .post("/api/v1/bridge/reports");
    }

    private static Map<String, Object> start(String id, long token) {
        return Map.of("taskId", id, "start", Map.of("leaseToken", token));
    }

    private static Map<String, Object> finish(String id, long token, String outcome, int exitCode, String output) {
        return Map.of("taskId", id, "finish", Map.of("leaseToken", token, "outcome", outcome, "exitCode", exitCode,
                "output", output, "outputTruncated", false));
    }

    private static Map<String, Long> claim(String machine, int max) {
        List<Map<String, Object>> claimed = bridge()
                .body(Map.of("machine", machine, "bridgeId", "test-bridge", "tags", List.of(), "max", max))
                .post("/api/v1/bridge/claims").then().statusCode(200).extract().path("$");
        assertThat(claimed).hasSize(max);
        Map<String, Long> tokens = new HashMap<>();
        claimed.forEach(task -> tokens.put((String) task.get("taskId"), ((Number) task.get("leaseToken")).longValue()));
        return tokens;
    }

    private static List<String> history(String id, String field) {
        return admin().get("/api/v1/tasks/" + id + "/history").then().statusCode(200).extract().path("items." + field);
    }
}
