package com.rediacc.queue.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rediacc.contract.events.Topics;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Every task event on {@value Topics#TASK_EVENTS}, as this replica reads it from Kafka (each replica
 * reads all partitions in a consumer group of its own, from the newest offset), fanned out to the
 * live event streams. Events come from Kafka rather than from this replica's outbox, so a stream
 * shows the work of every replica.
 */
@ApplicationScoped
public class TaskEventFeed {
    private static final Logger LOG = Logger.getLogger(TaskEventFeed.class);

    @Inject
    ObjectMapper json;

    private final BroadcastProcessor<FeedEvent> hub = BroadcastProcessor.create();
    private final java.util.concurrent.atomic.AtomicInteger listeners = new java.util.concurrent.atomic.AtomicInteger();

    /** One event: its CloudEvent JSON as published, with what a stream filters on. */
    public record FeedEvent(String id, String type, String team, String payload) {
    }

    @Incoming("task-events-in")
    public void receive(String payload) {
        if (listeners.get() == 0) {
            return; // nobody streams: do not even parse
        }
        try {
            JsonNode event = json.readTree(payload);
            hub.onNext(new FeedEvent(event.path("id").asText(), event.path("type").asText(),
                    event.path("data").path("team").asText(null), payload));
        } catch (Exception e) {
            LOG.warnf("skipping a task event that is not CloudEvent JSON: %s", e.getClass().getSimpleName());
        }
    }

    /** Events from now on; a subscriber too slow to keep up loses the oldest, not the stream. */
    public Multi<FeedEvent> events() {
        return hub.onSubscription().invoke(listeners::incrementAndGet)
                .onTermination().invoke(listeners::decrementAndGet)
                .onOverflow().buffer(1024);
    }
}
