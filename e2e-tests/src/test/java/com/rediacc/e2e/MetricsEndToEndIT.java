package com.rediacc.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.rediacc.testsupport.Await;
import com.rediacc.testsupport.TestSshd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The metrics of the real processes as Prometheus would scrape them: a task run over SSH moves
 * queue-service's outcome counter and histograms and the bridge's claim counters, a host key
 * mismatch is counted on the bridge for its machine, and the bridge holds its SSH session open.
 * Tracing is off (no OTLP endpoint), so no sample carries an exemplar of a trace.
 */
class MetricsEndToEndIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static E2eStack stack;
    private static ServiceProcess bridge;

    @BeforeAll
    static void startServices() throws Exception {
        stack = new E2eStack("metrics").startCore(Map.of("REDIACC_METRICS_REFRESH", "500ms"));
        bridge = stack.startBridge("bridge-1", Map.of());
        stack.registerDemoMachine("demo-01", 1);
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
    void aTaskRunOverSshMovesTheQueuesAndTheBridgesMetrics() throws Exception {
        JsonNode done = stack.awaitTerminal(stack.createTask(Map.of("machine", "demo-01", "command", "true", "priority", 2))
                .path("taskId").asText());
        assertThat(done.path("status").asText()).isEqualTo("COMPLETED");
        String queue = stack.queueUrl() + "/q/metrics";
        String bridgeMetrics = "http://127.0.0.1:" + bridge.port + "/q/metrics";

        // Counted once the transition committed: as its answer to the bridge goes out, a moment
        // after the task reads COMPLETED.
        awaitSample(queue, "rediacc_task_outcomes_total{outcome=\"completed\",priority=\"2\",team=\"default\"}", 1.0);
        awaitSample(queue, "rediacc_task_wait_seconds_count{priority=\"2\",team=\"default\"}", 1.0);
        awaitSample(queue, "rediacc_task_run_seconds_count{priority=\"2\",team=\"default\"}", 1.0);
        awaitSample(queue, "rediacc_tasks{machine=\"demo-01\",status=\"COMPLETED\",team=\"default\"}", 1.0);
        // At least: the other test's task may have been claimed first.
        Await.until("a claim counted", WAIT, () -> value(scrape(bridgeMetrics), "rediacc_bridge_claimed_tasks_total") >= 1
                && value(scrape(bridgeMetrics), "rediacc_bridge_claims_total{result=\"tasks\"}") >= 1);
        awaitSample(bridgeMetrics, "rediacc_ssh_channels_open", 0.0);
        assertThat(value(scrape(bridgeMetrics), "rediacc_ssh_sessions_open")).as("the pooled session to demo-01").isEqualTo(1.0);
    }

    @Test
    void aHostKeyMismatchIsCountedForItsMachine() throws Exception {
        JsonNode done = stack.awaitTerminal(stack.createTask(Map.of("machine", "impostor-01", "command", "true"))
                .path("taskId").asText());
        assertThat(done.path("status").asText()).isEqualTo("FAILED");
        String bridgeMetrics = "http://127.0.0.1:" + bridge.port + "/q/metrics";
        awaitSample(bridgeMetrics, "rediacc_ssh_failures_total{kind=\"host_key\",machine=\"impostor-01\"}", 1.0);
        // Tracing is off here (no OTLP endpoint): the attempt made no valid span, so no exemplar names a trace.
        assertThat(samples(scrape(bridgeMetrics), "rediacc_ssh_failures_total")).noneMatch(line -> line.contains("trace_id"));
        awaitSample(stack.queueUrl() + "/q/metrics",
                "rediacc_task_outcomes_total{outcome=\"host_key\",priority=\"3\",team=\"default\"}", 1.0);
    }

    private static void awaitSample(String url, String sample, double expected) {
        String name = sample.contains("{") ? sample.substring(0, sample.indexOf('{')) : sample;
        Await.until(sample + " = " + expected, WAIT, () -> value(scrape(url), sample) == expected,
                () -> "the samples of " + name + ": " + samplesOf(url, name));
    }

    /** For a failure's message: what the endpoint shows of the metric now. */
    private static List<String> samplesOf(String url, String name) {
        try {
            return samples(scrape(url), name);
        } catch (Exception e) {
            return List.of("(scrape failed: " + e + ")");
        }
    }

    private static List<String> samples(String scraped, String name) {
        return scraped.lines().filter(line -> line.startsWith(name)).toList();
    }

    private static String scrape(String url) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /** The sample's value, NaN when there is no such sample; an exemplar after it (OpenMetrics, when traced) is not part of it. */
    private static double value(String scraped, String sample) {
        Matcher matcher = Pattern.compile("^" + Pattern.quote(sample) + " (\\S+)(?: # .*)?$", Pattern.MULTILINE).matcher(scraped);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : Double.NaN;
    }
}
