package com.rediacc.queue.tasks;

import com.rediacc.queue.TestSupport;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static com.rediacc.queue.TestSupport.admin;
import static com.rediacc.queue.TestSupport.bridge;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/**
 * Queue semantics against the real PostgreSQL, driving the bridge protocol by hand: retries,
 * cancel, retry-as-new-task, idempotency, delays, tags, pause, stats.
 */
@QuarkusTest
class TaskSemanticsTest {

    @Test
    void failedAttemptsAreRetriedThenFail() {
        String machine = TestSupport.registerMachine(1);
        String id = create(Map.of("machine", machine, "command", "exit 3", "maxRetries", 2, "retryDelay", 0));
        admin().get("/api/v1/tasks/" + id).then().body("retryCount", equalTo(2)).body("maxRetries", equalTo(2));

        for (int attempt = 1; attempt <= 3; attempt++) {
            long token = claimOne(machine);
            start(id, token);
            finish(id, token, "FAILED", 3, "exit 3");
            String expected = attempt < 3 ? "PENDING" : "FAILED";
            admin().get("/api/v1/tasks/" + id).then()
                    .body("status", equalTo(expected))
                    .body("attempts", equalTo(attempt))
                    .body("retryCount", equalTo(Math.max(0, 2 - attempt)));
        }
        List<String> details = admin().get("/api/v1/tasks/" + id + "/history").then().extract().path("items.detail");
        assertThat(details).anySatisfy(d -> assertThat(d).contains("retry 1 of 2"))
                .anySatisfy(d -> assertThat(d).contains("retry 2 of 2"));
    }

    @Test
    void retryWaitsForItsDelay() {
        String machine = TestSupport.registerMachine(1);
        String id = create(Map.of("machine", machine, "command", "false", "maxRetries", 1, "retryDelay", 60));
        long token = claimOne(machine);
        start(id, token);
        Instant before = Instant.now();
        finish(id, token, "FAILED", 1, "exit 1");
        String notBefore = admin().get("/api/v1/tasks/" + id).then().body("status", equalTo("PENDING"))
                .extract().path("notBefore");
        assertThat(Duration.between(before, Instant.parse(notBefore)).toSeconds()).isBetween(58L, 62L);
        assertThat(claim(machine, List.of())).as("not claimable before its retry delay").isEmpty();
    }

    @Test
    void cancelPendingAndAssignedAtOnce() {
        String machine = TestSupport.registerMachine(2);
        String pending = create(Map.of("machine", machine, "command", "true", "priority", 5));
        String assigned = create(Map.of("machine", machine, "command", "true", "priority", 1));
        long token = claimOne(machine);
        admin().post("/api/v1/tasks/" + assigned + "/cancel").then().statusCode(200)
                .body("result", equalTo("CANCELLED")).body("status", equalTo("CANCELLED"));
        admin().post("/api/v1/tasks/" + pending + "/cancel").then().statusCode(200).body("result", equalTo("CANCELLED"));
        // The bridge that claimed it may not start it any more.
        bridge().body(Map.of("leaseToken", token)).post("/api/v1/bridge/tasks/" + assigned + "/start").then().statusCode(409);
        admin().post("/api/v1/tasks/" + pending + "/cancel").then().statusCode(409)
                .body("detail", containsString("already ended CANCELLED"));
        assertThat(claim(machine, List.of())).isEmpty();
    }

