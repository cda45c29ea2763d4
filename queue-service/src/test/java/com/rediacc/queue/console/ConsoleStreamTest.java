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

    @jakarta.inject.Inject
    io.vertx.mutiny.sqlclient.Pool pool;

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
            // the counts are counted again every rediacc.console.counts-refresh, then sent without another change
            Await.until("counts that show the batch", Duration.ofSeconds(60), () -> messages.subList(before, messages.size())
                    .stream().anyMatch(m -> m.path("counts").path("byStatus").path("PENDING").asLong() >= 200));
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

    @Test
    void aFollowedTaskOfTenMegabytesSendsOnlyItsTail() throws Exception {
        String machine = TestSupport.registerMachine("stream-big", 1, List.of());
        String id = TestSupport.createTask(machine, "yes | head -c 10M", 3);
        int total = 10 * 1024 * 1024;
        pool.preparedQuery("UPDATE tasks SET output = repeat('x', $2) || 'tail!' || chr(10) WHERE task_id = $1")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(java.util.UUID.fromString(id), total - 6))
                .await().atMost(Duration.ofSeconds(30));
        List<JsonNode> messages = new CopyOnWriteArrayList<>();
        try (InputStream ignored = open("/api/v1/console/stream?follow=" + id, TestSupport.ADMIN_TOKEN, messages)) {
            Await.until("the followed output", Duration.ofSeconds(30), () -> messages.stream().anyMatch(m -> m.has("output")));
            JsonNode first = messages.stream().filter(m -> m.has("output")).findFirst().orElseThrow().path("output");
            assertThat(first.path("total").asLong()).isEqualTo(total);
            assertThat(first.path("from").asLong()).isEqualTo(total - ConsoleTab.OUTPUT_TAIL);
            assertThat(first.path("chunk").asText()).hasSize(ConsoleTab.OUTPUT_TAIL).endsWith("tail!\n");
            pool.preparedQuery("UPDATE tasks SET output = output || 'more' || chr(10) WHERE task_id = $1")
                    .execute(io.vertx.mutiny.sqlclient.Tuple.of(java.util.UUID.fromString(id))).await().atMost(Duration.ofSeconds(30));
            Await.until("the new output alone", Duration.ofSeconds(30),
                    () -> messages.stream().filter(m -> m.has("output")).count() >= 2);
            JsonNode next = messages.stream().filter(m -> m.has("output")).skip(1).findFirst().orElseThrow().path("output");
            assertThat(next.path("from").asLong()).isEqualTo(total);
            assertThat(next.path("chunk").asText()).isEqualTo("more\n");
        }
    }

    /**
     * The figure of docs/console.md: 20 tabs open while 500 tasks/s are created. Each tab gets at
     * most one message per 500 ms whatever the rate; the CPU of this JVM (service and load generator)
     * is measured with and without the tabs.
     */
    @Test
    void twentyTabsAt500TasksPerSecond() throws Exception {
        String machine = TestSupport.registerMachine("stream-load", 1, List.of());
        double without = cpuWhileCreating(machine, 10);
        List<List<JsonNode>> tabs = new ArrayList<>();
        List<InputStream> streams = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                List<JsonNode> messages = new CopyOnWriteArrayList<>();
                tabs.add(messages);
                streams.add(open(i % 2 == 0 ? "/api/v1/console/stream?view=tasks" : "/api/v1/console/stream", TestSupport.ADMIN_TOKEN, messages));
            }
            awaitLive(tabs.getFirst(), () -> TestSupport.createTask(machine, "echo probe", 3));
            int[] before = tabs.stream().mapToInt(List::size).toArray();
            long started = System.nanoTime();
            double with = cpuWhileCreating(machine, 10);
            double seconds = (System.nanoTime() - started) / 1e9;
            int most = 0;
            long total = 0;
            for (int i = 0; i < tabs.size(); i++) {
                int got = tabs.get(i).size() - before[i];
                most = Math.max(most, got);
                total += got;
            }
            System.out.printf("console stream under load: 20 tabs, 500 tasks/s for %.1f s: %.2f messages/s per tab (most %d in a tab), "
                    + "JVM CPU %.2f cores with the tabs, %.2f cores without%n", seconds, total / 20.0 / seconds, most, with, without);
            assertThat((double) most).as("messages of the busiest tab").isLessThanOrEqualTo(seconds / 0.5 + 3);
        } finally {
            for (InputStream stream : streams) {
                stream.close();
            }
        }
    }

    /** Creates 500 tasks per second (five batches of 100) for {@code seconds}; returns the cores this JVM used meanwhile. */
    private static double cpuWhileCreating(String machine, int seconds) throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        List<Map<String, Object>> batch = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            batch.add(Map.of("machine", machine, "command", "echo load " + i));
        }
        long cpu = os.getProcessCpuTime();
        long start = System.nanoTime();
        for (int i = 0; i < seconds * 5; i++) {
            long due = start + i * 200_000_000L;
            while (System.nanoTime() < due) {
                Thread.onSpinWait();
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
            admin().body(Map.of("tasks", batch)).post("/api/v1/tasks/batch").then().statusCode(200);
        }
        return (os.getProcessCpuTime() - cpu) / (double) (System.nanoTime() - start);
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
