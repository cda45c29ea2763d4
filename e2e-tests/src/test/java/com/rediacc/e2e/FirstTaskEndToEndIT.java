package com.rediacc.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole path with real processes: queue-service, bridge-service and vault-service as packaged
 * jars, the real PostgreSQL and Kafka broker, and a real OpenSSH server as the target machine.
 * Needs the environment that ./dev/test exports (PG_*, KAFKA_BOOTSTRAP_SERVERS, SSH_PORT, DEMO_SSH_*).
 */
class FirstTaskEndToEndIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String ADMIN_TOKEN = "e2e-admin-" + UUID.randomUUID();
    private static final String BRIDGE_TOKEN = "e2e-bridge-" + UUID.randomUUID();

    private static final List<ServiceProcess> services = new ArrayList<>();
    private static String queueUrl;

    @BeforeAll
    static void startServices() throws Exception {
        Path root = Path.of(System.getProperty("rediacc.root", "..")).toAbsolutePath().normalize();
        String pg = "127.0.0.1:" + env("PG_PORT");
        Map<String, String> database = Map.of(
                "QUARKUS_DATASOURCE_USERNAME", env("PG_USER"),
                "QUARKUS_DATASOURCE_PASSWORD", env("PG_PASSWORD"));

        Path credentials = Files.createTempDirectory("rediacc-e2e-credentials-");
        Files.copy(Path.of(env("DEMO_SSH_KEY_FILE")), credentials.resolve("demo-01-key"));

        var queueEnv = new java.util.HashMap<>(database);
        queueEnv.putAll(Map.of(
                "QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://" + pg + "/rediacc_e2e_queue",
                "QUARKUS_DATASOURCE_REACTIVE_URL", "postgresql://" + pg + "/rediacc_e2e_queue",
                "KAFKA_BOOTSTRAP_SERVERS", env("KAFKA_BOOTSTRAP_SERVERS"),
                "REDIACC_AUTH_BOOTSTRAP_TOKEN", ADMIN_TOKEN,
                "REDIACC_AUTH_BRIDGE_TOKEN", BRIDGE_TOKEN));
        ServiceProcess queue = start(root, "queue-service", queueEnv);
        queueUrl = "http://127.0.0.1:" + queue.port;

        var vaultEnv = new java.util.HashMap<>(database);
        vaultEnv.put("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://" + pg + "/rediacc_e2e_vault");
        start(root, "vault-service", vaultEnv);

        start(root, "bridge-service", Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", env("KAFKA_BOOTSTRAP_SERVERS"),
                // Its own consumer group, so a dev stack's bridge on the same broker never takes these wake-ups.
                "MP_MESSAGING_INCOMING_DISPATCH_GROUP_ID", "rediacc-bridges-e2e-" + UUID.randomUUID(),
                "REDIACC_QUEUE_URL", queueUrl,
                "REDIACC_AUTH_BRIDGE_TOKEN", BRIDGE_TOKEN,
                "REDIACC_BRIDGE_CREDENTIALS_DIR", credentials.toString()));
        for (ServiceProcess service : services) {
            service.awaitReady(Duration.ofSeconds(90));
        }

        register("demo-01", env("DEMO_SSH_HOST_KEY"));
        // Same server, but registered with another key: what a man-in-the-middle would look like.
        register("impostor-01", otherHostKey());
    }

    @AfterAll
    static void stopServices() throws Exception {
        for (ServiceProcess service : services.reversed()) {
            service.close();
        }
    }

    @Test
    void taskRunsOverSshToCompletion() throws Exception {
        JsonNode created = createTask("demo-01", "uname -a; id", 1);
        assertThat(created.path("status").asText()).isEqualTo("PENDING");
        JsonNode done = awaitTerminal(created.path("taskId").asText());

        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("COMPLETED");
        assertThat(done.path("exitCode").asInt()).isZero();
        assertThat(done.path("output").asText()).contains("Linux").contains("uid=");
        assertThat(done.path("attempts").asInt()).isEqualTo(1);
        assertThat(done.path("startedAt").isTextual()).isTrue();
        assertThat(done.path("completedAt").isTextual()).isTrue();
        List<String> transitions = new ArrayList<>();
        get("/api/v1/tasks/" + done.path("taskId").asText() + "/history").path("items")
                .forEach(entry -> transitions.add(entry.path("to").asText()));
        assertThat(transitions).containsExactly("PENDING", "ASSIGNED", "PROCESSING", "COMPLETED");
    }

    @Test
    void failingCommandKeepsExitCodeOutputAndError() throws Exception {
        JsonNode done = awaitTerminal(createTask("demo-01", "echo going down >&2; exit 7", 2).path("taskId").asText());
        assertThat(done.path("status").asText()).isEqualTo("FAILED");
        assertThat(done.path("exitCode").asInt()).isEqualTo(7);
        assertThat(done.path("error").asText()).isEqualTo("exit 7");
        assertThat(done.path("output").asText()).contains("going down");
    }

    @Test
    void hostKeyMismatchFailsTheTaskAndRunsNothing() throws Exception {
        Path marker = Path.of("/tmp", "rediacc-e2e-must-not-exist-" + UUID.randomUUID());
        JsonNode done = awaitTerminal(createTask("impostor-01", "touch " + marker, 1).path("taskId").asText());
        assertThat(done.path("status").asText()).isEqualTo("FAILED");
        assertThat(done.path("error").asText()).contains("host key mismatch").contains("not run");
        assertThat(done.path("exitCode").isNull()).isTrue();
        assertThat(marker).doesNotExist();
    }

    @Test
    void requestsWithoutAValidTokenAreRefused() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(queueUrl + "/api/v1/tasks"))
                .header("Authorization", "Bearer wrong").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
    }

    private static JsonNode createTask(String machine, String command, int priority) throws Exception {
        HttpResponse<String> response = post("/api/v1/tasks",
                Map.of("machine", machine, "command", command, "priority", priority));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return JSON.readTree(response.body());
    }

    private static JsonNode awaitTerminal(String taskId) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        JsonNode task = null;
        while (Instant.now().isBefore(deadline)) {
            task = get("/api/v1/tasks/" + taskId);
            if (List.of("COMPLETED", "FAILED", "CANCELLED").contains(task.path("status").asText())) {
                return task;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("task " + taskId + " did not finish in 60 s; last seen " + task
                + "\nbridge log:\n" + services.getLast().logTail());
    }

    private static void register(String name, String hostKey) throws Exception {
        HttpResponse<String> response = post("/api/v1/machines", Map.of(
                "name", name, "team", "default", "host", "127.0.0.1", "port", Integer.parseInt(env("SSH_PORT")),
                "user", env("DEMO_SSH_USER"), "hostKey", hostKey, "credential", "demo-01-key"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    }

    private static JsonNode get(String path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(queueUrl + path))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static HttpResponse<String> post(String path, Object body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(queueUrl + path))
                        .header("Authorization", "Bearer " + ADMIN_TOKEN)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static ServiceProcess start(Path root, String module, Map<String, String> env) throws IOException {
        ServiceProcess service = ServiceProcess.start(root, module, freePort(), env);
        services.add(service);
        return service;
    }

    private static String otherHostKey() throws Exception {
        Path dir = Files.createTempDirectory("rediacc-e2e-impostor-");
        Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
                dir.resolve("key").toString()).redirectErrorStream(true).start();
        assertThat(keygen.waitFor()).isZero();
        return Files.readString(dir.resolve("key.pub")).trim();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String env(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("environment variable " + name + " is not set: run the tests with ./dev/test");
        }
        return value;
    }
}