    @Test
    void cancelProcessingAsksTheBridgeToKillIt() {
        String machine = TestSupport.registerMachine(1);
        String id = create(Map.of("machine", machine, "command", "sleep 600"));
        long token = claimOne(machine);
        start(id, token);
        admin().post("/api/v1/tasks/" + id + "/cancel").then().statusCode(202).body("result", equalTo("CANCEL_REQUESTED"));
        admin().get("/api/v1/tasks/" + id).then().body("status", equalTo("PROCESSING")).body("cancelRequested", equalTo(true));
        bridge().body(Map.of("leaseToken", token, "outputOffset", 0, "outputChunk", "partial\n"))
                .post("/api/v1/bridge/tasks/" + id + "/heartbeat").then().statusCode(200).body("cancelRequested", equalTo(true));
        finishWith(id, Map.of("leaseToken", token, "outcome", "CANCELLED", "output", "partial\n", "error", "cancelled while running"));
        admin().get("/api/v1/tasks/" + id).then().body("status", equalTo("CANCELLED")).body("output", equalTo("partial\n"))
                .body("completedAt", notNullValue());
    }

    @Test
    void bulkCancelAnswersPerId() {
        String machine = TestSupport.registerMachine(1);
        String a = create(Map.of("machine", machine, "command", "true"));
        String b = create(Map.of("machine", machine, "command", "true"));
        String unknown = java.util.UUID.randomUUID().toString();
        admin().body(Map.of("taskIds", List.of(a, b, unknown, "nonsense"))).post("/api/v1/tasks/cancel")
                .then().statusCode(200)
                .body("results.result", equalTo(List.of("CANCELLED", "CANCELLED", "NOT_FOUND", "NOT_FOUND")));
        admin().body(Map.of("taskIds", List.of())).post("/api/v1/tasks/cancel").then().statusCode(400);
    }

