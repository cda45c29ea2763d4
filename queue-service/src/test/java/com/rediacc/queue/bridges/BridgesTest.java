package com.rediacc.queue.bridges;

import com.rediacc.contract.events.Topics;
import com.rediacc.queue.KafkaProbe;
import com.rediacc.queue.TestSupport;
import com.rediacc.queue.machines.resources.ResourceAlert;
import com.rediacc.testsupport.Await;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.rediacc.queue.TestSupport.admin;
import static com.rediacc.queue.TestSupport.bridge;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

/** Bridge presences, GET /bridges, machine resources and their alerts, against the real PostgreSQL and Kafka. */
@QuarkusTest
class BridgesTest {
    private static final long GIB = 1024L * 1024 * 1024;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void aBridgeIsListedWithTheMachinesOfItsPartitionsAndTheTasksItHolds() {
        String machine = TestSupport.registerMachine(1);
        String bridgeId = "b-" + UUID.randomUUID();
        presence(bridgeId, List.of(DispatchPartitions.of(machine, 6)), 60_000, List.of()).then().statusCode(204);
        String task = TestSupport.createTask(machine, "sleep 1", 3);
        bridge().body(Map.of("machine", machine, "bridgeId", bridgeId, "tags", List.of(), "max", 1))
                .post("/api/v1/bridge/claims").then().statusCode(200);

        String path = "items.find { it.bridgeId == '" + bridgeId + "' }";
        admin().get("/api/v1/bridges").then().statusCode(200)
                .body(path + ".state", equalTo("LIVE"))
                .body(path + ".version", equalTo("test-1"))
                .body(path + ".tags", equalTo(List.of("gpu")))
                .body(path + ".machines", hasItem(machine))
                .body(path + ".runningTasks.taskId", equalTo(List.of(task)))
                .body(path + ".runningCount", equalTo(1))
                .body(path + ".url", nullValue());

        // A member of another team sees the bridge, not this team's machine nor its task.
        String outsider = TestSupport.userWithRole("elsewhere", "VIEWER");
        TestSupport.as(outsider).get("/api/v1/bridges").then().statusCode(200)
                .body(path + ".machines", not(hasItem(machine)))
                .body(path + ".runningTasks", equalTo(List.of()))
                .body(path + ".runningCount", equalTo(1));
    }

    @Test
    void aBridgeThatMissesItsPresencesIsShownQuiet() {
        String bridgeId = "b-" + UUID.randomUUID();
        presence(bridgeId, List.of(0, 1), 200, List.of()).then().statusCode(204);
        String state = "items.find { it.bridgeId == '" + bridgeId + "' }.state";
        // Three missed presences of 200 ms: QUIET after 600 ms at the latest.
        Await.until("bridge " + bridgeId + " shown QUIET", Duration.ofSeconds(30),
                () -> "QUIET".equals(admin().get("/api/v1/bridges").then().extract().path(state)));
        presence(bridgeId, List.of(0, 1), 60_000, List.of()).then().statusCode(204);
        admin().get("/api/v1/bridges").then().body(state, equalTo("LIVE"));
    }

