package com.rediacc.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.rediacc.contract.events.Topics;
import com.rediacc.testsupport.TempDirs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Secrets end to end: vaultData and team vault entries travel encrypted from the API to the
 * command's stdin, and their plaintext is found nowhere else: not in PostgreSQL, the service logs,
 * Kafka or API answers. Broken ciphertexts fail the task with a clear vault error.
 */
class VaultEndToEndIT {
    private static final String TASK_MARKER = "task-secret-" + UUID.randomUUID();
    private static final String TEAM_MARKER = "team-secret-" + UUID.randomUUID();
    private static final String PARAM_MARKER = "param-secret-" + UUID.randomUUID();
    private static E2eStack stack;
    private static Path remote;
    private static final List<String> apiAnswers = new ArrayList<>();

    @BeforeAll
    static void startServices() throws Exception {
        stack = new E2eStack("vault").startCore(Map.of());
        stack.startBridge("bridge-1", Map.of());
        stack.registerDemoMachine("secret-01", 2);
        remote = TempDirs.forMachineCommands("rediacc-e2e-vault-");
    }

    @AfterAll
    static void stopServices() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void secretsReachTheCommandOnStdinAndNowhereElse() throws Exception {
        HttpResponse<String> put = stack.put("/api/v1/teams/default/vault/api-token", Map.of("value", Map.of("token", TEAM_MARKER)));
        apiAnswers.add(put.body());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        apiAnswers.add(stack.get("/api/v1/teams/default/vault").toString());

        Path received = remote.resolve("stdin.json");
        JsonNode created = stack.createTask(Map.of("machine", "secret-01", "command", "cat > " + received + "; echo got it",
                "vaultData", Map.of("db", Map.of("password", TASK_MARKER), "port", 5432)));
        apiAnswers.add(created.toString());
        assertThat(created.path("vaultData").toString()).isEqualTo("{\"db\":{\"password\":\"[encrypted]\"},\"port\":\"[encrypted]\"}");
        String id = created.path("taskId").asText();
        JsonNode done = stack.awaitTerminal(id);
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("COMPLETED");
        assertThat(done.path("output").asText()).isEqualTo("got it\n");
        JsonNode stdin = E2eStack.JSON.readTree(Files.readString(received));
        assertThat(stdin.path("db").path("password").asText()).isEqualTo(TASK_MARKER);
        assertThat(stdin.path("port").asInt()).isEqualTo(5432);
        apiAnswers.add(done.toString());
        apiAnswers.add(stack.get("/api/v1/tasks?limit=1000").toString());
        apiAnswers.add(stack.get("/api/v1/tasks/" + id + "/history").toString());

        assertNowhere(TASK_MARKER, TEAM_MARKER);
    }

    @Test
    void aFunctionsSecretParamReachesTheScriptOnlyOnStdin() throws Exception {
        Path received = remote.resolve("param-stdin.json");
        Path environment = remote.resolve("param-env.txt");
        HttpResponse<String> function = stack.put("/api/v1/teams/default/functions/rotate-password", Map.of(
                "script", "cat > " + received + "; env > " + environment + "; echo \"rotating for $ACCOUNT with $*\"",
                "params", List.of(Map.of("name", "ACCOUNT", "type", "string", "required", true),
                        Map.of("name", "PASSWORD", "type", "string", "required", true, "secret", true))));
        assertThat(function.statusCode()).as(function.body()).isEqualTo(201);
        apiAnswers.add(function.body());
        JsonNode created = stack.createTask(Map.of("machine", "secret-01", "function", "rotate-password",
                "params", Map.of("ACCOUNT", "backup", "PASSWORD", PARAM_MARKER)));
        apiAnswers.add(created.toString());
        assertThat(created.path("params").path("ACCOUNT").asText()).isEqualTo("backup");
        assertThat(created.path("params").has("PASSWORD")).as("a secret param is not shown").isFalse();
        String id = created.path("taskId").asText();
        JsonNode done = stack.awaitTerminal(id);
        apiAnswers.add(done.toString());
        apiAnswers.add(stack.get("/api/v1/tasks/" + id + "/history").toString());
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("COMPLETED");
        assertThat(done.path("output").asText()).isEqualTo("rotating for backup with \n");
        assertThat(E2eStack.JSON.readTree(Files.readString(received)).path("PASSWORD").asText()).isEqualTo(PARAM_MARKER);
        String seenEnvironment = Files.readString(environment);
        assertThat(seenEnvironment).contains("ACCOUNT=backup").doesNotContain("PASSWORD=").doesNotContain(PARAM_MARKER);
        Files.delete(environment);
        Files.delete(received);
        assertNowhere(PARAM_MARKER);
    }

