package com.rediacc.queue.outbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rediacc.contract.events.Topics;
import com.rediacc.queue.KafkaProbe;
import com.rediacc.queue.TestSupport;
import com.rediacc.testsupport.Await;
import com.rediacc.queue.sql.SqlFiles;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

import static com.rediacc.queue.TestSupport.bridge;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Events reach the real Kafka broker through the outbox, and the outbox drains. */
@QuarkusTest
class OutboxRelayTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    Pool pool;

    @Inject
    ObjectMapper json;

    @Inject
    OutboxRelay relay;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void dispatchAndLifecycleEventsArePublishedAndOutboxDrains() throws Exception {
        try (KafkaProbe probe = new KafkaProbe(bootstrap, List.of(Topics.DISPATCH, Topics.TASK_EVENTS))) {
            String machine = TestSupport.registerMachine(1);
            String taskId = TestSupport.createTask(machine, "echo hi", 2);

            // Nobody claims the task, so the sweeper may send the wake-up again before the event is read.
            List<ConsumerRecord<String, String>> records = probe.awaitUntil(r ->
                    (r.topic().equals(Topics.DISPATCH) && machine.equals(r.key()))
                            || (r.topic().equals(Topics.TASK_EVENTS) && taskId.equals(r.key())),
                    found -> found.stream().map(ConsumerRecord::topic).distinct().count() == 2, Duration.ofSeconds(20));
            assertThat(records).extracting(ConsumerRecord::topic).contains(Topics.DISPATCH, Topics.TASK_EVENTS);
            assertThat(records).filteredOn(r -> r.topic().equals(Topics.TASK_EVENTS)).as("one pending event").hasSize(1);

            JsonNode wake = json.readTree(only(records, Topics.DISPATCH).value());
            assertThat(wake.path("type").asText()).isEqualTo("rediacc.machine.ready");
            assertThat(wake.path("data").path("machine").asText()).isEqualTo(machine);

            JsonNode created = json.readTree(only(records, Topics.TASK_EVENTS).value());
            assertThat(created.path("specversion").asText()).isEqualTo("1.0");
            assertThat(created.path("type").asText()).isEqualTo("rediacc.task.pending");
            assertThat(created.path("subject").asText()).isEqualTo(taskId);
            assertThat(created.path("dataschema").asText()).isEqualTo("urn:rediacc:schema:task-event:1");
            assertThat(UUID.fromString(created.path("id").asText())).isNotNull();
            assertThat(created.path("data").path("status").asText()).isEqualTo("PENDING");
            assertThat(created.path("data").has("output")).isFalse();
        }
        awaitOutboxEmpty();
    }

    @Test
    void finalFailureWithAlertIsPublishedToAlerts() throws Exception {
        try (KafkaProbe probe = new KafkaProbe(bootstrap, List.of(Topics.ALERTS))) {
            String machine = TestSupport.registerMachine(1);
            String quiet = TestSupport.admin().body(Map.of("machine", machine, "command", "false"))
                    .post("/api/v1/tasks").then().statusCode(201).extract().path("taskId");
            failOnce(machine, quiet);
            String loud = TestSupport.admin().body(Map.of("machine", machine, "command", "false", "failureAction", "ALERT"))
                    .post("/api/v1/tasks").then().statusCode(201).extract().path("taskId");
            failOnce(machine, loud);

            // One partition, relayed in commit order: an alert of the quiet task would arrive first.
            List<ConsumerRecord<String, String>> alerts = probe.await(r -> true, 1, Duration.ofSeconds(10));
            assertThat(alerts).extracting(ConsumerRecord::key).containsExactly(loud);
            JsonNode alert = json.readTree(alerts.getFirst().value());
            assertThat(alert.path("type").asText()).isEqualTo("rediacc.alert.task-failed");
            assertThat(alert.path("data").path("status").asText()).isEqualTo("FAILED");
            assertThat(alert.path("data").path("error").asText()).isEqualTo("exit 1");
        }
    }

    @Test
    void oneRelayRunsAtATimeAcrossReplicas() throws Exception {
        // Another replica's relay: holds the outbox's advisory lock in its open transaction.
        SqlConnection otherReplica = pool.getConnection().await().atMost(WAIT);
        try {
            otherReplica.query("BEGIN").execute()
                    .chain(() -> otherReplica.query("SELECT pg_advisory_xact_lock(hashtext('rediacc.outbox-relay'))").execute())
                    .await().atMost(WAIT);
            String machine = TestSupport.registerMachine(1);
            TestSupport.createTask(machine, "echo held", 3);
            assertThat(relay.relayOnce().await().atMost(WAIT)).as("rows relayed while the lock is held").isZero();
            long passes = relay.passesStarted();
            Await.until("this replica's relay ran two more passes while the lock is held", WAIT,
                    () -> relay.passesStarted() >= passes + 2);
            assertThat(outboxRows()).as("rows left for the lock holder").isPositive();
        } finally {
            otherReplica.query("ROLLBACK").execute().chain(otherReplica::close).await().atMost(WAIT);
        }
        awaitOutboxEmpty();
    }

    @Test
    void aRowOfManyMessagesIsSentWholeAndInOrder() throws Exception {
        String key = "many-" + UUID.randomUUID();
        try (KafkaProbe probe = new KafkaProbe(bootstrap, List.of(Topics.TASK_EVENTS))) {
            pool.preparedQuery("INSERT INTO outbox (topics, message_keys, payloads) VALUES ($1, $2, $3)")
                    .execute(Tuple.of(new String[]{Topics.TASK_EVENTS, Topics.TASK_EVENTS, Topics.TASK_EVENTS},
                            new String[]{key, key, key}, new String[]{"{\"n\":1}", "{\"n\":2}", "{\"n\":3}"}))
                    .await().atMost(WAIT);
            relay.wake();
            List<ConsumerRecord<String, String>> records = probe.await(r -> key.equals(r.key()), 3, Duration.ofSeconds(20));
            assertThat(records).extracting(ConsumerRecord::value).containsExactly("{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
        }
        awaitOutboxEmpty();
    }

    @Test
    void aRowNamingNewTasksSendsTheirEventsFirstThenItsMessages() throws Exception {
        UUID first = UUID.randomUUID(), second = UUID.randomUUID();
        try (KafkaProbe probe = new KafkaProbe(bootstrap, List.of(Topics.TASK_EVENTS))) {
            pool.preparedQuery("""
                            INSERT INTO outbox (new_tasks, new_task_teams, new_task_machines, new_task_priorities,
                                                topics, message_keys, payloads)
                            VALUES ($1, '{ops,ops}', '{m1,m2}', '{1,5}', $2, $3, '{"{\\"after\\":true}"}')""")
                    .execute(Tuple.of(new UUID[]{first, second}, new String[]{Topics.TASK_EVENTS},
                            new String[]{first.toString()}))
                    .await().atMost(WAIT);
            relay.wake();
            List<ConsumerRecord<String, String>> records = probe.await(r -> r.key().equals(first.toString())
                    || r.key().equals(second.toString()), 3, Duration.ofSeconds(20));
            // the first task's event and the row's message share a key, hence a partition: their order shows
            List<String> firstKeyed = records.stream().filter(r -> r.key().equals(first.toString()))
                    .map(ConsumerRecord::value).toList();
            assertThat(firstKeyed).hasSize(2);
            assertThat(firstKeyed.get(1)).isEqualTo("{\"after\":true}");
            JsonNode event = json.readTree(firstKeyed.getFirst());
            assertThat(event.path("id").asText()).isEqualTo(first.toString());
            assertThat(event.path("type").asText()).isEqualTo("rediacc.task.pending");
            assertThat(event.path("data").path("team").asText()).isEqualTo("ops");
            assertThat(event.path("data").path("machine").asText()).isEqualTo("m1");
            assertThat(event.path("data").path("priority").asInt()).isEqualTo(1);
            JsonNode other = json.readTree(records.stream().filter(r -> r.key().equals(second.toString()))
                    .findFirst().orElseThrow().value());
            assertThat(other.path("data").path("machine").asText()).isEqualTo("m2");
            assertThat(other.path("data").path("priority").asInt()).isEqualTo(5);
            assertThat(other.path("time").asText()).isEqualTo(event.path("time").asText());
        }
        awaitOutboxEmpty();
    }

    @Test
    void aRowThatNamesTasksBadlyIsRefused() {
        inOwnOutbox(db -> {
            for (String values : List.of(
                    "'{ops}', '{m1,m2}', '{1,1}'",     // a team short
                    "'{ops,ops}', '{m1,NULL}', '{1,1}'", // a machine missing
                    "'{ops,ops}', '{m1,m2}', NULL",     // no priorities
                    "'{ops,ops}', NULL, '{1,1}'")) {    // no machines
                run(db, "SAVEPOINT bad");
                assertThatThrownBy(() -> run(db, "INSERT INTO outbox (new_tasks, new_task_teams, new_task_machines,"
                        + " new_task_priorities) VALUES (ARRAY[gen_random_uuid(), gen_random_uuid()], " + values + ")"))
                        .as(values).hasMessageContaining("outbox_one_message_or_many");
                run(db, "ROLLBACK TO SAVEPOINT bad");
            }
            run(db, "SAVEPOINT bad");
            assertThatThrownBy(() -> run(db, "INSERT INTO outbox (topics, payloads) VALUES ('{t}', '{p}')"))
                    .as("messages without their keys").hasMessageContaining("outbox_one_message_or_many");
            run(db, "ROLLBACK TO SAVEPOINT bad");
        });
    }

    @Test
    void aBatchCallsThousandEventsAreBuiltByTheRelayFromItsRow() throws Exception {
        List<String> compressions = new ArrayList<>();
        pool.query("SELECT attcompression FROM pg_attribute WHERE attrelid = 'outbox'::regclass"
                        + " AND attname IN ('payloads', 'new_task_machines')").execute().await().atMost(WAIT)
                .forEach(r -> compressions.add(r.getString(0)));
        assertThat(compressions).as("V24, V28 (this PostgreSQL has lz4)").hasSize(2).containsOnly("l");
        String machine = TestSupport.registerMachine(1);
        List<Map<String, Object>> tasks = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            tasks.add(Map.of("machine", machine, "command", "echo " + i));
        }
        try (KafkaProbe probe = new KafkaProbe(bootstrap, List.of(Topics.TASK_EVENTS))) {
            // one outbox row naming the thousand tasks (~60 bytes each): the relay builds their events
            List<String> ids = TestSupport.admin().body(Map.of("tasks", tasks)).post("/api/v1/tasks/batch?view=ids")
                    .then().statusCode(200).extract().path("results.task.taskId");
            assertThat(ids).hasSize(1000);
            Set<String> wanted = Set.copyOf(ids);
            List<ConsumerRecord<String, String>> records = probe.await(r -> wanted.contains(r.key()), 1000, Duration.ofSeconds(60));
            // keyed by task, so spread over the topic's partitions: in order within each, not across them
            assertThat(records).extracting(ConsumerRecord::key).as("one event per task").containsExactlyInAnyOrderElementsOf(ids);
            for (ConsumerRecord<String, String> record : records) {
                JsonNode event = json.readTree(record.value());
                assertThat(event.path("type").asText()).isEqualTo("rediacc.task.pending");
                assertThat(event.path("subject").asText()).isEqualTo(record.key());
                assertThat(event.path("id").asText()).isEqualTo(record.key());
                assertThat(event.path("data").path("machine").asText()).isEqualTo(machine);
                assertThat(event.path("data").path("team").asText()).isEqualTo("ops");
            }
        }
        awaitOutboxEmpty();
    }

    @Test
    void aRelayPassTakesRowsWhileFewerThanBatchSizeMessagesComeBeforeThem() {
        // Each pass deletes what it takes; a savepoint puts the rows back for the next batch-size.
        inOwnOutbox(db -> {
            run(db, "INSERT INTO outbox (topic, message_key, payload) VALUES ('t', 'a', '1')");
            run(db, "INSERT INTO outbox (topics, message_keys, payloads) VALUES ('{t,t,t}', '{b,b,b}', '{2,3,4}')");
            run(db, "INSERT INTO outbox (topics, message_keys, payloads) VALUES ('{t,t}', '{c,c}', '{5,6}')");
            run(db, "INSERT INTO outbox (topic, message_key, payload) VALUES ('t', 'd', '7')");
            List<Long> rows = ids(db.query("SELECT id FROM outbox ORDER BY id").execute().await().atMost(WAIT));
            assertThat(rows).hasSize(4);

            // Rows 1..4 hold 1, 3, 2 and 1 messages: 0, 1, 4 and 6 messages come before them.
            Map<Integer, List<Long>> expected = Map.of(
                    1, rows.subList(0, 1), 2, rows.subList(0, 2), 4, rows.subList(0, 2),
                    5, rows.subList(0, 3), 7, rows.subList(0, 4), 100, rows);
            for (var batch : expected.entrySet()) {
                run(db, "SAVEPOINT pass");
                List<Long> taken = ids(db.preparedQuery(SqlFiles.load("relay-batch"))
                        .execute(Tuple.of(batch.getKey())).await().atMost(WAIT));
                assertThat(taken).as("rows taken with batch-size %d", batch.getKey())
                        .containsExactlyInAnyOrderElementsOf(batch.getValue());
                List<Long> left = ids(db.query("SELECT id FROM outbox ORDER BY id").execute().await().atMost(WAIT));
                assertThat(left).as("rows left after a pass with batch-size %d", batch.getKey())
                        .containsExactlyElementsOf(rows.subList(batch.getValue().size(), rows.size()));
                run(db, "ROLLBACK TO SAVEPOINT pass");
            }
        });
    }

    /**
     * The window counts messages from the stored message_count (V26): the rows a pass leaves are not
     * read from TOAST and decompressed. Three rows of a thousand messages each (their payloads in
     * about 60 TOAST chunks apiece, each fetched through the TOAST index) and a pass of batch-size
     * 1,000, which takes the first: the window's buffer accesses (EXPLAIN's) stay below the chunks
     * of one row. With cardinality(payloads) in the window, every chunk of all three rows was read.
     */
    @Test
    void aRelayPassDoesNotReadTheMessagesOfRowsItLeaves() {
        inOwnOutbox(db -> {
            for (int row = 0; row < 3; row++) {
                // random hex: it compresses by half at most, so each row's arrays go to TOAST
                run(db, """
                        INSERT INTO outbox (topics, message_keys, payloads)
                        SELECT array_agg('t'::text), array_agg(g::text),
                               array_agg(md5(random()::text) || md5(random()::text) || md5(random()::text) || md5(random()::text))
                        FROM generate_series(1, 1000) g""");
            }
            // TOAST_MAX_CHUNK_SIZE is 1,996 bytes with 8-kB pages
            long chunksPerRow = db.query("SELECT min(pg_column_size(payloads)) / 1996 FROM outbox")
                    .execute().await().atMost(WAIT).iterator().next().getLong(0);
            assertThat(db.query("SELECT message_count FROM outbox ORDER BY id").execute().await().atMost(WAIT))
                    .extracting(r -> r.getInteger(0)).containsExactly(1000, 1000, 1000);

            // as the relay runs it: a sequential scan would also read every dead row other tests left
            run(db, OutboxRelay.PASS_SETTINGS);
            List<String> plan = new ArrayList<>();
            db.preparedQuery("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) " + SqlFiles.load("relay-batch"))
                    .execute(Tuple.of(1000)).await().atMost(WAIT).forEach(r -> plan.add(r.getString(0)));
            // the window's own (CTE taken); deleting the row taken reads its chunks too, as it must
            long buffers = plan.stream().dropWhile(line -> !line.strip().equals("CTE taken"))
                    .filter(line -> line.strip().startsWith("Buffers:")).findFirst()
                    .map(OutboxRelayTest::bufferAccesses).orElseThrow();
            assertThat(ids(db.query("SELECT id FROM outbox").execute().await().atMost(WAIT))).as("rows left").hasSize(2);
            assertThat(chunksPerRow).as("TOAST chunks of one row's payloads").isGreaterThan(40);
            assertThat(buffers).as("buffers the pass read:\n%s", String.join("\n", plan)).isLessThan(chunksPerRow);
        });
    }

    /**
     * Runs {@code test} in a transaction that sees an empty outbox of its own: it holds the relay's
     * lock (no relay of this replica in between) and everything is rolled back at the end. The lock
     * is taken before the transaction's snapshot: taken by its first statement, the snapshot could
     * predate a relay pass that committed while the lock was awaited, and a DELETE of the outbox
     * then failed with 40001 (concurrent delete).
     */
    private void inOwnOutbox(Consumer<SqlConnection> test) {
        SqlConnection db = pool.getConnection().await().atMost(WAIT);
        try {
            run(db, "SELECT pg_advisory_lock(hashtext('rediacc.outbox-relay'))");
            run(db, "BEGIN ISOLATION LEVEL REPEATABLE READ");
            run(db, "DELETE FROM outbox");
            test.accept(db);
        } finally {
            db.query("ROLLBACK").execute()
                    .chain(() -> db.query("SELECT pg_advisory_unlock(hashtext('rediacc.outbox-relay'))").execute())
                    .chain(db::close).await().atMost(WAIT);
        }
    }

    /** The hits and reads of one EXPLAIN "Buffers:" line: the pages it looked at. */
    private static long bufferAccesses(String line) {
        long pages = 0;
        for (var m = java.util.regex.Pattern.compile("\\b(hit|read)=(\\d+)").matcher(line); m.find(); ) {
            pages += Long.parseLong(m.group(2));
        }
        return pages;
    }

    private static void run(SqlConnection db, String sql) {
        db.query(sql).execute().await().atMost(WAIT);
    }

    private static List<Long> ids(RowSet<Row> rows) {
        List<Long> ids = new ArrayList<>();
        rows.forEach(r -> ids.add(r.getLong("id")));
        return ids;
    }

    private static void failOnce(String machine, String taskId) {
        List<Number> tokens = bridge().body(Map.of("machine", machine, "bridgeId", "test-bridge", "tags", List.of(), "max", 1))
                .post("/api/v1/bridge/claims").then().statusCode(200).extract().path("leaseToken");
        long token = tokens.getFirst().longValue();
        bridge().body(Map.of("leaseToken", token)).post("/api/v1/bridge/tasks/" + taskId + "/start").then().statusCode(204);
        bridge().body(Map.of("leaseToken", token, "outcome", "FAILED", "exitCode", 1, "error", "exit 1"))
                .post("/api/v1/bridge/tasks/" + taskId + "/finish").then().statusCode(204);
    }

    private static ConsumerRecord<String, String> only(List<ConsumerRecord<String, String>> records, String topic) {
        return records.stream().filter(r -> r.topic().equals(topic)).findFirst().orElseThrow();
    }

    private long outboxRows() {
        return pool.query("SELECT count(*) FROM outbox").execute().await().atMost(WAIT).iterator().next().getLong(0);
    }

    private void awaitOutboxEmpty() {
        Await.until("the outbox is empty after relaying", WAIT, () -> outboxRows() == 0);
    }
}
