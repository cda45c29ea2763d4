package com.rediacc.queue.tasks;

import com.rediacc.contract.bridge.BridgeApi;
import com.rediacc.queue.TestSupport;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static com.rediacc.queue.TestSupport.admin;
import static com.rediacc.queue.TestSupport.bridge;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

/** The bridge endpoints against the real PostgreSQL: claim order, concurrency, fencing, results. */
@QuarkusTest
class ClaimAndReportTest {

    @Test
    void claimsByPriorityThenCreationOrderWithinCapacity() {
        String machine = TestSupport.registerMachine(3);
        String low = TestSupport.createTask(machine, "echo low", 5);
        String firstHigh = TestSupport.createTask(machine, "echo high-1", 1);
        String normal = TestSupport.createTask(machine, "echo normal", 3);
        String secondHigh = TestSupport.createTask(machine, "echo high-2", 1);

        List<String> claimed = claim(machine, 10);
        assertThat(claimed).containsExactly(firstHigh, secondHigh, normal);
        // Capacity is used up: three are ASSIGNED, the machine allows three at once.
        assertThat(claim(machine, 10)).isEmpty();
        admin().get("/api/v1/tasks/" + low).then().body("status", equalTo("PENDING"));
        admin().get("/api/v1/tasks/" + firstHigh).then().body("status", equalTo("ASSIGNED"))
                .body("assignedAt", notNullValue());
    }

    @Test
    void aClaimsAnswerSaysWhetherReadyWorkOfTheMachineIsLeft() {
        String machine = TestSupport.registerMachine(2);
        TestSupport.createTask(machine, "echo a", 3);
        TestSupport.createTask(machine, "echo b", 3);
        TestSupport.createTask(machine, "echo c", 3);

        assertThat(readyLeft(machine, 1)).as("max 1 of 3").isEqualTo("true");
        assertThat(readyLeft(machine, 10)).as("one slot left, c waits").isEqualTo("true");
        assertThat(readyLeft(machine, 10)).as("no free slot, c still waits").isEqualTo("true");

        String idle = TestSupport.registerMachine(2);
        TestSupport.createTask(idle, "echo only", 3);
        assertThat(readyLeft(idle, 10)).as("all ready work taken").isEqualTo("false");
        assertThat(readyLeft(idle, 10)).as("nothing there").isEqualTo("false");
        admin().post("/api/v1/machines/" + idle + "/pause").then().statusCode(200);
        TestSupport.createTask(idle, "echo paused", 3);
        assertThat(readyLeft(idle, 10)).as("a paused machine gives nothing").isEqualTo("false");
    }

    @Test
    void runsAttemptToCompletionWithHistory() {
        String machine = TestSupport.registerMachine(1);
        String id = TestSupport.createTask(machine, "uname -a", 2);
        Map<String, Object> task = claimOne(machine);
        long token = ((Number) task.get("leaseToken")).longValue();
        assertThat(((Map<?, ?>) task.get("machine")).get("name")).isEqualTo(machine);

        bridge().body(Map.of("leaseToken", token)).post("/api/v1/bridge/tasks/" + id + "/start").then().statusCode(204);
        admin().get("/api/v1/tasks/" + id).then().body("status", equalTo("PROCESSING")).body("attempts", equalTo(1));
        bridge().body(Map.of("leaseToken", token, "outputOffset", 0, "outputChunk", "Linux"))
                .post("/api/v1/bridge/tasks/" + id + "/heartbeat").then().statusCode(200)
                .body("cancelRequested", equalTo(false)).body("outputLength", equalTo(5));
        // A repeated chunk (same offset) is not appended twice.
        bridge().body(Map.of("leaseToken", token, "outputOffset", 0, "outputChunk", "Linux"))
                .post("/api/v1/bridge/tasks/" + id + "/heartbeat").then().statusCode(200).body("outputLength", equalTo(5));
        admin().get("/api/v1/tasks/" + id + "/output").then().statusCode(200).body(equalTo("Linux"));
        bridge().body(Map.of("leaseToken", token, "outcome", "SUCCEEDED", "exitCode", 0, "output", "Linux box\n",
                        "outputTruncated", false))
                .post("/api/v1/bridge/tasks/" + id + "/finish").then().statusCode(204);

        admin().get("/api/v1/tasks/" + id).then()
                .body("status", equalTo("COMPLETED"))
                .body("exitCode", equalTo(0))
                .body("output", equalTo("Linux box\n"))
                .body("completedAt", notNullValue());
        List<String> transitions = admin().get("/api/v1/tasks/" + id + "/history").then().extract().path("items.to");
        assertThat(transitions).containsExactly("PENDING", "ASSIGNED", "PROCESSING", "COMPLETED");
        // Terminal: a second result with the old token is refused.
        bridge().body(Map.of("leaseToken", token, "outcome", "FAILED", "exitCode", 1))
                .post("/api/v1/bridge/tasks/" + id + "/finish").then().statusCode(409);
        admin().get("/api/v1/tasks/" + id).then().body("status", equalTo("COMPLETED"));
    }

