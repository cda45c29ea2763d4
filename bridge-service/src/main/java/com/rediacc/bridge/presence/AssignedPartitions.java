package com.rediacc.bridge.presence;

import com.rediacc.bridge.work.WorkScheduler;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The dispatch partitions Kafka assigned to this bridge (= the machines it serves), as the
 * dispatch channel's rebalances tell them (consumer-rebalance-listener.name in
 * application.properties), and how many partitions the topic has. Newly assigned partitions have
 * their machines' ready work looked at at once (docs/adr/0017).
 */
@ApplicationScoped
@Identifier(AssignedPartitions.NAME)
public class AssignedPartitions implements KafkaConsumerRebalanceListener {
    public static final String NAME = "dispatch-partitions";

    private final Set<Integer> assigned = new ConcurrentSkipListSet<>();
    private volatile int count;

    @Inject
    WorkScheduler scheduler;

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        // The dispatch channel reads one topic: every partition here is one of its.
        partitions.forEach(p -> {
            assigned.add(p.partition());
            count = consumer.partitionsFor(p.topic()).size();
        });
        scheduler.wakeReady(partitions.stream().map(TopicPartition::partition).toList(), count);
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        partitions.forEach(p -> assigned.remove(p.partition()));
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        onPartitionsRevoked(consumer, partitions);
    }

    public List<Integer> assigned() {
        return List.copyOf(assigned);
    }

    public int count() {
        return count;
    }
}
