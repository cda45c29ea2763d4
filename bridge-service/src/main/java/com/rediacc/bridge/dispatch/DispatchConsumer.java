package com.rediacc.bridge.dispatch;

import com.rediacc.bridge.presence.AssignedPartitions;
import com.rediacc.contract.events.Topics;
import io.opentelemetry.api.OpenTelemetry;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * This bridge's member of the bridges' consumer group on {@link Topics#DISPATCH}: a plain KafkaConsumer
 * polled on a thread of its own, its wake-ups handed to the {@link DispatchListener}. The bridge owns
 * it so that a stopping bridge leaves the group when it stops claiming, before it drains its running
 * tasks, and leaves it even as a static member (docs/adr/0022).
 */
public final class DispatchConsumer {
    private static final Logger LOG = Logger.getLogger(DispatchConsumer.class);
    /** How long one poll waits for wake-ups; also how soon the loop notices it should leave. */
    private static final Duration POLL = Duration.ofSeconds(1);
    /** How long leaving may take: the LeaveGroup request, and the commit of the offsets read. */
    private static final Duration LEAVE_TIMEOUT = Duration.ofSeconds(5);
    /** The longest {@link #leave} waits: the poll under way, the leave, and a poll's worth to spare. */
    public static final Duration LEAVE_WAIT = POLL.plus(LEAVE_TIMEOUT).plus(POLL);

    private final Consumer<String, String> consumer;
    private final DispatchListener listener;
    private final AssignedPartitions partitions;
    private final DispatchTracing tracing;
    private final Thread poller;
    private volatile boolean leaving;

    /** {@code kafka}: the consumer's properties ({@code kafka.*} of the bridge's configuration). */
    public DispatchConsumer(Map<String, Object> kafka, DispatchListener listener, AssignedPartitions partitions,
                            OpenTelemetry openTelemetry) {
        this.consumer = new KafkaConsumer<>(properties(kafka), new StringDeserializer(), new StringDeserializer());
        this.listener = listener;
        this.partitions = partitions;
        this.tracing = new DispatchTracing(openTelemetry);
        this.poller = Thread.ofPlatform().name("dispatch-consumer").daemon(true).unstarted(this::pollUntilLeaving);
    }

    /** The consumer's properties: the configured ones without the settings the group protocol in use refuses. */
    static Map<String, Object> properties(Map<String, Object> kafka) {
        Map<String, Object> properties = new HashMap<>(kafka);
        if ("consumer".equalsIgnoreCase(String.valueOf(properties.get(ConsumerConfig.GROUP_PROTOCOL_CONFIG)))) {
            // KIP-848: the broker assigns partitions and sets the heartbeat and session timeout.
            properties.remove(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG);
            properties.remove(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG);
            properties.remove(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG);
        }
        return properties;
    }

    public void start() {
        poller.start();
    }

    /**
     * Leaves the group: the partitions (the machines) of this bridge go to the others, which look up
     * their ready work on assignment (docs/adr/0017). Returns once the consumer is closed, or after
     * the poll and the leave could have taken.
     */
    public void leave() {
        leaving = true;
        consumer.wakeup();
        try {
            if (!poller.join(LEAVE_WAIT)) {
                LOG.warnf("the dispatch consumer did not leave its group within %s; the group's session timeout will", LEAVE_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** False once it has left the group or its poll loop ended. */
    public boolean polling() {
        return poller.isAlive() && !leaving;
    }

    private void pollUntilLeaving() {
        try {
            consumer.subscribe(List.of(Topics.DISPATCH), new Rebalances());
            while (!leaving) {
                try {
                    for (ConsumerRecord<String, String> record : consumer.poll(POLL)) {
                        tracing.consume(record, () -> listener.onDispatch(record.value()));
                    }
                } catch (WakeupException e) {
                    // leave() woke the poll: the loop's condition ends it
                } catch (KafkaException e) {
                    LOG.errorf(e, "polling the dispatch topic failed; polling again");
                }
            }
        } finally {
            long start = System.nanoTime();
            consumer.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(LEAVE_TIMEOUT));
            LOG.infof("left the dispatch group in %d ms", (System.nanoTime() - start) / 1_000_000);
        }
    }

    /** Kafka calls these on the poll thread, within poll() (and close()). */
    private final class Rebalances implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
            if (!assigned.isEmpty()) {
                partitions.assigned(assigned, consumer.partitionsFor(Topics.DISPATCH).size());
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            partitions.revoked(revoked);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
            partitions.revoked(lost);
        }
    }
}