    /** None of {@code markers} (nor their base64) in API answers, database dumps, service logs or Kafka. */
    private static void assertNowhere(String... markers) throws Exception {
        for (String marker : markers) {
            String base64 = Base64.getEncoder().encodeToString(marker.getBytes(StandardCharsets.UTF_8));
            assertThat(String.join("\n", apiAnswers)).as("API answers").doesNotContain(marker);
            for (String database : List.of(stack.queueDatabase(), "rediacc_e2e_vault_vault")) {
                assertThat(pgDump(database)).as("dump of " + database).doesNotContain(marker).doesNotContain(base64);
            }
            assertThat(stack.allLogs()).as("logs of the three services").doesNotContain(marker).doesNotContain(base64);
            assertThat(kafkaRecordsContaining(marker, base64)).as("Kafka records holding the secret").isEmpty();
        }
    }

    @Test
    void brokenCiphertextsFailTheTaskWithAVaultError() throws Exception {
        assertThat(stack.post("/api/v1/machines/secret-01/pause", Map.of()).statusCode()).isEqualTo(200);
        String tampered = paused("tampered");
        String moved = paused("moved");
        String unknownVersion = paused("unknown-version");
        try (Connection db = stack.queueDb()) {
            String original = vaultData(db, tampered);
            int last = original.length() - 3;
            setVaultData(db, tampered, original.substring(0, last) + (original.charAt(last) == 'A' ? 'B' : 'A') + original.substring(last + 1));
            setVaultData(db, moved, vaultData(db, unknownVersion));
            setVaultData(db, unknownVersion, original.replaceFirst("^vault:v1:default:\\d+:", "vault:v1:default:99:"));
        }
        assertThat(stack.post("/api/v1/machines/secret-01/resume", Map.of()).statusCode()).isEqualTo(200);
        for (String id : List.of(tampered, moved, unknownVersion)) {
            JsonNode done = stack.awaitTerminal(id);
            assertThat(done.path("status").asText()).isEqualTo("FAILED");
            assertThat(done.path("error").asText()).startsWith("vault: vaultData: ");
            assertThat(done.path("attempts").asInt()).isEqualTo(1);
        }
        assertThat(stack.task(tampered).path("error").asText()).contains("does not decrypt");
        assertThat(stack.task(moved).path("error").asText()).contains("does not decrypt");
        assertThat(stack.task(unknownVersion).path("error").asText()).contains("key version 99");
        assertThat(Files.exists(remote.resolve("ran-tampered"))).as("the command never ran").isFalse();
    }

