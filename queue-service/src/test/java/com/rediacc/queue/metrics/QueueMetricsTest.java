package com.rediacc.queue.metrics;

import com.rediacc.queue.TestSupport;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.rediacc.queue.TestSupport.admin;
import static com.rediacc.queue.TestSupport.bridge;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * /q/metrics as Prometheus scrapes it, against the real PostgreSQL: each of the queue's metrics
 * moves as tasks move (created, claimed, started, completed, failed with an exit code, retried, timed
 * out), for the task's own machine and team labels; a machine's resource gauges follow its newest sample.
 */
@QuarkusTest
class QueueMetricsTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    QueueGauges gauges;

    @Test
    void metricsMoveAsTasksMove() {
        String team = "metrics-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        String machine = TestSupport.registerMachine(team, 1);
        String tasks = "rediacc_tasks{machine=\"" + machine + "\",status=\"%s\",team=\"" + team + "\"}";
        String byPriority = "rediacc_tasks_priority{priority=\"2\",status=\"%s\",team=\"" + team + "\"}";
        String outcomes = "rediacc_task_outcomes_total{outcome=\"%s\",priority=\"2\",team=\"" + team + "\"}";
        String waits = "rediacc_task_wait_seconds_count{priority=\"2\",team=\"" + team + "\"}";
        String runs = "rediacc_task_run_seconds_count{priority=\"2\",team=\"" + team + "\"}";
        String oldest = "rediacc_task_oldest_pending_seconds{machine=\"" + machine + "\",team=\"" + team + "\"}";

        String ok = createTask(machine, Map.of());
        String failing = createTask(machine, Map.of());
        String retried = createTask(machine, Map.of("maxRetries", 1, "retryDelay", 0));
        Map<String, Double> scraped = scrape();
        assertThat(scraped).containsEntry(tasks.formatted("PENDING"), 3.0).containsEntry(byPriority.formatted("PENDING"), 3.0)
                .doesNotContainKey(tasks.formatted("COMPLETED"));
        assertThat(scraped.get(oldest)).isGreaterThanOrEqualTo(0.0);
        assertThat(scraped).containsKeys("rediacc_outbox_rows", "rediacc_outbox_oldest_seconds");

        run(machine, ok, "SUCCEEDED", 0, null);
        run(machine, failing, "FAILED", 3, "exit 3");
        scraped = scrape();
        assertThat(scraped).containsEntry(tasks.formatted("PENDING"), 1.0).containsEntry(tasks.formatted("COMPLETED"), 1.0)
                .containsEntry(tasks.formatted("FAILED"), 1.0).containsEntry(outcomes.formatted("completed"), 1.0)
                .containsEntry(outcomes.formatted("exit_code"), 1.0).containsEntry(waits, 2.0).containsEntry(runs, 2.0);

        run(machine, retried, "FAILED", null, "timed out after 5 s; remote process killed");
        scraped = scrape();
        assertThat(scraped).containsEntry("rediacc_task_retries_total{priority=\"2\",reason=\"timeout\",team=\"" + team + "\"}", 1.0)
                .containsEntry(tasks.formatted("PENDING"), 1.0).doesNotContainKey(outcomes.formatted("timeout"));
        run(machine, retried, "FAILED", null, "timed out after 5 s; remote process killed");
        scraped = scrape();
        assertThat(scraped).containsEntry(outcomes.formatted("timeout"), 1.0).containsEntry(tasks.formatted("FAILED"), 2.0)
                .doesNotContainKey(tasks.formatted("PENDING")).doesNotContainKey(oldest).containsEntry(waits, 4.0);
    }

    @Test
    void machineResourcesAreGaugedFromTheStoredSample() {
        String team = "metrics-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        String machine = TestSupport.registerMachine(team, 1);
        String labels = "{machine=\"" + machine + "\",team=\"" + team + "\"}";
        String over = "rediacc_machine_resource_over{machine=\"" + machine + "\",resource=\"%s\",team=\"" + team + "\"}";
        long gib = 1L << 30;
        java.time.Instant sampledAt = java.time.Instant.now().minusSeconds(30);
        // 4 CPUs at load 10 (2.5 per CPU, over the 2.0 default), 16 GiB with 12 available, a 100 GiB disk 40% used.
        Map<String, Object> sample = Map.of("machine", machine, "sampledAt", sampledAt.toString(), "load1", 10.0,
                "load5", 8.0, "load15", 6.0, "cpus", 4, "memoryTotalBytes", 16 * gib, "memoryAvailableBytes", 12 * gib,
                "diskTotalBytes", 100 * gib, "diskUsedBytes", 40 * gib);
        Map<String, Object> presence = new java.util.HashMap<>(Map.of("bridgeId", "b-metrics-" + machine, "tags", List.of(),
                "partitions", List.of(), "partitionCount", 6, "batchSize", 8, "everyMillis", 60_000));
        presence.put("samples", List.of(sample));
        bridge().body(presence).post("/api/v1/bridge/presence").then().statusCode(204);

        Map<String, Double> scraped = scrape();
        assertThat(scraped).containsEntry("rediacc_machine_load_per_cpu" + labels, 2.5)
                .containsEntry("rediacc_machine_memory_used_percent" + labels, 25.0)
                .containsEntry("rediacc_machine_disk_used_percent" + labels, 40.0)
                .containsEntry(over.formatted("LOAD"), 1.0)
                .doesNotContainKeys(over.formatted("MEMORY"), over.formatted("DISK"));
        assertThat(scraped.get("rediacc_machine_resources_age_seconds" + labels)).isBetween(30.0, 30.0 + WAIT.toSeconds() * 2);

        // A newer sample under every threshold: the over series goes, the values follow.
        Map<String, Object> calmer = new java.util.HashMap<>(sample);
        calmer.put("sampledAt", java.time.Instant.now().toString());
        calmer.put("load1", 1.0);
        presence.put("samples", List.of(calmer));
        bridge().body(presence).post("/api/v1/bridge/presence").then().statusCode(204);
        scraped = scrape();
        assertThat(scraped).containsEntry("rediacc_machine_load_per_cpu" + labels, 0.25).doesNotContainKey(over.formatted("LOAD"));
    }

    private static String createTask(String machine, Map<String, Object> options) {
        Map<String, Object> body = new java.util.HashMap<>(options);
        body.put("machine", machine);
        body.put("command", "true");
        body.put("priority", 2);
        return admin().body(body).post("/api/v1/tasks").then().statusCode(201).extract().path("taskId");
    }

    /** Claims {@code id} (the machine's first ready task), starts it and reports {@code outcome}. */
    private static void run(String machine, String id, String outcome, Integer exitCode, String error) {
        List<Map<String, Object>> claimed = bridge().body(Map.of("machine", machine, "bridgeId", "b1", "max", 1))
                .post("/api/v1/bridge/claims").then().statusCode(200).extract().path("$");
        assertThat(claimed).extracting(task -> task.get("taskId")).containsExactly(id);
        long token = ((Number) claimed.getFirst().get("leaseToken")).longValue();
        bridge().body(Map.of("leaseToken", token)).post("/api/v1/bridge/tasks/" + id + "/start").then().statusCode(204);
        Map<String, Object> report = new java.util.HashMap<>(Map.of("leaseToken", token, "outcome", outcome, "output", "",
                "outputTruncated", false));
        if (exitCode != null) {
            report.put("exitCode", exitCode);
        }
        if (error != null) {
            report.put("error", error);
        }
        bridge().body(report).post("/api/v1/bridge/tasks/" + id + "/finish").then().statusCode(204);
    }

    private static final Pattern SAMPLE = Pattern.compile("^(\\w+(?:\\{[^}]*})?) (\\S+)$", Pattern.MULTILINE);

    /** The gauges refreshed, then /q/metrics: each sample by its name and labels. */
    private Map<String, Double> scrape() {
        gauges.refresh().await().atMost(WAIT);
        String text = RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        Map<String, Double> samples = new java.util.HashMap<>();
        Matcher matcher = SAMPLE.matcher(text);
        while (matcher.find()) {
            samples.put(matcher.group(1), Double.parseDouble(matcher.group(2)));
        }
        return samples;
    }
}