    @Test
    void bulkCancelOfManyIdsAnswersEachInTheOrderGiven() {
        String machine = TestSupport.registerMachine(1);
        List<String> ids = new java.util.ArrayList<>();
        List<String> expected = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            if (i % 7 == 3) {
                ids.add(java.util.UUID.randomUUID().toString());
                expected.add("NOT_FOUND");
            } else {
                ids.add(create(Map.of("machine", machine, "command", "true")));
                expected.add("CANCELLED");
            }
        }
        admin().body(Map.of("taskIds", ids)).post("/api/v1/tasks/cancel").then().statusCode(200)
                .body("results.result", equalTo(expected))
                .body("results.taskId[0]", equalTo(ids.get(0))).body("results.taskId[39]", equalTo(ids.get(39)));
    }

    @Test
    void retryMakesANewLinkedTask() {
        String machine = TestSupport.registerMachine(1);
        String id = create(Map.of("machine", machine, "command", "false", "priority", 2, "timeoutSeconds", 30));
        admin().post("/api/v1/tasks/" + id + "/retry").then().statusCode(409);
        admin().post("/api/v1/tasks/" + id + "/cancel").then().statusCode(200);
        String again = admin().post("/api/v1/tasks/" + id + "/retry").then().statusCode(201)
                .body("retriedFrom", equalTo(id))
                .body("status", equalTo("PENDING"))
                .body("priority", equalTo(2))
                .body("timeoutSeconds", equalTo(30))
                .extract().path("taskId");
        assertThat(again).isNotEqualTo(id);
        // the created entry of each is read from its task row, the retry's naming the original
        String creator = admin().get("/api/v1/tasks/" + id + "/history").then().statusCode(200)
                .body("items[0].from", nullValue()).body("items[0].to", equalTo("PENDING"))
                .body("items[0].detail", nullValue())
                .body("items[1].to", equalTo("CANCELLED"))
                .extract().path("items[0].actor");
        assertThat(creator).isNotBlank();
        admin().get("/api/v1/tasks/" + again + "/history").then().statusCode(200)
                .body("items.size()", equalTo(1))
                .body("items[0].from", nullValue()).body("items[0].to", equalTo("PENDING"))
                .body("items[0].actor", equalTo(creator))
                .body("items[0].detail", equalTo("retry of " + id));
    }

    @Test
    void idempotencyKeyReturnsTheExistingTask() {
        String machine = TestSupport.registerMachine(1);
        Map<String, Object> body = Map.of("machine", machine, "command", "backup", "idempotencyKey", "nightly-" + machine);
        String first = admin().body(body).post("/api/v1/tasks").then().statusCode(201).extract().path("taskId");
        admin().body(body).post("/api/v1/tasks").then().statusCode(200).body("taskId", equalTo(first));
        Map<String, Object> other = new HashMap<>(body);
        other.put("command", "something else");
        admin().body(other).post("/api/v1/tasks").then().statusCode(409).body("detail", containsString(first));
        admin().queryParam("machine", machine).get("/api/v1/tasks").then().body("items.size()", equalTo(1));
    }

    @Test
    void delayedTaskIsNotClaimedEarly() {
        String machine = TestSupport.registerMachine(1);
        create(Map.of("machine", machine, "command", "true", "delaySeconds", 3600));
        assertThat(claim(machine, List.of())).isEmpty();
        String now = create(Map.of("machine", machine, "command", "true", "notBefore", Instant.now().minusSeconds(1).toString()));
        assertThat(claim(machine, List.of())).containsExactly(now);
    }

    @Test
    void taggedTasksGoOnlyToBridgesWithTheTag() {
        String machine = TestSupport.registerMachine(2);
        String tagged = create(Map.of("machine", machine, "command", "nvidia-smi", "tag", "gpu", "priority", 1));
        String plain = create(Map.of("machine", machine, "command", "true", "priority", 5));
        assertThat(claim(machine, List.of())).containsExactly(plain);
        assertThat(claim(machine, List.of("gpu"))).containsExactly(tagged);
    }

    @Test
    void pausedMachineIsNotClaimedFromUntilResumed() {
        String machine = TestSupport.registerMachine(1);
        admin().post("/api/v1/machines/" + machine + "/pause").then().statusCode(200).body("paused", equalTo(true));
        String id = create(Map.of("machine", machine, "command", "true"));
        assertThat(claim(machine, List.of())).isEmpty();
        admin().post("/api/v1/machines/" + machine + "/resume").then().statusCode(200).body("paused", equalTo(false));
        assertThat(claim(machine, List.of())).containsExactly(id);
        admin().post("/api/v1/machines/no-such/pause").then().statusCode(404);
    }

    @Test
    void statsCountPerStatusAndPriority() {
        String machine = TestSupport.registerMachine(1);
        create(Map.of("machine", machine, "command", "true", "priority", 1));
        admin().get("/api/v1/queue/stats").then().statusCode(200)
                .body("byStatus.PENDING", org.hamcrest.Matchers.greaterThanOrEqualTo(1))
                .body("byPriority.1.PENDING", org.hamcrest.Matchers.greaterThanOrEqualTo(1))
                .body("oldestPendingSeconds", notNullValue());
    }

    static String create(Map<String, Object> body) {
        return admin().body(body).post("/api/v1/tasks").then().statusCode(201).extract().path("taskId");
    }

    static List<String> claim(String machine, List<String> tags) {
        return bridge().body(Map.of("machine", machine, "bridgeId", "test-bridge", "tags", tags, "max", 10))
                .post("/api/v1/bridge/claims").then().statusCode(200).extract().path("taskId");
    }

    static long claimOne(String machine) {
        List<Number> tokens = bridge().body(Map.of("machine", machine, "bridgeId", "test-bridge", "tags", List.of(), "max", 1))
                .post("/api/v1/bridge/claims").then().statusCode(200).extract().path("leaseToken");
        assertThat(tokens).hasSize(1);
        return tokens.getFirst().longValue();
    }

    static void start(String id, long token) {
        bridge().body(Map.of("leaseToken", token)).post("/api/v1/bridge/tasks/" + id + "/start").then().statusCode(204);
    }

    static void finish(String id, long token, String outcome, int exitCode, String error) {
        finishWith(id, Map.of("leaseToken", token, "outcome", outcome, "exitCode", exitCode, "error", error));
    }

    static void finishWith(String id, Map<String, Object> result) {
        bridge().body(result).post("/api/v1/bridge/tasks/" + id + "/finish").then().statusCode(204);
    }
}
