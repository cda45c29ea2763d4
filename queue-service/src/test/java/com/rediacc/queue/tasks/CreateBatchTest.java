package com.rediacc.queue.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rediacc.contract.events.Topics;
import com.rediacc.queue.KafkaProbe;
import com.rediacc.queue.TestSupport;
import com.rediacc.testsupport.Await;
import com.rediacc.web.ProblemException;
import com.rediacc.queue.outbox.OutboxRelay;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Group commit of POST /tasks (TaskCreateBatcher) against the real PostgreSQL and Kafka. Batches are
 * made deterministic by holding a SHARE lock on the outbox: the first request's batch waits on it,
 * every request submitted meanwhile queues up for the next batch.
 */
@QuarkusTest
class CreateBatchTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    TaskCreateBatcher batcher;

    @Inject
    Pool pool;

    @Inject
    OutboxRelay relay;

    @Inject
    ObjectMapper json;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void aBatchCommitsEveryTaskInArrivalOrderWithHistoryEventsAndOneWakeUp() throws Exception {
        String blockerMachine = TestSupport.registerMachine(1);
        String machine = TestSupport.registerMachine(1);
        try (KafkaProbe probe = new KafkaProbe(bootstrap, List.of(Topics.DISPATCH, Topics.TASK_EVENTS))) {
            List<UUID> ids = new ArrayList<>();
            List<CompletableFuture<TaskCreation.Created>> replies = new ArrayList<>();
            long outboxIdBefore = outboxLastId();
            // The relay is held off so that the batch's outbox rows can be counted before they are sent.
            SqlConnection relayHeld = holdRelay();
            SqlConnection lock = lockOutbox();
            CompletableFuture<TaskCreation.Created> blocker = submit(UUID.randomUUID(), task(blockerMachine, "true", null));
            for (int i = 0; i < 200; i++) {
                UUID id = UUID.randomUUID();
                ids.add(id);
                replies.add(submit(id, task(machine, "echo " + i, null)));
            }
            awaitABatchWaitingForTheOutbox();
            assertThat(replies).as("no answer before the commit").noneMatch(CompletableFuture::isDone);
            release(lock);

            blocker.get(30, TimeUnit.SECONDS);
            for (int i = 0; i < replies.size(); i++) {
                TaskCreation.Created created = replies.get(i).get(30, TimeUnit.SECONDS);
                assertThat(created.isNew()).isTrue();
                assertThat(created.task().taskId()).isEqualTo(ids.get(i));
                assertThat(created.task().status()).isEqualTo(TaskStatus.PENDING);
            }
            // The 200 tasks' events (named, in arrival order) and their machine's wake-up share one outbox row.
            List<Row> rows = new ArrayList<>();
            pool.preparedQuery("""
                            SELECT new_tasks, message_keys, message_count FROM outbox
                            WHERE id > $1 AND (new_tasks && $2 OR message_keys && $3 OR message_key = ANY($3))""")
                    .execute(Tuple.of(outboxIdBefore, ids.toArray(UUID[]::new), new String[]{machine}))
                    .await().atMost(WAIT).forEach(rows::add);
            assertThat(rows).as("outbox rows holding the batch's messages").hasSize(1);
            assertThat(rows.getFirst().getArrayOfUUIDs("new_tasks")).containsExactlyElementsOf(ids);
            assertThat(rows.getFirst().getArrayOfStrings("message_keys")).containsExactly(machine);
            assertThat(rows.getFirst().getInteger("message_count")).isEqualTo(ids.size() + 1);
            release(relayHeld);
            relay.wake();
            // FIFO: seq in the order the requests arrived; one PENDING history row each.
            List<Long> seqs = new ArrayList<>();
            pool.preparedQuery("""
                            SELECT t.seq, (SELECT count(*) FROM task_transitions h WHERE h.task_id = t.task_id
                                             AND h.from_status IS NULL AND h.to_status = 'PENDING'
                                             AND h.actor = 'test') AS history
                            FROM unnest($1::uuid[]) WITH ORDINALITY AS r(task_id, arrival)
                            JOIN tasks t USING (task_id) ORDER BY r.arrival""")
                    .execute(Tuple.of(ids.toArray(UUID[]::new))).await().atMost(WAIT)
                    .forEach(row -> {
                        seqs.add(row.getLong("seq"));
                        assertThat(row.getLong("history")).isEqualTo(1);
                    });
            assertThat(seqs).hasSize(200).isSorted().doesNotHaveDuplicates();

            Set<String> wanted = new HashSet<>();
            ids.forEach(id -> wanted.add(id.toString()));
            List<ConsumerRecord<String, String>> records = probe.awaitUntil(r ->
                    (r.topic().equals(Topics.TASK_EVENTS) && wanted.contains(r.key()))
                            || (r.topic().equals(Topics.DISPATCH) && machine.equals(r.key())),
                    found -> found.stream().filter(r -> r.topic().equals(Topics.TASK_EVENTS)).count() >= 200
                            && found.stream().anyMatch(r -> r.topic().equals(Topics.DISPATCH)),
                    Duration.ofSeconds(2));
            List<ConsumerRecord<String, String>> events = records.stream()
                    .filter(r -> r.topic().equals(Topics.TASK_EVENTS)).toList();
            assertThat(events).as("one pending event per task").hasSize(200);
            assertThat(events).extracting(ConsumerRecord::key).doesNotHaveDuplicates();
            JsonNode event = json.readTree(events.getFirst().value());
            assertThat(event.path("type").asText()).isEqualTo("rediacc.task.pending");
            assertThat(event.path("data").path("machine").asText()).isEqualTo(machine);
            assertThat(event.path("data").path("team").asText()).isEqualTo("ops");
            assertThat(event.path("data").path("attempts").asInt()).isZero();
            assertThat(event.path("data").path("priority").asInt()).isEqualTo(3);
            assertThat(event.path("data").has("previousStatus")).isFalse();
            // Built by the relay from the row's names: the task's id is the event's, the row's commit its time.
            for (ConsumerRecord<String, String> record : events) {
                JsonNode built = json.readTree(record.value());
                assertThat(built.path("id").asText()).isEqualTo(record.key());
                assertThat(built.path("subject").asText()).isEqualTo(record.key());
                assertThat(Instant.parse(built.path("time").asText())).isEqualTo(createdAt(UUID.fromString(record.key())));
            }
            assertThat(records.stream().filter(r -> r.topic().equals(Topics.DISPATCH)))
                    .as("one wake-up for the batch's machine").hasSize(1);
        }
    }

    @Test
    void aBatchWakesOnlyMachinesWithWorkDueNow() throws Exception {
        String blockerMachine = TestSupport.registerMachine(1);
        String running = TestSupport.registerMachine(1);
        String paused = TestSupport.registerMachine(1);
        String delayed = TestSupport.registerMachine(1);
        String overdue = TestSupport.registerMachine(1);
        TestSupport.admin().post("/api/v1/machines/" + paused + "/pause").then().statusCode(200);
        Set<String> machines = Set.of(running, paused, delayed, overdue);
        try (KafkaProbe probe = new KafkaProbe(bootstrap, List.of(Topics.DISPATCH, Topics.TASK_EVENTS))) {
            SqlConnection lock = lockOutbox();
            CompletableFuture<TaskCreation.Created> blocker = submit(UUID.randomUUID(), task(blockerMachine, "true", null));
            List<CompletableFuture<TaskCreation.Created>> replies = List.of(
                    submit(UUID.randomUUID(), task(running, "echo 1", null)),
                    submit(UUID.randomUUID(), task(paused, "echo 2", null)),
                    submit(UUID.randomUUID(), task(delayed, "echo 3", null, Instant.now().plus(Duration.ofHours(1)))),
                    submit(UUID.randomUUID(), task(overdue, "echo 4", null, Instant.now().minus(Duration.ofMinutes(1)))),
                    submit(UUID.randomUUID(), task(running, "echo 5", null)));
            release(lock);
            blocker.get(30, TimeUnit.SECONDS);
            Set<String> created = new HashSet<>();
            for (var reply : replies) {
                created.add(reply.get(30, TimeUnit.SECONDS).task().taskId().toString());
            }

            List<ConsumerRecord<String, String>> records = probe.awaitUntil(
                    r -> r.topic().equals(Topics.DISPATCH) ? machines.contains(r.key()) : created.contains(r.key()),
                    found -> found.stream().filter(r -> r.topic().equals(Topics.TASK_EVENTS)).count() == 5,
                    Duration.ofSeconds(10));
            // Wake-ups are relayed after the events of their batch; a second wait catches any straggler.
            records.addAll(probe.await(r -> r.topic().equals(Topics.DISPATCH) && machines.contains(r.key()),
                    Integer.MAX_VALUE, Duration.ofSeconds(1)));
            assertThat(records).filteredOn(r -> r.topic().equals(Topics.TASK_EVENTS)).as("an event per task").hasSize(5);
            // The sweeper may wake the overdue machine again (its task is ready for longer than ready-for),
            // but never the paused one or the one whose task is not due.
            assertThat(records.stream().filter(r -> r.topic().equals(Topics.DISPATCH)).map(ConsumerRecord::key)
                    .collect(Collectors.toSet()))
                    .as("machines woken: the one with due tasks and the one whose notBefore has passed")
                    .containsExactlyInAnyOrder(running, overdue);
        }
    }

    @Test
    void sameIdempotencyKeyInOneBatchCreatesOneTask() throws Exception {
        String machine = TestSupport.registerMachine(1);
        String key = "nightly-" + machine;
        SqlConnection lock = lockOutbox();
        CompletableFuture<TaskCreation.Created> blocker = submit(UUID.randomUUID(), task(machine, "true", null));
        List<CompletableFuture<TaskCreation.Created>> same = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            same.add(submit(UUID.randomUUID(), task(machine, "backup", key)));
        }
        CompletableFuture<TaskCreation.Created> different = submit(UUID.randomUUID(), task(machine, "rm -rf /", key));
        release(lock);
        blocker.get(30, TimeUnit.SECONDS);

        TaskCreation.Created first = same.getFirst().get(30, TimeUnit.SECONDS);
        assertThat(first.isNew()).isTrue();
        for (var repeat : same.subList(1, same.size())) {
            TaskCreation.Created created = repeat.get(30, TimeUnit.SECONDS);
            assertThat(created.isNew()).isFalse();
            assertThat(created.task().taskId()).isEqualTo(first.task().taskId());
        }
        assertThat(different).failsWithin(WAIT).withThrowableOfType(Exception.class)
                .withCauseInstanceOf(ProblemException.class)
                .withMessageContaining(first.task().taskId().toString());
        assertThat(countTasks("SELECT count(*) FROM tasks WHERE machine = $1 AND idempotency_key IS NOT NULL", machine))
                .isEqualTo(1);

        // And the key still holds for a later batch.
        TaskCreation.Created later = submit(UUID.randomUUID(), task(machine, "backup", key)).get(30, TimeUnit.SECONDS);
        assertThat(later.isNew()).isFalse();
        assertThat(later.task().taskId()).isEqualTo(first.task().taskId());
    }

    @Test
    void aFailingRequestDoesNotFailItsBatch() throws Exception {
        String machine = TestSupport.registerMachine(1);
        SqlConnection lock = lockOutbox();
        CompletableFuture<TaskCreation.Created> blocker = submit(UUID.randomUUID(), task(machine, "true", null));
        CompletableFuture<TaskCreation.Created> before = submit(UUID.randomUUID(), task(machine, "echo before", null));
        CompletableFuture<TaskCreation.Created> unknown = submit(UUID.randomUUID(), task("no-such-machine", "true", null));
        // Fails the whole insert statement (the priority's CHECK; the API never lets it through): the batch is
        // written again one by one. (retried_from has no foreign key since V17: it may name an archived task.)
        NewTask outOfRange = new NewTask(machine, "true", 9, 0, 30, Task.RetryBackoff.FIXED, Task.FailureAction.NONE,
                null, false, null, null, null, null, null, null, null, null, null, null, null, false);
        CompletableFuture<TaskCreation.Created> broken = submit(UUID.randomUUID(), outOfRange);
        CompletableFuture<TaskCreation.Created> after = submit(UUID.randomUUID(), task(machine, "echo after", null));
        release(lock);
        blocker.get(30, TimeUnit.SECONDS);

        assertThat(before.get(30, TimeUnit.SECONDS).isNew()).isTrue();
        assertThat(after.get(30, TimeUnit.SECONDS).isNew()).isTrue();
        assertThat(before.get().task().seq()).isLessThan(after.get().task().seq());
        // TaskCreation answers it with 404, after looking the machine up again
        assertThat(unknown).failsWithin(WAIT).withThrowableOfType(Exception.class)
                .withCauseInstanceOf(TaskCreateBatcher.StaleMachineTeam.class);
        assertThat(broken).failsWithin(WAIT);
        assertThat(countTasks("SELECT count(*) FROM tasks WHERE machine = $1", machine)).isEqualTo(3);
    }

    @Test
    void concurrentPostsAreAllCommittedAndRaceOnOneKeyToOneTask() throws Exception {
        String machine = TestSupport.registerMachine(1);
        String key = "race-" + machine;
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<HttpResponse<String>>> plain = new ArrayList<>();
        List<CompletableFuture<HttpResponse<String>>> keyed = new ArrayList<>();
        List<CompletableFuture<HttpResponse<String>>> unknown = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            plain.add(post(http, Map.of("machine", machine, "command", "echo " + i)));
            if (i % 10 == 0) {
                keyed.add(post(http, Map.of("machine", machine, "command", "backup", "idempotencyKey", key)));
                unknown.add(post(http, Map.of("machine", "no-such-" + machine, "command", "true")));
            }
        }
        Set<String> ids = new HashSet<>();
        for (var response : plain) {
            HttpResponse<String> r = response.get(60, TimeUnit.SECONDS);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            ids.add(json.readTree(r.body()).path("taskId").asText());
        }
        assertThat(ids).hasSize(200);
        Map<Integer, Integer> keyedStatuses = new HashMap<>();
        Set<String> keyedIds = new HashSet<>();
        for (var response : keyed) {
            HttpResponse<String> r = response.get(60, TimeUnit.SECONDS);
            keyedStatuses.merge(r.statusCode(), 1, Integer::sum);
            keyedIds.add(json.readTree(r.body()).path("taskId").asText());
        }
        assertThat(keyedStatuses).isEqualTo(Map.of(201, 1, 200, 19));
        assertThat(keyedIds).hasSize(1);
        for (var response : unknown) {
            assertThat(response.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(404);
        }
        assertThat(countTasks("SELECT count(*) FROM tasks WHERE machine = $1", machine)).isEqualTo(201);
        assertThat(countTasks("""
                SELECT count(*) FROM tasks t WHERE machine = $1
                AND (SELECT count(*) FROM task_transitions h WHERE h.task_id = t.task_id) = 1""", machine)).isEqualTo(201);
    }

    private CompletableFuture<HttpResponse<String>> post(HttpClient http, Map<String, Object> body) throws Exception {
        return http.sendAsync(HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + "/api/v1/tasks"))
                        .header("Authorization", "Bearer " + TestSupport.ADMIN_TOKEN)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private CompletableFuture<TaskCreation.Created> submit(UUID taskId, NewTask task) {
        return batcher.create(taskId, task, "ops", null, "test", null).subscribeAsCompletionStage();
    }

    private static NewTask task(String machine, String command, String idempotencyKey) {
        return task(machine, command, idempotencyKey, null);
    }

    private static NewTask task(String machine, String command, String idempotencyKey, Instant notBefore) {
        return new NewTask(machine, command, 3, 0, 30, Task.RetryBackoff.FIXED, Task.FailureAction.NONE, null, false,
                null, notBefore, idempotencyKey, null, null, null, null, null, null, null, null, false);
    }

    /** Blocks every write to the outbox until released. */
    private SqlConnection lockOutbox() {
        return openTransactionWith("LOCK TABLE outbox IN SHARE MODE");
    }

    /** Holds the lock that relay-batch.sql tries to take: no relay pass sends (or deletes) anything until released. */
    private SqlConnection holdRelay() {
        return openTransactionWith("SELECT pg_advisory_xact_lock(hashtext('rediacc.outbox-relay'))");
    }

    private SqlConnection openTransactionWith(String statement) {
        SqlConnection connection = pool.getConnection().await().atMost(WAIT);
        connection.query("BEGIN").execute()
                .chain(() -> connection.query(statement).execute())
                .await().atMost(WAIT);
        return connection;
    }

    /** A create batch has reached PostgreSQL and waits there for the outbox this test locked. */
    private void awaitABatchWaitingForTheOutbox() {
        Await.until("a create batch waits for the outbox lock", WAIT, () -> pool.query(
                "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'outbox'::regclass")
                .execute().await().atMost(WAIT).iterator().next().getLong(0) > 0);
    }

    private static void release(SqlConnection connection) {
        connection.query("ROLLBACK").execute().chain(() -> connection.close()).await().atMost(WAIT);
    }

    private Instant createdAt(UUID task) {
        return pool.preparedQuery("SELECT created_at FROM tasks WHERE task_id = $1").execute(Tuple.of(task))
                .await().atMost(WAIT).iterator().next().getOffsetDateTime("created_at").toInstant();
    }

    private long outboxLastId() {
        return pool.query("SELECT last_value FROM outbox_id_seq").execute().await().atMost(WAIT).iterator().next().getLong(0);
    }

    private long countTasks(String sql, String machine) {
        return pool.preparedQuery(sql).execute(Tuple.of(machine)).await().atMost(WAIT).iterator().next().getLong(0);
    }
}
