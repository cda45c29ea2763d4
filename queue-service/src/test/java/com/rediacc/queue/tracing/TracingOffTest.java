package com.rediacc.queue.tracing;

import com.rediacc.contract.events.Topics;
import com.rediacc.queue.KafkaProbe;
import com.rediacc.queue.TestSupport;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.rediacc.queue.TestSupport.admin;
import static com.rediacc.queue.TestSupport.bridge;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasKey;

/**
 * Without an OTLP endpoint (the default) nothing is traced: a task stores no trace context, its
 * Kafka records carry no traceparent, the API shows no traceId, the claim hands none to the bridge,
 * and no span is made, even for a call that brings a traceparent of its own.
 */
@QuarkusTest
class TracingOffTest {
    @Inject
    InMemorySpanExporter spans;

    @Inject
    Pool pool;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void noTraceIsStoredPublishedOrShown() {
        String machine = TestSupport.registerMachine(1);
        try (KafkaProbe probe = new KafkaProbe(bootstrap, List.of(Topics.DISPATCH, Topics.TASK_EVENTS))) {
            String taskId = admin().header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                    .body(Map.of("machine", machine, "command", "echo untraced")).post("/api/v1/tasks")
                    .then().statusCode(201).extract().path("taskId");

            ValidatableResponse task = admin().get("/api/v1/tasks/" + taskId).then().statusCode(200);
            task.body("$", not(hasKey("traceId")));
            String stored = pool.preparedQuery("SELECT trace_parent FROM tasks WHERE task_id = $1")
                    .execute(Tuple.of(UUID.fromString(taskId))).await().atMost(Duration.ofSeconds(10))
                    .iterator().next().getString("trace_parent");
            assertThat(stored).isNull();

            List<ConsumerRecord<String, String>> records = probe.awaitUntil(
                    r -> r.topic().equals(Topics.DISPATCH) && machine.equals(r.key())
                            || r.topic().equals(Topics.TASK_EVENTS) && taskId.equals(r.key()),
                    found -> found.stream().map(ConsumerRecord::topic).distinct().count() == 2, Duration.ofSeconds(20));
            assertThat(records).extracting(ConsumerRecord::topic).contains(Topics.DISPATCH, Topics.TASK_EVENTS);
            assertThat(records).allSatisfy(r -> assertThat(TracingTest.header(r, "traceparent")).isNull());

            Map<String, Object> claimed = bridge().body(Map.of("machine", machine, "bridgeId", "b-untraced", "max", 1))
                    .post("/api/v1/bridge/claims").then().statusCode(200).extract()
                    .<List<Map<String, Object>>>path("$").getFirst();
            assertThat(claimed.get("taskId")).isEqualTo(taskId);
            assertThat(claimed.get("traceParent")).isNull();
        }
        assertThat(spans.getFinishedSpanItems()).isEmpty();
    }
}
