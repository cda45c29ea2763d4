package com.rediacc.queue.outbox;

import com.rediacc.queue.QueueConfig;
import com.rediacc.contract.events.Topics;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends the outbox's messages to Kafka with plain producers: a relay pass hands over all its
 * messages at once and learns when Kafka acknowledged the last one. (A messaging emitter wraps every
 * record in a Message, its metadata and context-propagated callbacks: a quarter of queue-service's
 * CPU per created task.)
 *
 * <p>Two producers: wake-ups ({@link Topics#DISPATCH}) go out at once, they start work; task events
 * and alerts wait up to {@code rediacc.outbox.events-linger} to share a request, which under load
 * sends one batch per partition per relay pass. Each keeps per-partition order (idempotent, acks=all).
 */
@Singleton
public class OutboxPublisher {
    /** {@code traceParent}: the trace context stored with the message (docs/adr/0019), or null. */
    public record OutboxMessage(String topic, String key, String payload, String traceParent) {
    }

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    QueueConfig config;

    @Inject
    OutboxTracing tracing;

    private KafkaProducer<String, String> dispatch;
    private KafkaProducer<String, String> events;
    // send() blocks while the producer has no metadata for a topic (Kafka down): never on an event loop.
    private final ExecutorService sender = Executors.newSingleThreadExecutor(Thread.ofPlatform()
            .name("outbox-kafka-sender").daemon().factory());

    @PostConstruct
    void start() {
        dispatch = new KafkaProducer<>(settings("rediacc-outbox-dispatch", Duration.ZERO));
        events = new KafkaProducer<>(settings("rediacc-outbox-events", config.outbox().eventsLinger()));
    }

    @PreDestroy
    void stop() {
        sender.shutdown();
        dispatch.close(config.outbox().kafkaTimeout());
        events.close(config.outbox().kafkaTimeout());
    }

    /** Resolves when Kafka acknowledged every message; fails with the first refusal. */
    public Uni<Void> send(List<OutboxMessage> messages) {
        if (messages.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        CompletableFuture<Void> acked = new CompletableFuture<>();
        try {
            sender.execute(() -> sendAll(messages, acked));
        } catch (RejectedExecutionException stopped) {
            acked.completeExceptionally(stopped);
        }
        return Uni.createFrom().completionStage(acked);
    }

    private void sendAll(List<OutboxMessage> messages, CompletableFuture<Void> acked) {
        AtomicInteger outstanding = new AtomicInteger(messages.size());
        try {
            for (OutboxMessage message : messages) {
                KafkaProducer<String, String> producer = Topics.DISPATCH.equals(message.topic()) ? dispatch : events;
                ProducerRecord<String, String> record = new ProducerRecord<>(message.topic(), message.key(), message.payload());
                OutboxTracing.Publish publish = tracing.publish(message.traceParent(), record);
                producer.send(record, (metadata, failure) -> {
                    publish.end(failure);
                    if (failure != null) {
                        acked.completeExceptionally(failure);
                    } else if (outstanding.decrementAndGet() == 0) {
                        acked.complete(null);
                    }
                });
            }
        } catch (RuntimeException failure) {
            acked.completeExceptionally(failure);
        }
    }

    private Map<String, Object> settings(String clientId, Duration linger) {
        int timeoutMs = Math.toIntExact(config.outbox().kafkaTimeout().toMillis());
        return Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, clientId,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, Math.toIntExact(linger.toMillis()),
                ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs,
                // a batch Kafka did not take in time fails the relay pass, which sends its rows again later
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 2 * timeoutMs);
    }
}
