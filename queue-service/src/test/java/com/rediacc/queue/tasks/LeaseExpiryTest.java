package com.rediacc.queue.tasks;

import com.rediacc.queue.TestSupport;
import com.rediacc.testsupport.Await;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static com.rediacc.queue.TestSupport.admin;
import static com.rediacc.queue.TestSupport.bridge;
import static com.rediacc.queue.tasks.TaskSemanticsTest.claim;
import static com.rediacc.queue.tasks.TaskSemanticsTest.claimOne;
import static com.rediacc.queue.tasks.TaskSemanticsTest.create;
import static com.rediacc.queue.tasks.TaskSemanticsTest.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/**
 * A bridge that stops heartbeating loses its lease (3 s in the test profile); the sweeper restores the
 * task, a running one once a bridge has ended its remote command (or after 4 s without that).
 */
@QuarkusTest
class LeaseExpiryTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void assignedGoesBackToItsOldPlace() {
        String machine = TestSupport.registerMachine(1);
        String first = create(Map.of("machine", machine, "command", "echo 1"));
        String second = create(Map.of("machine", machine, "command", "echo 2"));
        long staleToken = claimOne(machine);
        awaitStatus(first, "PENDING");
        admin().get("/api/v1/tasks/" + first).then().body("attempts", equalTo(0));
        assertThat(claim(machine, List.of())).containsExactly(first);
        admin().get("/api/v1/tasks/" + second).then().body("status", equalTo("PENDING"));
        // The lost bridge comes back: its token is stale.
        bridge().body(Map.of("leaseToken", staleToken)).post("/api/v1/bridge/tasks/" + first + "/start").then().statusCode(409);
    }

    @Test
    void resumableProcessingGoesBackWithoutUsingARetryOnceItsRemoteCommandIsEnded() {
        String machine = TestSupport.registerMachine(1);
        String id = create(Map.of("machine", machine, "command", "apt-get upgrade -y", "resumable", true));
        long token = claimOne(machine);
        start(id, token);
        endLostAttempt(machine, id);
        awaitStatus(id, "PENDING");
        admin().get("/api/v1/tasks/" + id).then().body("attempts", equalTo(1)).body("retryCount", equalTo(0));
        bridge().body(Map.of("leaseToken", token, "outcome", "SUCCEEDED", "exitCode", 0))
                .post("/api/v1/bridge/tasks/" + id + "/finish").then().statusCode(409);
    }

    @Test
    void nonResumableProcessingFailsAsInterrupted() {
        String machine = TestSupport.registerMachine(1);
        String id = create(Map.of("machine", machine, "command", "rm -rf /tmp/cache"));
        start(id, claimOne(machine));
        endLostAttempt(machine, id);
        awaitStatus(id, "FAILED");
        admin().get("/api/v1/tasks/" + id).then().body("error", equalTo("interrupted: the bridge running it was lost"));
    }

    @Test
    void nonResumableProcessingWithRetriesLeftIsRetried() {
        String machine = TestSupport.registerMachine(1);
        String id = create(Map.of("machine", machine, "command", "deploy", "maxRetries", 1, "retryDelay", 0));
        start(id, claimOne(machine));
        endLostAttempt(machine, id);
        awaitStatus(id, "PENDING");
        admin().get("/api/v1/tasks/" + id).then().body("retryCount", equalTo(0))
                .body("error", equalTo("interrupted: the bridge running it was lost"));
    }

    @Test
    void cancelRequestedEndsCancelledWhenTheBridgeIsGone() {
        String machine = TestSupport.registerMachine(1);
        String id = create(Map.of("machine", machine, "command", "sleep 600", "resumable", true));
        start(id, claimOne(machine));
        admin().post("/api/v1/tasks/" + id + "/cancel").then().statusCode(202);
        endLostAttempt(machine, id);
        awaitStatus(id, "CANCELLED");
    }

    @Test
    void lostAttemptKeepsItsSlotAndFencesTheLostBridgeUntilItsRemoteCommandIsEnded() {
        String machine = TestSupport.registerMachine(1);
        String id = create(Map.of("machine", machine, "command", "sleep 600", "resumable", true));
        String next = create(Map.of("machine", machine, "command", "echo next"));
        long token = claimOne(machine);
        start(id, token);
        bridge().body(Map.of("leaseToken", token, "outputOffset", 0, "outputChunk", "", "remotePid", 4242))
                .post("/api/v1/bridge/tasks/" + id + "/heartbeat").then().statusCode(200);
        Map<String, Object> lost = awaitLostAttempt(machine, id);
        assertThat(((Number) lost.get("remotePid")).longValue()).isEqualTo(4242L);
        admin().get("/api/v1/tasks/" + id).then().body("status", equalTo("PROCESSING")).body("lostSince", notNullValue());

        assertThat(claim(machine, List.of())).as("the lost attempt still takes the only slot").isEmpty();
        bridge().body(Map.of("leaseToken", token, "outputOffset", 0, "outputChunk", ""))
                .post("/api/v1/bridge/tasks/" + id + "/heartbeat").then().statusCode(409);
        bridge().body(Map.of("attemptToken", "not-" + lost.get("attemptToken"), "killed", true))
                .post("/api/v1/bridge/tasks/" + id + "/lost-attempt-ended").then().statusCode(409);

        bridge().body(Map.of("attemptToken", lost.get("attemptToken"), "killed", true))
                .post("/api/v1/bridge/tasks/" + id + "/lost-attempt-ended").then().statusCode(204);
        admin().get("/api/v1/tasks/" + id).then().body("status", equalTo("PENDING")).body("lostSince", nullValue());
        List<Map<String, Object>> history = admin().get("/api/v1/tasks/" + id + "/history").then().extract().path("items");
        assertThat(history.getLast()).containsEntry("actor", "lease-reaper");
        assertThat((String) history.getLast().get("detail")).endsWith("remote command killed by bridge:test-bridge");
        // Settled once: a second report (another bridge) is refused.
        bridge().body(Map.of("attemptToken", lost.get("attemptToken"), "killed", false))
                .post("/api/v1/bridge/tasks/" + id + "/lost-attempt-ended").then().statusCode(409);
        assertThat(claim(machine, List.of())).containsExactly(id);
        admin().get("/api/v1/tasks/" + next).then().body("status", equalTo("PENDING"));
    }

    @Test
    void lostAttemptThatNoBridgeEndsFailsAfterTheWaitSayingItMayStillRun() {
        String machine = TestSupport.registerMachine(1);
        // Resumable, yet not run again: its first run may still be going on.
        String id = create(Map.of("machine", machine, "command", "sleep 600", "resumable", true));
        start(id, claimOne(machine));
        awaitLostAttempt(machine, id);
        awaitStatus(id, "FAILED");
        String error = admin().get("/api/v1/tasks/" + id).then().extract().path("error");
        assertThat(error).startsWith("interrupted: the bridge running it was lost")
                .contains("no bridge could end its remote command within 4 s").endsWith("it may still be running");
    }

    /** What a bridge does for a lost attempt: fetch it, end its remote command, report. */
    private static void endLostAttempt(String machine, String id) {
        Map<String, Object> lost = awaitLostAttempt(machine, id);
        bridge().body(Map.of("attemptToken", lost.get("attemptToken"), "killed", true))
                .post("/api/v1/bridge/tasks/" + id + "/lost-attempt-ended").then().statusCode(204);
    }

    private static Map<String, Object> awaitLostAttempt(String machine, String id) {
        Map<String, Object> attempt = Await.until("task " + id + " is a lost attempt", WAIT, () -> {
            List<Map<String, Object>> attempts = bridge().body(Map.of("machine", machine, "bridgeId", "test-bridge"))
                    .post("/api/v1/bridge/lost-attempts").then().statusCode(200).extract().path("attempts");
            return attempts.stream().filter(a -> id.equals(a.get("taskId"))).findFirst().orElse(null);
        }, Objects::nonNull, () -> "");
        assertThat((String) attempt.get("attemptToken")).isNotBlank();
        return attempt;
    }

    static void awaitStatus(String id, String status) {
        Await.until("task " + id + " is " + status, WAIT,
                () -> admin().get("/api/v1/tasks/" + id).then().extract().<String>path("status"), status::equals, () -> "");
    }
}
