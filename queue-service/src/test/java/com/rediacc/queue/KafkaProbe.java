package com.rediacc.queue;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** A consumer on the real broker that sees only what is published after it was assigned its partitions. */
public final class KafkaProbe implements AutoCloseable {
    private final KafkaConsumer<String, String> consumer;

    public KafkaProbe(String bootstrap, List<String> topics) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "probe-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()));
        consumer.subscribe(topics);
        Instant deadline = Instant.now().plusSeconds(20);
        while (consumer.assignment().isEmpty() && Instant.now().isBefore(deadline)) {
            consumer.poll(Duration.ofMillis(100));
        }
        assertThat(consumer.assignment()).as("partitions assigned").isNotEmpty();
        // "latest" is resolved lazily, at a later poll: a record published before that would be skipped.
        consumer.assignment().forEach(consumer::position);
    }

    /** Records matching {@code wanted}, polled until {@code count} arrived or the timeout passed. */
    public List<ConsumerRecord<String, String>> await(Predicate<ConsumerRecord<String, String>> wanted, int count,
                                                      Duration timeout) {
        return awaitUntil(wanted, found -> found.size() >= count, timeout);
    }

    /**
     * Records matching {@code wanted}, polled until {@code enough} holds for them or the timeout passed.
     * For topics where a record may legitimately come more than once (a wake-up the sweeper re-sends),
     * so that a count alone could be reached by the repeats.
     */
    public List<ConsumerRecord<String, String>> awaitUntil(Predicate<ConsumerRecord<String, String>> wanted,
                                                           Predicate<List<ConsumerRecord<String, String>>> enough,
                                                           Duration timeout) {
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        Instant deadline = Instant.now().plus(timeout);
        while (!enough.test(found) && Instant.now().isBefore(deadline)) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                if (wanted.test(record)) {
                    found.add(record);
                }
            }
        }
        return found;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
