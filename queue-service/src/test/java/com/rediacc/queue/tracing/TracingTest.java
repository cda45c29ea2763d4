package com.rediacc.queue.tracing;

import com.rediacc.contract.events.Topics;
import com.rediacc.queue.KafkaProbe;
import com.rediacc.queue.TestSupport;
import com.rediacc.testsupport.Await;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static com.rediacc.queue.TestSupport.admin;
import static com.rediacc.queue.TestSupport.bridge;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * With an OTLP endpoint configured, tracing is on (TracingSwitch): a task created over REST is
 * created in a server span, stores that span's context, publishes its wake-up and its event from the
 * real Kafka broker with a traceparent of the same trace, hands the context to the bridge in the
 * claim, and the bridge's reports (carrying it) are server spans of the same trace. The spans go to
 * the in-memory exporter (no collector listens at the endpoint; the OTLP exporter is off in tests).
 */
@QuarkusTest
@TestProfile(TracingTest.TracingOn.class)
class TracingTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    public static class TracingOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.otel.exporter.otlp.endpoint", "http://127.0.0.1:4317");
        }
    }

    @Inject
    InMemorySpanExporter spans;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void aTaskCarriesTheTraceOfTheCallThatCreatedItThroughTheOutboxKafkaAndTheBridgeProtocol() {
        String machine = TestSupport.registerMachine(1);
        try (KafkaProbe probe = new KafkaProbe(bootstrap, List.of(Topics.DISPATCH, Topics.TASK_EVENTS))) {
            String taskId = TestSupport.createTask(machine, "echo traced", 3);

            String traceId = admin().get("/api/v1/tasks/" + taskId).then().statusCode(200).extract().path("traceId");
            assertThat(traceId).as("traceId of GET /tasks/{id}").matches("[0-9a-f]{32}");
            assertThat(admin().get("/api/v1/console/tasks/" + taskId).then().statusCode(200).extract().<String>path("traceId"))
                    .as("the console's task page").isEqualTo(traceId);
            SpanData create = awaitSpan("the server span of the create", s -> s.getKind() == SpanKind.SERVER
                    && s.getName().equals("POST /api/v1/tasks") && s.getTraceId().equals(traceId));
            assertThat(create.getAttributes().asMap().toString()).contains("201");

            // The wake-up and the event written with the task, read back from the broker, carry the trace in
            // their headers. (Wake-ups the sweeper sends again for the unclaimed task belong to no task's trace.)
            List<ConsumerRecord<String, String>> records = probe.awaitUntil(
                    r -> r.topic().equals(Topics.DISPATCH) && machine.equals(r.key()) && header(r, "traceparent") != null
                            || r.topic().equals(Topics.TASK_EVENTS) && taskId.equals(r.key()),
                    found -> found.stream().map(ConsumerRecord::topic).distinct().count() == 2, WAIT);
            assertThat(records).extracting(ConsumerRecord::topic).contains(Topics.DISPATCH, Topics.TASK_EVENTS);
            for (ConsumerRecord<String, String> record : records) {
                String traceparent = header(record, "traceparent");
                assertThat(traceparent).as(record.topic() + " traceparent").isNotNull()
                        .matches("00-" + traceId + "-[0-9a-f]{16}-01");
                String producerSpan = traceparent.substring(36, 52);
                SpanData publish = awaitSpan("the publish span of " + record.topic(),
                        s -> s.getSpanId().equals(producerSpan));
                assertThat(publish.getKind()).isEqualTo(SpanKind.PRODUCER);
                assertThat(publish.getName()).isEqualTo(record.topic() + " publish");
                assertThat(publish.getParentSpanId()).as("a child of the create's span").isEqualTo(create.getSpanId());
            }

            // The claim hands the bridge the context; a report that carries it joins the trace.
            Map<String, Object> claimed = bridge().body(Map.of("machine", machine, "bridgeId", "b-traced", "max", 1))
                    .post("/api/v1/bridge/claims").then().statusCode(200).extract()
                    .<List<Map<String, Object>>>path("$").getFirst();
            assertThat(claimed.get("taskId")).isEqualTo(taskId);
            assertThat(claimed.get("attempt")).isEqualTo(1);
            String handed = (String) claimed.get("traceParent");
            assertThat(handed).isEqualTo("00-" + traceId + "-" + create.getSpanId() + "-01");
            String bridgeSpan = "00-" + traceId + "-00f067aa0ba902b7-01";
            bridge().header("traceparent", bridgeSpan)
                    .body(Map.of("leaseToken", ((Number) claimed.get("leaseToken")).longValue()))
                    .post("/api/v1/bridge/tasks/" + taskId + "/start").then().statusCode(204);
            SpanData start = awaitSpan("the server span of the start report", s -> s.getKind() == SpanKind.SERVER
                    && s.getName().startsWith("POST /api/v1/bridge/tasks/") && s.getTraceId().equals(traceId));
            assertThat(start.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
        }
    }

    private SpanData awaitSpan(String what, java.util.function.Predicate<SpanData> wanted) {
        return Await.until(what, WAIT, () -> spans.getFinishedSpanItems().stream().filter(wanted).findFirst(),
                java.util.Optional::isPresent, () -> "finished spans: " + spans.getFinishedSpanItems()).orElseThrow();
    }

    static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
