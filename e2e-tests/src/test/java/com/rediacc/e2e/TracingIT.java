package com.rediacc.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.rediacc.testsupport.Await;
import com.rediacc.testsupport.Teardown;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tracing and JSON logs across the real services (docs/adr/0019): with an OTLP endpoint set, the
 * spans of one task, exported by queue-service and the bridge to a receiver of the test's, share the
 * trace id that GET /tasks/{id} shows, from the REST call through the outbox's Kafka publish, the
 * bridge's consumption of the wake-up, its attempt and SSH run (machine, attempt, exit code) to its
 * reports; with JSON logs on, every line of the task's handling names the task, its machine, its team
 * and the request, and no line of any service holds the task's secret, a token or the SSH key.
 */
class TracingIT {
    private static final String SECRET = "traced-secret-" + UUID.randomUUID();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static OtlpReceiver collector;
    private static E2eStack stack;
    private static ServiceProcess bridge;

    @BeforeAll
    static void startServices() throws Exception {
        collector = new OtlpReceiver();
        Map<String, String> observed = Map.of(
                "QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", collector.endpoint(),
                "QUARKUS_OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/protobuf",
                "QUARKUS_OTEL_BSP_SCHEDULE_DELAY", "100ms",
                "QUARKUS_LOG_CONSOLE_JSON_ENABLED", "true",
                "QUARKUS_LOG_CATEGORY__COM_REDIACC__LEVEL", "DEBUG");
        stack = new E2eStack("tracing").startCore(observed);
        bridge = stack.startBridge("bridge-traced", observed);
        stack.registerDemoMachine("traced-01", 1);
    }

    @AfterAll
    static void stopServices() throws Exception {
        Teardown.closeInOrder(stack, collector);
    }