    @Test
    void afterKeyRotationOldCiphertextsStillDecrypt() throws Exception {
        assertThat(stack.post("/api/v1/machines/secret-01/pause", Map.of()).statusCode()).isEqualTo(200);
        Path received = remote.resolve("rotated.json");
        String id = stack.createTask(Map.of("machine", "secret-01", "command", "cat > " + received,
                "vaultData", Map.of("k", "before-rotation"))).path("taskId").asText();
        HttpResponse<String> rotated = stack.post("/api/v1/teams/default/vault/rotate", Map.of());
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
        assertThat(E2eStack.JSON.readTree(rotated.body()).path("latestVersion").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(stack.post("/api/v1/machines/secret-01/resume", Map.of()).statusCode()).isEqualTo(200);
        assertThat(stack.awaitTerminal(id).path("status").asText()).isEqualTo("COMPLETED");
        assertThat(Files.readString(received)).isEqualTo("{\"k\":\"before-rotation\"}");
    }

    @Test
    void aRotatedMachineKeyIsUsedByTheNextTaskWithoutARestart() throws Exception {
        Path keys = TempDirs.create("rediacc-e2e-rotate-");
        try {
            Path unauthorised = keys.resolve("id_ed25519");
            E2eStack.sh("ssh-keygen -q -t ed25519 -N '' -f " + unauthorised);
            stack.storeSecret("default", "rotating-key", Map.of("privateKey", Files.readString(unauthorised)));
            HttpResponse<String> registered = stack.post("/api/v1/machines", Map.of("name", "rotate-01", "team", "default",
                    "host", "127.0.0.1", "port", Integer.parseInt(E2eStack.env("SSH_PORT")), "user", E2eStack.env("DEMO_SSH_USER"),
                    "hostKey", E2eStack.env("DEMO_SSH_HOST_KEY"), "credential", "rotating-key"));
            assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);

            JsonNode refused = stack.awaitTerminal(stack.createTask(Map.of("machine", "rotate-01", "command", "echo in"))
                    .path("taskId").asText());
            assertThat(refused.path("status").asText()).isEqualTo("FAILED");
            assertThat(refused.path("error").asText()).contains("authentication");

            // The key the machine accepts, as version 2 of the same entry: the next task uses it.
            stack.storeSecret("default", "rotating-key", Map.of("privateKey",
                    Files.readString(Path.of(E2eStack.env("DEMO_SSH_KEY_FILE")))));
            JsonNode done = stack.awaitTerminal(stack.createTask(Map.of("machine", "rotate-01", "command", "echo in"))
                    .path("taskId").asText());
            assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("COMPLETED");
            assertThat(done.path("output").asText()).contains("in");
            JsonNode entries = stack.get("/api/v1/teams/default/vault").path("items");
            JsonNode rotating = null;
            for (JsonNode entry : entries) {
                if (entry.path("name").asText().equals("rotating-key")) {
                    rotating = entry;
                }
            }
            assertThat(rotating).isNotNull();
            assertThat(rotating.path("latestVersion").asInt()).isEqualTo(2);
        } finally {
            TempDirs.delete(keys);
        }
    }

    @Test
    void onlyBridgesMayDecrypt() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        java.net.URI.create(stack.vaultUrl() + "/api/v1/vault/keys/default/decrypt"))
                .header("Authorization", "Bearer " + stack.vaultQueueToken)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"context\":\"task:x\",\"ciphertext\":\"vault:v1:default:1:AA.AA\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(403);
    }

    private static String paused(String name) throws Exception {
        return stack.createTask(Map.of("machine", "secret-01", "command", "touch " + remote.resolve("ran-" + name),
                "vaultData", Map.of("case", name))).path("taskId").asText();
    }

    private static String vaultData(Connection db, String taskId) throws Exception {
        try (PreparedStatement select = db.prepareStatement("SELECT vault_data FROM tasks WHERE task_id = ?::uuid")) {
            select.setString(1, taskId);
            var rows = select.executeQuery();
            assertThat(rows.next()).isTrue();
            return rows.getString(1);
        }
    }

    private static void setVaultData(Connection db, String taskId, String ciphertext) throws Exception {
        try (PreparedStatement update = db.prepareStatement("UPDATE tasks SET vault_data = ? WHERE task_id = ?::uuid")) {
            update.setString(1, ciphertext);
            update.setString(2, taskId);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
    }

    private static String pgDump(String database) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("pg_dump", "-h", "127.0.0.1", "-p", E2eStack.env("PG_PORT"),
                "-U", E2eStack.env("PG_USER"), "--data-only", database).redirectErrorStream(true);
        builder.environment().put("PGPASSWORD", E2eStack.env("PG_PASSWORD"));
        Process dump = builder.start();
        dump.getOutputStream().close();
        String text = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(dump.waitFor()).as("pg_dump " + database + ": " + text).isZero();
        assertThat(text).contains("COPY public.");
        return text;
    }

    /**
     * The records of the three topics, from the beginning, that contain any of {@code needles}. The
     * topics are scanned, not kept: on a shared broker they may hold millions of earlier records.
     */
    private static List<String> kafkaRecordsContaining(String... needles) {
        List<String> found = new ArrayList<>();
        long read = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, E2eStack.env("KAFKA_BOOTSTRAP_SERVERS"),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()))) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (Topics.Topic topic : Topics.ALL) {
                consumer.partitionsFor(topic.name()).forEach(p -> partitions.add(new TopicPartition(topic.name(), p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                assertThat(System.nanoTime()).as("all of the topics read within 120 s").isLessThan(deadline);
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    read++;
                    String text = record.key() + " " + record.value();
                    for (String needle : needles) {
                        if (text.contains(needle)) {
                            found.add(record.topic() + ": " + text);
                        }
                    }
                }
            }
        }
        assertThat(read).as("records read from Kafka").isPositive();
        return found;
    }
}
