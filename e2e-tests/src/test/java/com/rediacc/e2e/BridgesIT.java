package com.rediacc.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.rediacc.testsupport.Await;
import com.rediacc.testsupport.TempDirs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Troubleshooting against real services: GET /bridges with two bridges (their machines, one
 * killed shows QUIET), machine checks against the real sshd (all steps ok; a wrong host key; a
 * wrong key), and resources sampled from it shown in GET /machines/{name}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BridgesIT {
    private static final Map<String, String> BRIDGE = Map.of("REDIACC_BRIDGE_PRESENCE_EVERY", "1s",
            "REDIACC_BRIDGE_RESOURCES_EVERY", "1s");
    private static final List<String> MACHINES = List.of("tr-01", "tr-02", "tr-03", "tr-04", "tr-05", "tr-06",
            "tr-07", "tr-08");
    private static E2eStack stack;
    private static ServiceProcess alpha;
    private static ServiceProcess beta;

    @BeforeAll
    static void startServices() throws Exception {
        stack = new E2eStack("bridges").startCore(Map.of());
        for (String machine : MACHINES) {
            stack.registerDemoMachine(machine, 1);
        }
        alpha = stack.startBridge("alpha", BRIDGE);
        beta = stack.startBridge("beta", BRIDGE);
    }

    @AfterAll
    static void stopServices() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void bothBridgesAreListedEachWithTheMachinesOfItsPartitions() {
        JsonNode bridges = Await.until("both bridges LIVE with 3 partitions each", Duration.ofSeconds(120),
                () -> stack.get("/api/v1/bridges"), listed -> {
                    JsonNode a = bridge(listed, "alpha");
                    JsonNode b = bridge(listed, "beta");
                    return a != null && b != null && a.path("state").asText().equals("LIVE")
                            && b.path("state").asText().equals("LIVE")
                            && a.path("partitions").size() == 3 && b.path("partitions").size() == 3;
                }, stack::logs);
        Set<String> onAlpha = texts(bridge(bridges, "alpha").path("machines"));
        Set<String> onBeta = texts(bridge(bridges, "beta").path("machines"));
        assertThat(onAlpha).doesNotContainAnyElementsOf(onBeta);
        Set<String> all = new HashSet<>(onAlpha);
        all.addAll(onBeta);
        assertThat(all).containsExactlyInAnyOrderElementsOf(MACHINES);
        for (JsonNode bridge : List.of(bridge(bridges, "alpha"), bridge(bridges, "beta"))) {
            assertThat(bridge.path("partitionCount").asInt()).isEqualTo(6);
            assertThat(bridge.path("batchSize").asInt()).isEqualTo(8);
            assertThat(bridge.path("heartbeatEveryMillis").asLong()).isEqualTo(1000);
            assertThat(bridge.path("version").asText()).isNotBlank();
            assertThat(bridge.path("lastHeartbeat").asText()).isNotBlank();
        }
    }

    @Test
    @Order(2)
    void aMachineCheckAgainstTheRealSshdPassesEveryStepWithItsTime() throws Exception {
        JsonNode check = check("tr-01", 200);
        System.out.println("machine check of the demo sshd: " + check);
        assertThat(check.path("steps")).extracting(step -> step.path("name").asText() + " " + step.path("ok").asBoolean())
                .containsExactly("connect true", "hostKey true", "auth true", "exec true");
        check.path("steps").forEach(step -> {
            assertThat(step.path("millis").asLong()).isBetween(0L, 30_000L);
            assertThat(step.path("error").isNull() || step.path("error").isMissingNode()).isTrue();
        });
        assertThat(check.path("bridge").asText()).isIn("alpha", "beta");
    }

    @Test
    @Order(3)
    void aWrongHostKeyFailsAtHostKeyAndAWrongKeyAtAuth() throws Exception {
        Path keys = TempDirs.create("rediacc-e2e-wrong-key-");
        Path wrong = keys.resolve("wrong");
        E2eStack.sh("ssh-keygen -q -t ed25519 -N '' -C wrong -f " + wrong);
        String otherHostKey = Files.readString(Path.of(wrong + ".pub")).strip();
        stack.registerMachine("tr-hostkey", Integer.parseInt(E2eStack.env("SSH_PORT")), E2eStack.env("DEMO_SSH_USER"),
                otherHostKey, 1);
        JsonNode hostKey = check("tr-hostkey", 200);
        assertThat(hostKey.path("steps")).extracting(step -> step.path("name").asText() + " " + step.path("ok").asBoolean())
                .containsExactly("connect true", "hostKey false");
        assertThat(hostKey.path("steps").get(1).path("error").asText()).contains("host key mismatch");

        stack.storeSecret("default", "wrong-key", Map.of("privateKey", Files.readString(wrong)));
        HttpResponse<String> registered = stack.post("/api/v1/machines", Map.of("name", "tr-auth", "team", "default",
                "host", "127.0.0.1", "port", Integer.parseInt(E2eStack.env("SSH_PORT")), "user", E2eStack.env("DEMO_SSH_USER"),
                "hostKey", E2eStack.env("DEMO_SSH_HOST_KEY"), "credential", "wrong-key"));
        assertThat(registered.statusCode()).isEqualTo(201);
        JsonNode auth = check("tr-auth", 200);
        assertThat(auth.path("steps")).extracting(step -> step.path("name").asText() + " " + step.path("ok").asBoolean())
                .containsExactly("connect true", "hostKey true", "auth false");
        assertThat(auth.path("steps").get(2).path("error").asText()).contains("authentication");
        assertThat(auth.toString()).doesNotContain("PRIVATE KEY");
    }

    @Test
    @Order(4)
    void resourcesSampledFromTheRealMachineAreShownWithIt() throws Exception {
        // A task opens the pooled session the bridge then samples on.
        String task = stack.createTask(Map.of("machine", "tr-02", "command", "echo hi")).path("taskId").asText();
        assertThat(stack.awaitTerminal(task).path("status").asText()).isEqualTo("COMPLETED");
        JsonNode machine = Await.until("tr-02's resources shown", Duration.ofSeconds(60),
                () -> stack.get("/api/v1/machines/tr-02"), m -> m.has("resources"), stack::logs);
        JsonNode resources = machine.path("resources");
        // The demo machine is this host: the same CPUs, memory and root file system.
        assertThat(resources.path("load").path("cpus").asInt())
                .isEqualTo(Integer.parseInt(E2eStack.sh("nproc").strip()));
        assertThat(resources.path("load").path("one").asDouble()).isGreaterThanOrEqualTo(0);
        long memTotal = Long.parseLong(E2eStack.sh("awk '/^MemTotal:/ {print $2}' /proc/meminfo").strip()) * 1024;
        assertThat(resources.path("memory").path("totalBytes").asLong()).isEqualTo(memTotal);
        long diskTotal = Long.parseLong(E2eStack.sh("LC_ALL=C df -Pk / | awk 'NR==2 {print $2}'").strip()) * 1024;
        assertThat(resources.path("disk").path("totalBytes").asLong()).isEqualTo(diskTotal);
        assertThat(resources.path("disk").path("usedPercent").asDouble()).isBetween(0.0, 100.0);
        assertThat(resources.path("bridge").asText()).isIn("alpha", "beta");
    }

    @Test
    @Order(5)
    void aKilledBridgeIsShownQuietAndWithoutAnyLiveBridgeACheckIs503() throws Exception {
        beta.killHard();
        Await.until("beta QUIET, alpha LIVE", Duration.ofSeconds(60), () -> stack.get("/api/v1/bridges"), listed ->
                bridge(listed, "beta").path("state").asText().equals("QUIET")
                        && bridge(listed, "alpha").path("state").asText().equals("LIVE"), stack::logs);
        // Kafka hands beta's partitions to alpha once beta's session times out: alpha serves every machine.
        Await.until("alpha serves every machine", Duration.ofSeconds(120), () -> stack.get("/api/v1/bridges"),
                listed -> bridge(listed, "alpha").path("partitions").size() == 6, stack::logs);
        assertThat(check("tr-01", 200).path("bridge").asText()).isEqualTo("alpha");

        alpha.killHard();
        Await.until("alpha QUIET", Duration.ofSeconds(60), () -> stack.get("/api/v1/bridges"),
                listed -> bridge(listed, "alpha").path("state").asText().equals("QUIET"), stack::logs);
        HttpResponse<String> none = stack.post("/api/v1/machines/tr-01/check", Map.of());
        assertThat(none.statusCode()).isEqualTo(503);
        assertThat(none.headers().firstValue("Retry-After")).isPresent();
        assertThat(none.headers().firstValue("Content-Type").orElse("")).contains("application/problem+json");
        assertThat(none.body()).contains("no live bridge serves machine 'tr-01'");
    }

    private static JsonNode check(String machine, int status) throws Exception {
        HttpResponse<String> response = stack.post("/api/v1/machines/" + machine + "/check", Map.of());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return E2eStack.JSON.readTree(response.body());
    }

    private static JsonNode bridge(JsonNode listed, String id) {
        for (JsonNode bridge : listed.path("items")) {
            if (bridge.path("bridgeId").asText().equals(id)) {
                return bridge;
            }
        }
        return null;
    }

    private static Set<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return new HashSet<>(values);
    }
}