    @Test
    void oneTraceFromTheCallThroughKafkaAndTheSshRunToTheReportsAndLogLinesNamingTheTask() throws Exception {
        JsonNode created = stack.createTask(Map.of("machine", "traced-01", "command", "cat > /dev/null; echo traced",
                "vaultData", Map.of("password", SECRET)));
        String taskId = created.path("taskId").asText();
        JsonNode done = stack.awaitTerminal(taskId);
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("COMPLETED");
        String traceId = done.path("traceId").asText();
        assertThat(traceId).as("traceId of GET /tasks/{id}").matches("[0-9a-f]{32}");
        assertThat(created.path("traceId").asText()).isEqualTo(traceId);

        OtlpReceiver.Span create = awaitSpan(traceId, "queue-service's span of the create", s ->
                s.service().equals("queue-service") && s.kind().equals("SPAN_KIND_SERVER") && s.name().equals("POST /api/v1/tasks"));
        OtlpReceiver.Span publish = awaitSpan(traceId, "the outbox's publish of the wake-up", s ->
                s.kind().equals("SPAN_KIND_PRODUCER") && s.name().equals("rediacc.task.dispatch publish"));
        assertThat(publish.parentSpanId()).isEqualTo(create.spanId());
        // built by the relay from the task's stored context (V28), as the wake-up it shares a row with
        awaitSpan(traceId, "the outbox's publish of the task's rediacc.task.pending event, a child of the create", s ->
                s.kind().equals("SPAN_KIND_PRODUCER") && s.name().equals("rediacc.task.events publish")
                        && create.spanId().equals(s.parentSpanId())
                        && taskId.equals(s.attributes().get("messaging.kafka.message.key")));
        OtlpReceiver.Span consume = awaitSpan(traceId, "the bridge's consumption of the wake-up", s ->
                s.service().equals("bridge-service") && s.kind().equals("SPAN_KIND_CONSUMER"));
        assertThat(consume.parentSpanId()).isEqualTo(publish.spanId());

        OtlpReceiver.Span attempt = awaitSpan(traceId, "the bridge's attempt", s ->
                s.service().equals("bridge-service") && s.name().equals("task attempt"));
        assertThat(attempt.parentSpanId()).as("the attempt is a child of the create").isEqualTo(create.spanId());
        assertThat(attempt.attributes()).containsEntry("rediacc.task.id", taskId).containsEntry("rediacc.machine", "traced-01")
                .containsEntry("rediacc.team", "default").containsEntry("rediacc.attempt", "1")
                .containsEntry("rediacc.outcome", "SUCCEEDED").containsEntry("process.exit.code", "0");
        OtlpReceiver.Span exec = awaitSpan(traceId, "the SSH run", s -> s.name().equals("ssh exec"));
        assertThat(exec.parentSpanId()).isEqualTo(attempt.spanId());
        assertThat(exec.attributes()).containsEntry("rediacc.machine", "traced-01").containsEntry("rediacc.attempt", "1")
                .containsEntry("process.exit.code", "0");
        for (String report : List.of("start", "finish")) {
            OtlpReceiver.Span sent = awaitSpan(traceId, "the bridge's " + report + " report", s ->
                    s.service().equals("bridge-service") && s.kind().equals("SPAN_KIND_CLIENT")
                            && s.name().equals("POST /api/v1/bridge/tasks/{taskId}/" + report));
            assertThat(sent.parentSpanId()).isIn(attempt.spanId(), exec.spanId());
            OtlpReceiver.Span received = awaitSpan(traceId, "queue-service's span of the " + report + " report", s ->
                    s.service().equals("queue-service") && s.kind().equals("SPAN_KIND_SERVER")
                            && s.parentSpanId().equals(sent.spanId()));
            assertThat(received.name()).isEqualTo("POST /api/v1/bridge/tasks/{taskId}/" + report);
        }
        String allSpans = collector.spans().toString();
        assertThat(allSpans).as("no span holds the secret or the command").doesNotContain(SECRET).doesNotContain("echo traced");

        List<JsonNode> queueLines = taskLines(stack.queue(), taskId);
        List<JsonNode> bridgeLines = taskLines(bridge, taskId);
        assertThat(queueLines).as("queue-service's lines of the task").hasSizeGreaterThanOrEqualTo(2);
        assertThat(bridgeLines).as("the bridge's lines of the task").hasSizeGreaterThanOrEqualTo(2);
        for (JsonNode line : concat(queueLines, bridgeLines)) {
            JsonNode mdc = line.path("mdc");
            assertThat(mdc.path("machine").asText()).as(line.toString()).isEqualTo("traced-01");
            assertThat(mdc.path("team").asText()).as(line.toString()).isEqualTo("default");
            assertThat(mdc.path("requestId").asText()).as(line.toString()).isNotBlank();
            assertThat(mdc.path("traceId").asText()).as(line.toString()).isEqualTo(traceId);
        }
        // The bridge's reports carry its attempt's request id: queue-service's lines of them show it.
        String attemptRequest = bridgeLines.getFirst().path("mdc").path("requestId").asText();
        assertThat(queueLines).anySatisfy(line -> {
            assertThat(line.path("mdc").path("requestId").asText()).isEqualTo(attemptRequest);
            assertThat(line.path("message").asText()).contains("-> COMPLETED");
        });

        String key = Files.readString(Path.of(E2eStack.env("DEMO_SSH_KEY_FILE")));
        // a line of the key's own bytes (the first is a header every key of its type shares)
        String keyBody = key.lines().filter(l -> !l.startsWith("-----")).skip(1).findFirst().orElseThrow();
        for (ServiceProcess service : List.of(stack.queue(), bridge, stack.vault())) {
            assertThat(service.logText()).as(service.name() + "'s log")
                    .doesNotContain(SECRET).doesNotContain(keyBody).doesNotContain(stack.adminToken)
                    .doesNotContain(stack.bridgeToken).doesNotContain(stack.vaultBridgeToken);
        }
    }

    private static OtlpReceiver.Span awaitSpan(String traceId, String what, Predicate<OtlpReceiver.Span> wanted) {
        return Await.until(what, WAIT, () -> collector.trace(traceId).stream().filter(wanted).findFirst(),
                java.util.Optional::isPresent, () -> "spans of the trace: " + collector.trace(traceId)
                        + "\nexports refused: " + collector.failures).orElseThrow();
    }

    /** The service's JSON log lines whose MDC names the task. */
    private static List<JsonNode> taskLines(ServiceProcess service, String taskId) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String text : service.logText().lines().toList()) {
            if (!text.startsWith("{")) {
                continue;
            }
            JsonNode line = E2eStack.JSON.readTree(text);
            if (taskId.equals(line.path("mdc").path("taskId").asText())) {
                lines.add(line);
            }
        }
        return lines;
    }

    private static List<JsonNode> concat(List<JsonNode> a, List<JsonNode> b) {
        List<JsonNode> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
