package com.rediacc.queue.outbox;

import com.rediacc.queue.QueueConfig;
import com.rediacc.queue.outbox.OutboxPublisher.OutboxMessage;
import com.rediacc.queue.sql.SqlFiles;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes outbox rows to Kafka and deletes them: at least once, per topic in outbox order (the
 * messages of a row in their array order). Woken right after each commit that wrote events, and
 * by a timer as a safety net (Kafka was down, another replica crashed mid-batch). One relay runs at
 * a time across replicas (an advisory lock held by the batch's transaction); a pass deletes its rows
 * in a transaction that commits only once Kafka acknowledged their messages. The messages go out
 * through {@link OutboxPublisher}.
 */
@Singleton
public class OutboxRelay {
    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final Duration[] RELAY_LAG_BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(5)};

    @Inject
    Pool pool;

    @Inject
    OutboxPublisher kafka;

    @Inject
    NewTaskEvents newTaskEvents;

    @Inject
    QueueConfig config;

    @Inject
    Vertx vertx;

    @Inject
    MeterRegistry registry;

    /**
     * The settings of a relay pass's transaction. The outbox is a queue: mostly dead rows until
     * vacuum runs, and statistics that say it is empty. A sequential scan then reads every dead row
     * (53 ms a batch was seen); the primary key index reaches the oldest live rows directly.
     * The commit need not wait for its WAL flush: if a crash loses it, the rows are sent again,
     * which at-least-once delivery allows. Task creation, whose commits must wait, then shares
     * the disk with one flush less per relay pass.
     */
    static final String PASS_SETTINGS = "SET LOCAL enable_seqscan = off; SET LOCAL synchronous_commit = off";

    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong passesStarted = new AtomicLong();
    private final AtomicBoolean wokenWhileRunning = new AtomicBoolean();
    private volatile boolean stopped;
    private volatile boolean lastBatchFailed;

    /** Asks for a relay pass soon; cheap, safe to call from any thread. */
    public void wake() {
        if (stopped) {
            return;
        }
        if (running.compareAndSet(false, true)) {
            passesStarted.incrementAndGet();
            wokenWhileRunning.set(false);
            relayOnce().subscribe().with(this::afterBatch, this::afterFailure);
        } else {
            wokenWhileRunning.set(true);
        }
    }

    private long timer = -1;

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(config.outbox().pollInterval().toMillis(), id -> wake());
    }

    void onStop(@Observes ShutdownEvent event) {
        stopped = true;
        vertx.cancelTimer(timer);
    }

    /** Relay passes this replica started so far. */
    long passesStarted() {
        return passesStarted.get();
    }

    private void afterBatch(int relayed) {
        lastBatchFailed = false;
        running.set(false);
        if (relayed >= config.outbox().batchSize() || wokenWhileRunning.getAndSet(false)) {
            wake();
        }
    }

    private void afterFailure(Throwable failure) {
        if (!lastBatchFailed) {
            LOG.warnf("outbox relay: Kafka did not take the batch, will retry: %s", failure.getMessage());
        }
        lastBatchFailed = true;
        running.set(false);
    }

    /**
     * Sends one batch of about {@code batch-size} messages (rows hold one or many, see
     * sql/relay-batch.sql); resolves to the number of messages relayed.
     */
    Uni<Integer> relayOnce() {
        return pool.withTransaction(tx -> tx.query(PASS_SETTINGS).execute()
                .chain(() -> tx.preparedQuery(SqlFiles.load("relay-batch")).execute(Tuple.of(config.outbox().batchSize())))
                .flatMap(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(0);
                    }
                    List<Row> taken = new ArrayList<>(rows.size());
                    rows.forEach(taken::add);
                    taken.sort(Comparator.comparingLong(row -> row.getLong("id")));
                    List<OutboxMessage> messages = new ArrayList<>(taken.size());
                    for (Row row : taken) {
                        addMessages(row, messages);
                    }
                    // a refusal fails the transaction: the rows are not deleted
                    return kafka.send(messages).map(acked -> {
                        Instant now = Instant.now();
                        Timer lag = Timer.builder("rediacc.outbox.relay.lag")
                                .description("From an outbox row's commit to Kafka's acknowledgement of its messages")
                                .serviceLevelObjectives(RELAY_LAG_BUCKETS).register(registry);
                        taken.forEach(row -> lag.record(Duration.between(row.getOffsetDateTime("created_at").toInstant(), now)));
                        return messages.size();
                    });
                }));
    }

    /**
     * A row's messages in the order they are sent: its one message; or the events of the tasks it
     * names (V28), then its messages in array order.
     */
    private void addMessages(Row row, List<OutboxMessage> messages) {
        String payload = row.getString("payload");
        if (payload != null) {
            messages.add(new OutboxMessage(row.getString("topic"), row.getString("message_key"), payload, null));
            return;
        }
        UUID[] newTasks = row.getArrayOfUUIDs("new_tasks");
        if (newTasks != null) {
            String[] teams = row.getArrayOfStrings("new_task_teams");
            String[] machines = row.getArrayOfStrings("new_task_machines");
            Short[] priorities = row.getArrayOfShorts("new_task_priorities");
            String[] traces = row.getArrayOfStrings("new_task_trace_parents");
            Instant createdAt = row.getOffsetDateTime("created_at").toInstant();
            for (int i = 0; i < newTasks.length; i++) {
                messages.add(newTaskEvents.created(newTasks[i], teams[i], machines[i], priorities[i], createdAt,
                        traces == null ? null : traces[i]));
            }
        }
        String[] payloads = row.getArrayOfStrings("payloads");
        if (payloads != null) {
            String[] topics = row.getArrayOfStrings("topics");
            String[] keys = row.getArrayOfStrings("message_keys");
            String[] traces = row.getArrayOfStrings("trace_parents");
            for (int i = 0; i < payloads.length; i++) {
                messages.add(new OutboxMessage(topics[i], keys[i], payloads[i], traces == null ? null : traces[i]));
            }
        }
    }
}
