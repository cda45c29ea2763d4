package com.rediacc.queue.events;

import com.rediacc.queue.QueueConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rediacc.contract.events.Topics;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every task event on {@value Topics#TASK_EVENTS}, as this replica reads it from Kafka, fanned out
 * to the live event streams. Events come from Kafka rather than from this replica's outbox, so a
 * stream shows the work of every replica.
 *
 * <p>Kafka is read only while someone streams: the first stream starts a consumer that is assigned
 * every partition and starts at their ends (no consumer group, no committed offsets: a stream starts
 * at "now"); it stops {@code rediacc.events.idle-stop} after the last stream closed. An idle replica
 * costs the broker and itself nothing.
 */
@ApplicationScoped
public class TaskEventFeed {
    private static final Logger LOG = Logger.getLogger(TaskEventFeed.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration PARTITION_REFRESH = Duration.ofSeconds(30);

    @Inject
    ObjectMapper json;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    QueueConfig config;

    private final BroadcastProcessor<FeedEvent> hub = BroadcastProcessor.create();
    private int listeners;
    private long idleSince;
    private Reader reader;

    /** One event: its CloudEvent JSON as published, with what a stream filters on ({@code subject}: the task or group id). */
    public record FeedEvent(String id, String type, String team, String subject, String payload) {
    }

    /** Events from now on; a subscriber too slow to keep up loses the oldest, not the stream. */
    public Multi<FeedEvent> events() {
        return hub.onSubscription().invoke(this::listenerJoined)
                .onTermination().invoke(this::listenerLeft)
                .onOverflow().buffer(1024);
    }

    /** Whether a consumer is reading Kafka now, positioned on every partition (for tests and diagnostics). */
    public synchronized boolean live() {
        return reader != null && reader.positioned;
    }

    private synchronized void listenerJoined() {
        listeners++;
        if (reader == null) {
            reader = new Reader();
            reader.start();
        }
    }

    private synchronized void listenerLeft() {
        listeners--;
        if (listeners == 0) {
            idleSince = System.nanoTime();
        }
    }

    /** Called by the reader between polls: whether it should stop (and, if so, it is forgotten). */
    private synchronized boolean stopIfIdle(Reader current) {
        if (reader != current) {
            return true;
        }
        if (listeners == 0 && System.nanoTime() - idleSince >= config.events().idleStop().toNanos()) {
            reader = null;
            return true;
        }
        return false;
    }

    @PreDestroy
    synchronized void stop() {
        if (reader != null) {
            reader.close();
            reader = null;
        }
    }

    void publish(String payload) {
        try {
            JsonNode event = json.readTree(payload);
            hub.onNext(new FeedEvent(event.path("id").asText(), event.path("type").asText(),
                    event.path("data").path("team").asText(null), event.path("subject").asText(null), payload));
        } catch (Exception e) {
            LOG.warnf("skipping a task event that is not CloudEvent JSON: %s", e.getClass().getSimpleName());
        }
    }

    /** One consumer on its own thread; assigned every partition of the topic, from their ends. */
    private final class Reader extends Thread {
        private final KafkaConsumer<String, String> consumer;
        private final Set<TopicPartition> assigned = new HashSet<>();
        private long partitionsCheckedAt;
        private volatile boolean positioned;

        Reader() {
            super("rediacc-task-event-feed");
            setDaemon(true);
            consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ConsumerConfig.CLIENT_ID_CONFIG, "rediacc-queue-event-feed",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"),
                    new StringDeserializer(), new StringDeserializer());
        }

        void close() {
            consumer.wakeup();
        }

        @Override
        public void run() {
            boolean failing = false;
            try {
                while (!stopIfIdle(this)) {
                    try {
                        readOnce();
                        failing = false;
                    } catch (WakeupException stopping) {
                        throw stopping;
                    } catch (KafkaException e) {
                        if (!failing) {
                            LOG.warnf("the live event feed cannot read Kafka (%s); retrying every second", e.getMessage());
                        }
                        failing = true;
                        Thread.sleep(1000);
                    }
                }
            } catch (WakeupException | InterruptedException stopping) {
                // the service is stopping
            } finally {
                consumer.close(Duration.ofSeconds(2));
            }
        }

        private void readOnce() throws InterruptedException {
            if (assigned.isEmpty() || System.nanoTime() - partitionsCheckedAt > PARTITION_REFRESH.toNanos()) {
                assignNewPartitions();
            }
            if (assigned.isEmpty()) {
                Thread.sleep(POLL.toMillis()); // the topic does not exist yet
                return;
            }
            for (ConsumerRecord<String, String> record : consumer.poll(POLL)) {
                publish(record.value());
            }
        }

        /** Partitions that are new (all of them at first) are read from their current end. */
        private void assignNewPartitions() {
            partitionsCheckedAt = System.nanoTime();
            List<PartitionInfo> infos = consumer.partitionsFor(Topics.TASK_EVENTS, Duration.ofSeconds(5));
            List<TopicPartition> added = new ArrayList<>();
            for (PartitionInfo info : infos == null ? List.<PartitionInfo>of() : infos) {
                TopicPartition partition = new TopicPartition(info.topic(), info.partition());
                if (assigned.add(partition)) {
                    added.add(partition);
                }
            }
            if (!added.isEmpty()) {
                consumer.assign(assigned);
                consumer.seekToEnd(added);
                added.forEach(consumer::position); // resolves the end now, before later events arrive
            }
            positioned = !assigned.isEmpty();
        }
    }
}
