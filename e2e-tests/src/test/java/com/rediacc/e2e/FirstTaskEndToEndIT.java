package com.rediacc.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.rediacc.testsupport.TestSshd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole path with real processes: queue-service, bridge-service and vault-service as packaged
 * jars, the real PostgreSQL and Kafka broker, and a real OpenSSH server as the target machine.
 */
class FirstTaskEndToEndIT {
    private static E2eStack stack;

    @BeforeAll
    static void startServices() throws Exception {
        stack = new E2eStack("first").startCore(Map.of());
        stack.startBridge("bridge-1", Map.of());
        stack.registerDemoMachine("demo-01", 1);
        // Same server, but registered with another key: what a man-in-the-middle would look like.
        stack.registerMachine("impostor-01", Integer.parseInt(E2eStack.env("SSH_PORT")), E2eStack.env("DEMO_SSH_USER"),
                TestSshd.otherHostKey(), 1);
    }

    @AfterAll
    static void stopServices() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void taskRunsOverSshToCompletion() throws Exception {
        JsonNode created = stack.createTask(Map.of("machine", "demo-01", "command", "uname -a; id", "priority", 1));
        assertThat(created.path("status").asText()).isEqualTo("PENDING");
        JsonNode done = stack.awaitTerminal(created.path("taskId").asText());

        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("COMPLETED");
        assertThat(done.path("exitCode").asInt()).isZero();
        assertThat(done.path("output").asText()).contains("Linux").contains("uid=");
        assertThat(done.path("attempts").asInt()).isEqualTo(1);
        assertThat(done.path("startedAt").isTextual()).isTrue();
        assertThat(done.path("completedAt").isTextual()).isTrue();
        assertThat(stack.transitions(done.path("taskId").asText()))
                .containsExactly("PENDING", "ASSIGNED", "PROCESSING", "COMPLETED");
    }

    @Test
    void failingCommandKeepsExitCodeOutputAndError() throws Exception {
        JsonNode done = stack.awaitTerminal(stack.createTask(Map.of("machine", "demo-01",
                "command", "echo going down >&2; exit 7", "priority", 2)).path("taskId").asText());
        assertThat(done.path("status").asText()).isEqualTo("FAILED");
        assertThat(done.path("exitCode").asInt()).isEqualTo(7);
        assertThat(done.path("error").asText()).isEqualTo("exit 7");
        assertThat(done.path("output").asText()).isEqualTo("going down\n");
    }

    @Test
    void hostKeyMismatchFailsTheTaskAndRunsNothing() throws Exception {
        Path marker = Path.of("/tmp", "rediacc-e2e-must-not-exist-" + UUID.randomUUID());
        JsonNode done = stack.awaitTerminal(stack.createTask(Map.of("machine", "impostor-01",
                "command", "touch " + marker, "priority", 1)).path("taskId").asText());
        assertThat(done.path("status").asText()).isEqualTo("FAILED");
        assertThat(done.path("error").asText()).contains("host key mismatch").contains("not run");
        assertThat(done.path("exitCode").isNull()).isTrue();
        assertThat(marker).doesNotExist();
    }

    @Test
    void requestsWithoutAValidTokenAreRefused() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(stack.queueUrl() + "/api/v1/tasks"))
                        .header("Authorization", "Bearer wrong").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
    }
}
