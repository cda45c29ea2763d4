package com.rediacc.queue.outbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rediacc.contract.events.Topics;
import com.rediacc.queue.TestSupport;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Creating a task reaches the real Kafka broker through the outbox, and the outbox drains. */
@QuarkusTest
class OutboxRelayTest {
    @Inject
    Pool pool;

    @Inject
    ObjectMapper json;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void dispatchAndLifecycleEventsArePublishedAndOutboxDrains() throws Exception {
        try (KafkaConsumer<String, String> consumer = consumer()) {
            consumer.subscribe(List.of(Topics.DISPATCH, Topics.TASK_EVENTS));
            awaitAssignment(consumer);

            String machine = TestSupport.registerMachine(1);
            String taskId = TestSupport.createTask(machine, "echo hi", 2);

            List<ConsumerRecord<String, String>> dispatch = new ArrayList<>();
            List<ConsumerRecord<String, String>> events = new ArrayList<>();
            Instant deadline = Instant.now().plusSeconds(20);
            while ((dispatch.isEmpty() || events.isEmpty()) && Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.topic().equals(Topics.DISPATCH) && machine.equals(record.key())) {
                        dispatch.add(record);
                    } else if (record.topic().equals(Topics.TASK_EVENTS) && taskId.equals(record.key())) {
                        events.add(record);
                    }
                }
            }
            assertThat(dispatch).as("dispatch message keyed by machine").hasSize(1);
            JsonNode wake = json.readTree(dispatch.getFirst().value());
            assertThat(wake.path("type").asText()).isEqualTo("rediacc.machine.ready");
            assertThat(wake.path("data").path("machine").asText()).isEqualTo(machine);

            assertThat(events).as("lifecycle event keyed by taskId").hasSize(1);
            JsonNode created = json.readTree(events.getFirst().value());
            assertThat(created.path("specversion").asText()).isEqualTo("1.0");
            assertThat(created.path("type").asText()).isEqualTo("rediacc.task.pending");
            assertThat(created.path("subject").asText()).isEqualTo(taskId);
            assertThat(UUID.fromString(created.path("id").asText())).isNotNull();
            assertThat(created.path("data").path("status").asText()).isEqualTo("PENDING");
            assertThat(created.path("data").has("output")).isFalse();
        }
        awaitOutboxEmpty();
    }

    private void awaitOutboxEmpty() throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(10);
        long rows;
        do {
            rows = pool.query("SELECT count(*) FROM outbox").execute().await().indefinitely().iterator().next().getLong(0);
            if (rows == 0) {
                return;
            }
            Thread.sleep(100);
        } while (Instant.now().isBefore(deadline));
        assertThat(rows).as("outbox rows left after relaying").isZero();
    }

    private KafkaConsumer<String, String> consumer() {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "outbox-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()));
    }

    private static void awaitAssignment(KafkaConsumer<String, String> consumer) {
        Instant deadline = Instant.now().plusSeconds(20);
        while (consumer.assignment().isEmpty() && Instant.now().isBefore(deadline)) {
            consumer.poll(Duration.ofMillis(100));
        }
        assertThat(consumer.assignment()).as("partitions assigned").isNotEmpty();
    }
}