    @Test
    void staleLeaseTokenIsRejected() {
        String machine = TestSupport.registerMachine(1);
        String id = TestSupport.createTask(machine, "true", 3);
        long token = ((Number) claimOne(machine).get("leaseToken")).longValue();
        bridge().body(Map.of("leaseToken", token + 1000)).post("/api/v1/bridge/tasks/" + id + "/start")
                .then().statusCode(409).contentType("application/problem+json");
        admin().get("/api/v1/tasks/" + id).then().body("status", equalTo("ASSIGNED"));
    }

    @Test
    void commandThatNeverRanFailsFromAssigned() {
        String machine = TestSupport.registerMachine(1);
        String id = TestSupport.createTask(machine, "true", 3);
        long token = ((Number) claimOne(machine).get("leaseToken")).longValue();
        bridge().body(Map.of("leaseToken", token, "outcome", "NOT_RUN", "error", "host key mismatch: ..."))
                .post("/api/v1/bridge/tasks/" + id + "/finish").then().statusCode(204);
        admin().get("/api/v1/tasks/" + id).then()
                .body("status", equalTo("FAILED"))
                .body("error", equalTo("host key mismatch: ..."))
                .body("attempts", equalTo(1));
    }

    @Test
    void aTaskGivenBackBecauseTheVaultIsDownWaitsWithoutAnAttemptAndBadReleasesChangeNothing() {
        String machine = TestSupport.registerMachine(1);
        String id = TestSupport.createTask(machine, "true", 3);
        long token = ((Number) claimOne(machine).get("leaseToken")).longValue();
        bridge().body(Map.of("leaseToken", token, "reason", "vault: vaultData: x", "retryAfterSeconds", 3601))
                .post("/api/v1/bridge/tasks/" + id + "/release").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("retryAfterSeconds"));
        bridge().body(Map.of("leaseToken", token, "reason", " ", "retryAfterSeconds", 5))
                .post("/api/v1/bridge/tasks/" + id + "/release").then().statusCode(400)
                .body("errors[0].field", equalTo("reason"));
        admin().get("/api/v1/tasks/" + id).then().body("status", equalTo("ASSIGNED"));

