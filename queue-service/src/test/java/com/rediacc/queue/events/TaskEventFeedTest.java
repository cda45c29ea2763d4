package com.rediacc.queue.events;

import com.rediacc.queue.TestSupport;
import com.rediacc.testsupport.Await;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live feed against the real Kafka broker: it reads Kafka only while a stream is open, starts
 * at "now", and stops once the last stream has been closed for rediacc.events.idle-stop.
 */
@QuarkusTest
class TaskEventFeedTest {
    @Inject
    TaskEventFeed feed;

    @Test
    void readsKafkaOnlyWhileSomeoneStreams() throws Exception {
        String machine = TestSupport.registerMachine(1);
        String before = TestSupport.createTask(machine, "echo before", 3); // also makes sure the topic exists
        awaitTrue(() -> !feed.live(), Duration.ofSeconds(20), "the feed stops reading while nobody streams");

        List<TaskEventFeed.FeedEvent> seen = new CopyOnWriteArrayList<>();
        Cancellable stream = feed.events().subscribe().with(seen::add);
        awaitTrue(feed::live, Duration.ofSeconds(20), "the first stream starts a consumer on every partition");
        String during = TestSupport.createTask(machine, "echo during", 3);
        awaitTrue(() -> seen.stream().anyMatch(e -> e.payload().contains(during)), Duration.ofSeconds(20),
                "the event of a task created while streaming arrives");
        assertThat(seen).filteredOn(e -> e.payload().contains(during)).first().satisfies(e -> {
            assertThat(e.type()).isEqualTo("rediacc.task.pending");
            assertThat(e.team()).isEqualTo("ops");
        });
        assertThat(seen).noneMatch(e -> e.payload().contains(before)); // a stream starts at "now"

        stream.cancel();
        awaitTrue(() -> !feed.live(), Duration.ofSeconds(20), "the consumer stops after the idle time (1 s in tests)");
    }

    private static void awaitTrue(BooleanSupplier condition, Duration limit, String what) {
        Await.until(what, limit, condition::getAsBoolean);
    }
}
