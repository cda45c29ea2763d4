package com.rediacc.bridge.presence;

import com.rediacc.bridge.work.WorkScheduler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The dispatch partitions Kafka assigned to this bridge (= the machines it serves), as the dispatch
 * consumer's rebalances tell them, and how many partitions the topic has. Newly assigned partitions
 * have their machines' ready work looked at at once (docs/adr/0017).
 */
@ApplicationScoped
public class AssignedPartitions {
    private final Set<Integer> assigned = new ConcurrentSkipListSet<>();
    private volatile int count;

    @Inject
    WorkScheduler scheduler;

    /** {@code partitions} (of the dispatch topic's {@code partitionCount}) are this bridge's now. */
    public void assigned(Collection<TopicPartition> partitions, int partitionCount) {
        count = partitionCount;
        partitions.forEach(p -> assigned.add(p.partition()));
        scheduler.wakeReady(partitions.stream().map(TopicPartition::partition).toList(), partitionCount);
    }

    /** {@code partitions} are no longer this bridge's (revoked, lost, or it left the group). */
    public void revoked(Collection<TopicPartition> partitions) {
        partitions.forEach(p -> assigned.remove(p.partition()));
    }

    public List<Integer> assigned() {
        return List.copyOf(assigned);
    }

    public int count() {
        return count;
    }
}