        bridge().body(Map.of("leaseToken", token, "reason", "vault: vaultData: vault-service unreachable at http://127.0.0.1:1",
                        "retryAfterSeconds", 60))
                .post("/api/v1/bridge/tasks/" + id + "/release").then().statusCode(204);
        admin().get("/api/v1/tasks/" + id).then()
                .body("status", equalTo("PENDING"))
                .body("attempts", equalTo(0))
                .body("error", equalTo("not run: vault: vaultData: vault-service unreachable at http://127.0.0.1:1"))
                .body("notBefore", notNullValue());
        assertThat(claim(machine, 1)).as("not claimable before its delay ran out").isEmpty();
        List<String> details = admin().get("/api/v1/tasks/" + id + "/history").then().extract().path("items.detail");
        assertThat(details.getLast()).startsWith("not run: vault: vaultData: vault-service unreachable at http://127.0.0.1:1; "
                + "no attempt counted, again not before ");
    }

    @Test
    void aConnectionLostWhileRunningLeavesTheAttemptLostUntilItsCommandWasEnded() {
        String machine = TestSupport.registerMachine(1);
        String id = TestSupport.createTask(machine, "sleep 60", 3);
        Map<String, Object> claimed = claimOne(machine);
        long token = ((Number) claimed.get("leaseToken")).longValue();
        bridge().body(Map.of("leaseToken", token)).post("/api/v1/bridge/tasks/" + id + "/start").then().statusCode(204);
        String error = "machine '" + machine + "' (127.0.0.1:22): connection lost while the command ran: the machine closed the connection";
        bridge().body(Map.of("leaseToken", token, "outcome", "CONNECTION_LOST", "output", "so far\n", "error", error))
                .post("/api/v1/bridge/tasks/" + id + "/finish").then().statusCode(204);
        admin().get("/api/v1/tasks/" + id).then()
                .body("status", equalTo("PROCESSING")).body("lostSince", notNullValue()).body("error", equalTo(error));
        bridge().body(Map.of("leaseToken", token)).post("/api/v1/bridge/tasks/" + id + "/heartbeat")
                .then().statusCode(409);

        bridge().body(Map.of("attemptToken", claimed.get("attemptToken"), "killed", true))
                .post("/api/v1/bridge/tasks/" + id + "/lost-attempt-ended").then().statusCode(204);
        admin().get("/api/v1/tasks/" + id).then()
                .body("status", equalTo("FAILED")).body("error", equalTo("interrupted: " + error))
                .body("output", equalTo("so far\n"));
    }

    @Test
    void failedExitKeepsCodeAndOutput() {
        String machine = TestSupport.registerMachine(1);
        String id = TestSupport.createTask(machine, "exit 3", 3);
        long token = ((Number) claimOne(machine).get("leaseToken")).longValue();
        bridge().body(Map.of("leaseToken", token)).post("/api/v1/bridge/tasks/" + id + "/start").then().statusCode(204);
        bridge().body(Map.of("leaseToken", token, "outcome", "FAILED", "exitCode", 3, "output", "bad\n", "error", "exit 3"))
                .post("/api/v1/bridge/tasks/" + id + "/finish").then().statusCode(204);
        admin().get("/api/v1/tasks/" + id).then()
                .body("status", equalTo("FAILED")).body("exitCode", equalTo(3)).body("error", equalTo("exit 3"));
    }

    @Test
    void bridgeEndpointsNeedTheBridgeToken() {
        admin().body(Map.of("machine", "x", "bridgeId", "b", "max", 1)).post("/api/v1/bridge/claims")
                .then().statusCode(401);
    }

    private static List<String> claim(String machine, int max) {
        return bridge().body(Map.of("machine", machine, "bridgeId", "test-bridge", "tags", List.of(), "max", max))
                .post("/api/v1/bridge/claims").then().statusCode(200).extract().path("taskId");
    }

    private static String readyLeft(String machine, int max) {
        return bridge().body(Map.of("machine", machine, "bridgeId", "test-bridge", "tags", List.of(), "max", max))
                .post("/api/v1/bridge/claims").then().statusCode(200).extract().header(BridgeApi.READY_LEFT_HEADER);
    }

    private static Map<String, Object> claimOne(String machine) {
        List<Map<String, Object>> claimed = bridge()
                .body(Map.of("machine", machine, "bridgeId", "test-bridge", "tags", List.of(), "max", 1))
                .post("/api/v1/bridge/claims").then().statusCode(200).extract().path("$");
        assertThat(claimed).hasSize(1);
        return claimed.getFirst();
    }
}
