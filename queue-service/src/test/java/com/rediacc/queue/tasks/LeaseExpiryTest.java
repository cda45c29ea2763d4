package com.rediacc.queue.tasks;

import com.rediacc.queue.TestSupport;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static com.rediacc.queue.TestSupport.admin;
import static com.rediacc.queue.TestSupport.bridge;
import static com.rediacc.queue.tasks.TaskSemanticsTest.claim;
import static com.rediacc.queue.tasks.TaskSemanticsTest.claimOne;
import static com.rediacc.queue.tasks.TaskSemanticsTest.create;
import static com.rediacc.queue.tasks.TaskSemanticsTest.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** A bridge that stops heartbeating loses its lease (3 s in the test profile); the sweeper restores the task. */
@QuarkusTest
class LeaseExpiryTest {

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
    void resumableProcessingGoesBackWithoutUsingARetry() {
        String machine = TestSupport.registerMachine(1);
        String id = create(Map.of("machine", machine, "command", "apt-get upgrade -y", "resumable", true));
        long token = claimOne(machine);
        start(id, token);
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
        awaitStatus(id, "FAILED");
        admin().get("/api/v1/tasks/" + id).then().body("error", equalTo("interrupted: the bridge running it was lost"));
    }

    @Test
    void nonResumableProcessingWithRetriesLeftIsRetried() {
        String machine = TestSupport.registerMachine(1);
        String id = create(Map.of("machine", machine, "command", "deploy", "maxRetries", 1, "retryDelay", 0));
        start(id, claimOne(machine));
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
        awaitStatus(id, "CANCELLED");
    }

    static void awaitStatus(String id, String status) {
        Instant deadline = Instant.now().plusSeconds(15);
        String seen = null;
        while (Instant.now().isBefore(deadline)) {
            seen = admin().get("/api/v1/tasks/" + id).then().extract().path("status");
            if (status.equals(seen)) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new AssertionError("task " + id + " is " + seen + ", expected " + status);
    }
}
