package com.rediacc.queue.alerts;

import com.rediacc.contract.events.Topics;
import com.rediacc.queue.KafkaProbe;
import com.rediacc.queue.TestSupport;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import com.rediacc.testsupport.Await;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static com.rediacc.queue.TestSupport.admin;
import static com.rediacc.queue.TestSupport.bridge;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/**
 * Queue-depth thresholds and stuck work against the real PostgreSQL and Kafka: a threshold crossed
 * is alerted once and its clearing once, however many sweeps run (the maintenance sweep every
 * 500 ms, and two more at once here as a second replica would); a task stuck past its timeout is
 * alerted once and cleared once when it ends. Thresholds are set by a team's ADMINs only, validated
 * and audited.
 */
@QuarkusTest
class QueueAlertsTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @Inject
    QueueAlerts alerts;
    @Inject
    Pool pool;

    @Test
    void aThresholdCrossedIsAlertedOnceAndItsClearingOnce() {
        String machine = TestSupport.registerMachine(1);
        String key = "machine/" + machine;
        try (KafkaProbe probe = new KafkaProbe(bootstrap, List.of(Topics.ALERTS))) {
            admin().body(Map.of("maxPending", 1)).put("/api/v1/queue/thresholds/machines/" + machine).then().statusCode(200)
                    .body("team", equalTo("ops")).body("machine", equalTo(machine)).body("maxPending", equalTo(1));
            String first = TestSupport.createTask(machine, "true", 3);
            String second = TestSupport.createTask(machine, "true", 3);
            // The service's own scheduled sweep may hold the sweepers' lock (both of ours then pass) and
            // may have read the counts before the tasks: sweep until one of ours has seen them.
            Await.until("the crossing alerted", WAIT, () -> {
                sweepTwiceAtOnce();
                return admin().queryParam("team", "ops").get("/api/v1/queue/thresholds").then().statusCode(200)
                        .extract().path("items.find { it.machine == '" + machine + "' }.pendingAlertSince") != null;
            });
            sweepTwiceAtOnce();

            admin().post("/api/v1/tasks/" + first + "/cancel").then().statusCode(200);
            admin().post("/api/v1/tasks/" + second + "/cancel").then().statusCode(200);
            sweepTwiceAtOnce();
            sweepTwiceAtOnce();

            // Alerts of one key share a partition, in order: once the clearing arrived, a second
            // alert of the crossing would have arrived before it.
            List<ConsumerRecord<String, String>> received = probe.await(r -> r.key().equals(key), 2, WAIT);
            assertThat(received).extracting(ConsumerRecord::value).satisfiesExactly(
                    fired -> assertThat(fired).contains(QueueAlert.FIRED + "\"").contains("\"measure\":\"PENDING\"")
                            .contains("\"value\":2.0").contains("\"threshold\":1"),
                    // at or under the threshold: after one cancel, or both (the sweeper may run between)
                    cleared -> assertThat(cleared).contains(QueueAlert.CLEARED).containsPattern("\"value\":[01]\\.0,"));
        }
        admin().queryParam("team", "ops").get("/api/v1/queue/thresholds").then()
                .body("items.find { it.machine == '" + machine + "' }.pendingAlertSince", equalTo(null));
    }

    @Test
    void workStuckPastItsTimeoutIsAlertedOnceAndClearedWhenItEnds() {
        String machine = TestSupport.registerMachine(1);
        String id = admin().body(Map.of("machine", machine, "command", "sleep 100", "timeoutSeconds", 1))
                .post("/api/v1/tasks").then().statusCode(201).extract().path("taskId");
        try (KafkaProbe probe = new KafkaProbe(bootstrap, List.of(Topics.ALERTS))) {
            List<Map<String, Object>> claimed = bridge().body(Map.of("machine", machine, "bridgeId", "b1", "max", 1))
                    .post("/api/v1/bridge/claims").then().statusCode(200).extract().path("$");
            long token = ((Number) claimed.getFirst().get("leaseToken")).longValue();
            bridge().body(Map.of("leaseToken", token)).post("/api/v1/bridge/tasks/" + id + "/start").then().statusCode(204);
            // Started an hour ago, its lease still held: past its timeout, and nothing else wrong.
            pool.preparedQuery("UPDATE tasks SET started_at = now() - interval '1 hour', "
                            + "lease_expires_at = now() + interval '1 hour' WHERE task_id = $1::uuid")
                    .execute(Tuple.of(id)).await().atMost(WAIT);
            List<ConsumerRecord<String, String>> fired = probe.await(r -> r.key().equals(id), 1, WAIT);
            assertThat(fired).singleElement().satisfies(r -> assertThat(r.value()).contains(StuckTaskAlert.FIRED + "\"")
                    .contains("running past its timeout").contains(machine));

            bridge().body(Map.of("leaseToken", token, "outcome", "FAILED", "output", "", "outputTruncated", false,
                    "error", "timed out after 1 s; remote process killed")).post("/api/v1/bridge/tasks/" + id + "/finish")
                    .then().statusCode(204);
            sweepTwiceAtOnce();
            List<ConsumerRecord<String, String>> cleared = probe.await(r -> r.key().equals(id), 1, WAIT);
            assertThat(cleared).singleElement().satisfies(r -> assertThat(r.value()).contains(StuckTaskAlert.CLEARED));
        }
    }

    @Test
    void thresholdsAreSetByTheTeamsAdminsOnlyValidatedAndAudited() {
        String team = TestSupport.ensureTeam("alerts-" + java.util.UUID.randomUUID().toString().substring(0, 8));
        String machine = TestSupport.registerMachine(team, 1);
        String viewer = TestSupport.userWithRole(team, "VIEWER");
        String outsider = TestSupport.userWithRole(TestSupport.ensureTeam("other-" + team), "ADMIN");

        admin().body(Map.of("maxPending", -1, "maxPendingAgeSeconds", -5)).put("/api/v1/queue/thresholds/teams/" + team)
                .then().statusCode(400).body("errors.field", hasItem("maxPending")).body("errors.field", hasItem("maxPendingAgeSeconds"));
        admin().body(Map.of()).put("/api/v1/queue/thresholds/teams/" + team).then().statusCode(400)
                .body("errors.field", hasItem("maxPending"));
        admin().queryParam("team", team).get("/api/v1/queue/thresholds").then().body("items", org.hamcrest.Matchers.empty());

        TestSupport.as(viewer).body(Map.of("maxPending", 10)).put("/api/v1/queue/thresholds/teams/" + team).then().statusCode(403);
        TestSupport.as(outsider).body(Map.of("maxPending", 10)).put("/api/v1/queue/thresholds/machines/" + machine)
                .then().statusCode(404);
        admin().body(Map.of("maxPending", 10, "maxPendingAgeSeconds", 600)).put("/api/v1/queue/thresholds/teams/" + team)
                .then().statusCode(200).body("maxPendingAgeSeconds", equalTo(600));
        TestSupport.as(viewer).queryParam("team", team).get("/api/v1/queue/thresholds").then().statusCode(200)
                .body("items.size()", equalTo(1)).body("items[0].maxPending", equalTo(10));
        TestSupport.as(outsider).queryParam("team", team).get("/api/v1/queue/thresholds").then().statusCode(404);

        admin().queryParam("team", team).get("/api/v1/audit").then().statusCode(200)
                .body("items.action", hasItem("threshold.set"));
        admin().delete("/api/v1/queue/thresholds/teams/" + team).then().statusCode(204);
        admin().delete("/api/v1/queue/thresholds/teams/" + team).then().statusCode(404);
    }

    /** Two sweeps at once, as two replicas would run them. */
    private void sweepTwiceAtOnce() {
        Uni.join().all(alerts.runOnce(), alerts.runOnce()).andFailFast().await().atMost(WAIT);
    }
}
