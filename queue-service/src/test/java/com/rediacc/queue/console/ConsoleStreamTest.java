package com.rediacc.queue.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rediacc.queue.TestSupport;
import com.rediacc.testsupport.Await;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static com.rediacc.queue.TestSupport.admin;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's one stream per tab, on the real Kafka-fed event feed: it coalesces (200 tasks
 * created at once reach a tab in a few messages, not 200), carries the changed rows of the tab's
 * task list, and never shows another team's task.
 */
@QuarkusTest
class ConsoleStreamTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void twoHundredTasksReachATabInAFewMessages() throws Exception {
        String machine = TestSupport.registerMachine("stream-a", 1, List.of());
        List<JsonNode> messages = new CopyOnWriteArrayList<>();
        try (InputStream ignored = open("/api/v1/console/stream?view=tasks&machine=" + machine, TestSupport.ADMIN_TOKEN, messages)) {
            awaitLive(messages, () -> TestSupport.createTask(machine, "echo probe", 3));
            int before = messages.size();
            List<Map<String, Object>> batch = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                batch.add(Map.of("machine", machine, "command", "echo " + i));
            }
            long started = System.nanoTime();
            List<String> ids = admin().body(Map.of("tasks", batch)).post("/api/v1/tasks/batch").then().statusCode(200)
                    .extract().jsonPath().getList("results.task.taskId");
            assertThat(ids).hasSize(200);
            Set<String> seen = new HashSet<>();
            Await.until("every task of the batch shown as a row", Duration.ofSeconds(60), () -> {
                for (JsonNode message : messages.subList(before, messages.size())) {
                    message.path("tasks").forEach(row -> seen.add(row.path("taskId").asText()));
                }
                return seen.containsAll(ids);
            });
            double seconds = (System.nanoTime() - started) / 1e9;
            int used = messages.size() - before;
            System.out.printf("console stream: 200 tasks reached a tab in %d messages over %.1f s%n", used, seconds);
            assertThat(used).as("messages for 200 tasks").isLessThanOrEqualTo(10);
            // at most one message per 500 ms tick
            assertThat((double) used).isLessThanOrEqualTo(seconds / 0.5 + 2);
            JsonNode last = messages.getLast();
            assertThat(last.path("counts").path("byStatus").path("PENDING").asLong()).isGreaterThanOrEqualTo(200);
            for (JsonNode message : messages) {
                message.path("tasks").forEach(row -> {
                    assertThat(row.path("machine").asText()).isEqualTo(machine); // the tab's filter
                    assertThat(row.has("output")).isFalse();
                    assertThat(row.has("vaultData")).isFalse();
                });
            }
        }
    }

    @Test
    void anotherTeamsTaskNeverAppears() throws Exception {
        String mine = TestSupport.registerMachine("stream-mine", 1, List.of());
        String theirs = TestSupport.registerMachine("stream-theirs", 1, List.of());
        String viewer = TestSupport.userWithRole("stream-mine", "VIEWER");
        List<JsonNode> messages = new CopyOnWriteArrayList<>();
        List<String> raw = new CopyOnWriteArrayList<>();
        try (InputStream ignored = open("/api/v1/console/stream?view=tasks", viewer, messages, raw)) {
            List<String> theirTasks = new CopyOnWriteArrayList<>();
            awaitLive(messages, () -> {
                theirTasks.add(TestSupport.createTask(theirs, "echo theirs", 3));
                return TestSupport.createTask(mine, "echo mine", 3);
            });
            String last = TestSupport.createTask(theirs, "echo theirs again", 3);
            theirTasks.add(last);
            String after = TestSupport.createTask(mine, "echo mine after", 3);
            Await.until("the viewer's later task shown", Duration.ofSeconds(30),
                    () -> raw.stream().anyMatch(line -> line.contains(after)));
            for (String id : theirTasks) {
                assertThat(String.join("\n", raw)).doesNotContain(id);
            }
            assertThat(String.join("\n", raw)).doesNotContain(theirs);
        }
        RestAssured.given().header("Authorization", "Bearer " + viewer)
                .get("/api/v1/console/stream?team=stream-theirs").then().statusCode(404);
    }

    /** Creates a task every second until the stream shows one: from then on it shows what happens. */
    private static void awaitLive(List<JsonNode> messages, java.util.concurrent.Callable<String> newTask) {
        List<String> probes = new CopyOnWriteArrayList<>();
        Instant[] last = {Instant.EPOCH};
        Await.until("the stream shows a task created after it opened", Duration.ofSeconds(60), () -> {
            if (last[0].isBefore(Instant.now().minusSeconds(1))) {
                probes.add(newTask.call());
                last[0] = Instant.now();
            }
            return messages.stream().anyMatch(m -> {
                for (JsonNode id : m.path("changed")) {
                    if (probes.contains(id.asText())) {
                        return true;
                    }
                }
                return false;
            });
        });
    }

    private static InputStream open(String path, String token, List<JsonNode> messages) throws Exception {
        return open(path, token, messages, new CopyOnWriteArrayList<>());
    }

    private static InputStream open(String path, String token, List<JsonNode> messages, List<String> raw) throws Exception {
        HttpResponse<InputStream> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + path))
                        .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        InputStream body = response.body();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    raw.add(line);
                    if (line.startsWith("data:")) {
                        messages.add(JSON.readTree(line.substring(5).trim()));
                    }
                }
            } catch (Exception closed) {
                // the test closed the stream
            }
        });
        reader.setDaemon(true);
        reader.start();
        return body;
    }
}