    @Test
    void presenceNeedsTheBridgeTokenAndAnId() {
        TestSupport.as(TestSupport.ADMIN_TOKEN).body(body("b-x", List.of(), 1000, List.of()))
                .post("/api/v1/bridge/presence").then().statusCode(401);
        Map<String, Object> noId = body("b-x", List.of(), 1000, List.of());
        noId.remove("bridgeId");
        bridge().body(noId).post("/api/v1/bridge/presence").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("bridgeId"));
        Map<String, Object> undated = new HashMap<>(sample("m-x", Instant.now(), 10));
        undated.remove("sampledAt");
        bridge().body(body("b-x", List.of(), 1000, List.of(undated))).post("/api/v1/bridge/presence").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("sampledAt"));
        admin().get("/api/v1/bridges").then().body("items.bridgeId", not(hasItem("b-x")));
    }

    @Test
    void resourcesAreShownWithTheMachineAndAThresholdAlertsOnceWhenCrossedAndOnceWhenCleared() {
        String machine = TestSupport.registerMachine(1);
        String bridgeId = "b-" + UUID.randomUUID();
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        try (KafkaProbe alerts = new KafkaProbe(bootstrap, List.of(Topics.ALERTS))) {
            presence(bridgeId, List.of(), 60_000, List.of(sample(machine, at, 95))).then().statusCode(204);
            admin().get("/api/v1/machines/" + machine).then().statusCode(200)
                    .body("name", equalTo(machine))
                    .body("resources.bridge", equalTo(bridgeId))
                    .body("resources.load.one", equalTo(0.5f))
                    .body("resources.load.cpus", equalTo(4))
                    .body("resources.memory.usedPercent", equalTo(25.0f))
                    .body("resources.disk.usedPercent", equalTo(95.0f))
                    .body("resources.disk.totalBytes", equalTo(100 * GIB))
                    .body("resources.over", equalTo(List.of("DISK")));
            admin().get("/api/v1/machines?team=ops&limit=1000").then()
                    .body("items.find { it.name == '" + machine + "' }.resources.disk.usedPercent", equalTo(95.0f));

            // Still over: no second alert. An older sample than the stored one changes nothing.
            presence(bridgeId, List.of(), 60_000, List.of(sample(machine, at.plusSeconds(60), 96))).then().statusCode(204);
            presence(bridgeId, List.of(), 60_000, List.of(sample(machine, at.minusSeconds(60), 10))).then().statusCode(204);
            admin().get("/api/v1/machines/" + machine).then().body("resources.disk.usedPercent", equalTo(96.0f));
            presence(bridgeId, List.of(), 60_000, List.of(sample(machine, at.plusSeconds(120), 40))).then().statusCode(204);
            admin().get("/api/v1/machines/" + machine).then().body("resources.over", equalTo(List.of()));

            var mine = alerts.awaitUntil(r -> r.key().equals(machine),
                    found -> found.stream().anyMatch(r -> r.value().contains(ResourceAlert.CLEARED)), Duration.ofSeconds(30));
            assertThat(mine).extracting(r -> r.value().contains(ResourceAlert.HIGH) ? "HIGH"
                    : r.value().contains(ResourceAlert.CLEARED) ? "CLEARED" : r.value()).containsExactly("HIGH", "CLEARED");
            assertThat(mine.getFirst().value()).contains("\"resource\":\"DISK\"", "\"team\":\"ops\"", "\"value\":95.0");
        }
    }

    @Test
    void aSampleOfAnUnknownMachineIsDropped() {
        String gone = "m-gone-" + UUID.randomUUID();
        presence("b-" + UUID.randomUUID(), List.of(), 60_000, List.of(sample(gone, Instant.now(), 10)))
                .then().statusCode(204);
        admin().get("/api/v1/machines/" + gone).then().statusCode(404);
    }

    private static io.restassured.response.Response presence(String bridgeId, List<Integer> partitions, long everyMillis,
                                                              List<Map<String, Object>> samples) {
        return bridge().body(body(bridgeId, partitions, everyMillis, samples)).post("/api/v1/bridge/presence");
    }

    private static Map<String, Object> body(String bridgeId, List<Integer> partitions, long everyMillis,
                                            List<Map<String, Object>> samples) {
        Map<String, Object> body = new HashMap<>();
        body.put("bridgeId", bridgeId);
        body.put("version", "test-1");
        body.put("tags", List.of("gpu"));
        body.put("url", "http://127.0.0.1:1");
        body.put("partitions", partitions);
        body.put("partitionCount", 6);
        body.put("batchSize", 8);
        body.put("everyMillis", everyMillis);
        body.put("samples", samples);
        return body;
    }

    /** 4 CPUs at load 0.5, 16 GiB of memory with 12 available, a 100 GiB disk {@code diskPercent} used. */
    private static Map<String, Object> sample(String machine, Instant at, int diskPercent) {
        return Map.of("machine", machine, "sampledAt", at.toString(), "load1", 0.5, "load5", 0.4, "load15", 0.3,
                "cpus", 4, "memoryTotalBytes", 16 * GIB, "memoryAvailableBytes", 12 * GIB,
                "diskTotalBytes", 100 * GIB, "diskUsedBytes", diskPercent * GIB);
    }
}
