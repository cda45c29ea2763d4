package com.rediacc.queue.tasks.store;

import com.rediacc.contract.events.Topics;
import com.rediacc.queue.TestSupport;
import com.rediacc.queue.outbox.OutboxRepository.OutboxRow;
import com.rediacc.queue.tasks.Task;
import com.rediacc.queue.tasks.TaskStatus;
import com.rediacc.queue.tasks.lifecycle.Decision;
import com.rediacc.queue.tasks.lifecycle.RetryPolicy;
import com.rediacc.queue.tasks.lifecycle.TaskEvent;
import com.rediacc.queue.tasks.lifecycle.TaskStateMachine;
import com.rediacc.queue.tasks.lifecycle.TaskStates;
import com.rediacc.queue.tasks.store.TaskStore.WrittenLease;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What any {@link TaskStore} must guarantee, run against the real PostgreSQL: claim order, SKIP
 * LOCKED, fencing, restore at the old place, moves written with their history and messages or not
 * at all, and statements that agree with {@link TaskStateMachine} in every state. The maintenance
 * services are quiet here (their interval is an hour), so that nothing but the test moves a task.
 */
@QuarkusTest
@TestProfile(TaskStoreConformanceTest.QuietMaintenance.class)
class TaskStoreConformanceTest {
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String OUTBOX_HOLDS = "SELECT count(*) FROM outbox WHERE $1 = ANY(payloads)";

    public static class QuietMaintenance implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("rediacc.sweeper.interval", "1h");
        }
    }

    private final TaskStateMachine machine = new TaskStateMachine(new RetryPolicy(Duration.ofHours(1), 0,
            RandomGenerator.getDefault()));

    @Inject
    TaskStore store;

    @Inject
    Pool pool;

    @Test
    void claimCandidatesComeByPriorityThenCreationOrderWithinTheMachinesFreeSlots() {
        String m = TestSupport.registerMachine(3);
        TestSupport.createTask(m, "echo low", 5);
        String firstHigh = TestSupport.createTask(m, "echo high-1", 1);
        String normal = TestSupport.createTask(m, "echo normal", 3);
        String secondHigh = TestSupport.createTask(m, "echo high-2", 1);

        List<String> claimed = ids(claim(m, 10));
        assertThat(claimed).containsExactly(firstHigh, secondHigh, normal);
        assertThat(claim(m, 10)).as("three running: the machine's three slots are taken").isEmpty();
    }

    @Test
    void claimCandidatesSkipTasksLockedElsewhereInsteadOfWaiting() {
        String m = TestSupport.registerMachine(2);
        UUID first = UUID.fromString(TestSupport.createTask(m, "echo first", 3));
        String second = TestSupport.createTask(m, "echo second", 3);

        List<String> seenWhileLocked = pool.withTransaction(holder -> store.lock(holder, first)
                        .flatMap(locked -> pool.withTransaction(claimer -> store.lockClaimCandidates(claimer, m, 10, List.of()))))
                .map(candidates -> ids(candidates.tasks()))
                .await().atMost(WAIT);
        assertThat(seenWhileLocked).as("the locked first task is passed over, not waited for").containsExactly(second);
        assertThat(ids(pool.withTransaction(tx -> store.lockClaimCandidates(tx, m, 10, List.of()))
                .await().atMost(WAIT).tasks())).containsExactly(first.toString(), second);
    }

    @Test
    void expiredLeasesLockedElsewhereAreSkipped() {
        String m = TestSupport.registerMachine(2);
        TestSupport.createTask(m, "echo a", 3);
        TestSupport.createTask(m, "echo b", 3);
        List<Task> running = claim(m, 2);
        UUID a = running.get(0).taskId();
        UUID b = running.get(1).taskId();
        sql("UPDATE tasks SET lease_expires_at = now() - interval '1 second' WHERE task_id = ANY($1)",
                Tuple.of(new UUID[] {a, b}));

        List<UUID> reapable = pool.withTransaction(holder -> store.lock(holder, a)
                        .flatMap(locked -> pool.withTransaction(reaper -> store.lockExpiredLeases(reaper, 100_000))))
                .map(expired -> expired.stream().map(Task::taskId).filter(id -> id.equals(a) || id.equals(b)).toList())
                .await().atMost(WAIT);
        assertThat(reapable).as("another replica's reaper takes only what this one does not hold").containsExactly(b);
    }

    @Test
    void everyGrantedLeaseHasANewHigherTokenAndAStaleTokenChangesNothing() {
        String m = TestSupport.registerMachine(1);
        UUID id = UUID.fromString(TestSupport.createTask(m, "true", 3));
        WrittenLease first = grant(m);
        release(id, first.leaseToken());
        WrittenLease second = grant(m);
        assertThat(second.taskId()).isEqualTo(id);
        assertThat(second.leaseToken()).as("fencing token of the second claim").isGreaterThan(first.leaseToken());
        assertThat(second.attemptToken()).as("each claim is a new attempt").isNotEqualTo(first.attemptToken());

        var expiry = stored(id).getOffsetDateTime("lease_expires_at");
        assertThat(store.heartbeat(id, first.leaseToken(), LEASE, 0, "late", 42L).await().atMost(WAIT))
                .as("a heartbeat of the first, fenced-out lease").isEmpty();
        Row after = stored(id);
        assertThat(after.getOffsetDateTime("lease_expires_at")).isEqualTo(expiry);
        assertThat(after.getString("output")).isEmpty();
        assertThat(after.getLong("remote_pid")).isNull();
        assertThat(store.heartbeat(id, second.leaseToken(), LEASE, 0, "live", 42L).await().atMost(WAIT))
                .contains(new TaskStore.HeartbeatResult(false, 4));
    }

    @Test
    void aTaskGoesBackToItsOldPlaceAndIsClaimedBeforeLaterOnes() {
        String m = TestSupport.registerMachine(1);
        UUID earlier = UUID.fromString(TestSupport.createTask(m, "echo earlier", 3));
        TestSupport.createTask(m, "echo later", 3);
        long seq = stored(earlier).getLong("seq");

        WrittenLease lease = grant(m);
        assertThat(lease.taskId()).isEqualTo(earlier);
        release(earlier, lease.leaseToken());
        Row back = stored(earlier);
        assertThat(back.getString("status")).isEqualTo("PENDING");
        assertThat(back.getLong("seq")).as("same place").isEqualTo(seq);
        assertThat(back.getLong("lease_token")).isNull();
        assertThat(grant(m).taskId()).as("claimed again before the later task").isEqualTo(earlier);
    }

    @Test
    void aMoveIsWrittenWithItsHistoryAndMessagesOrNotAtAll() {
        String m = TestSupport.registerMachine(1);
        UUID id = UUID.fromString(TestSupport.createTask(m, "true", 3));
        OutboxRow message = new OutboxRow(Topics.TASK_EVENTS, id.toString(), "{\"marker\":\"" + UUID.randomUUID() + "\"}");
        long historyBefore = count("SELECT count(*) FROM task_history WHERE task_id = $1", id);

        assertThatThrownBy(() -> pool.withTransaction(tx -> store.lock(tx, id)
                        .flatMap(task -> store.apply(tx, List.of(cancel(task.orElseThrow())), "test", null, LEASE, List.of(message)))
                        .flatMap(written -> Uni.createFrom().failure(new IllegalStateException("rolled back"))))
                .await().atMost(WAIT)).hasMessage("rolled back");
        assertThat(stored(id).getString("status")).isEqualTo("PENDING");
        assertThat(count("SELECT count(*) FROM task_history WHERE task_id = $1", id)).isEqualTo(historyBefore);
        assertThat(outboxHolds(message.payload())).isFalse();

        // Read inside the transaction: once committed, the relay may send and delete the message at any moment.
        boolean messageWritten = pool.withTransaction(tx -> store.lock(tx, id)
                        .flatMap(task -> store.apply(tx, List.of(cancel(task.orElseThrow())), "test", null, LEASE, List.of(message)))
                        .flatMap(written -> tx.preparedQuery(OUTBOX_HOLDS).execute(Tuple.of(message.payload())))
                        .map(rows -> rows.iterator().next().getLong(0) > 0))
                .await().atMost(WAIT);
        assertThat(messageWritten).isTrue();
        Row cancelled = stored(id);
        assertThat(cancelled.getString("status")).isEqualTo("CANCELLED");
        assertThat(cancelled.getOffsetDateTime("completed_at")).isNotNull();
        assertThat(count("SELECT count(*) FROM task_history WHERE task_id = $1 AND to_status = 'CANCELLED' AND actor = 'test'",
                id)).isEqualTo(historyBefore + 1);
    }

    @Test
    void aLostAttemptKeepsItsAttemptTokenAndLosesItsLease() {
        String m = TestSupport.registerMachine(1);
        UUID id = UUID.fromString(TestSupport.createTask(m, "sleep 600", 3));
        WrittenLease lease = grant(m);
        apply(id, new TaskEvent.Start(lease.leaseToken()));
        store.heartbeat(id, lease.leaseToken(), LEASE, 0, "", 4242L).await().atMost(WAIT);

        apply(id, new TaskEvent.LeaseExpired());
        Row lost = stored(id);
        assertThat(lost.getString("status")).isEqualTo("PROCESSING");
        assertThat(lost.getLong("lease_token")).as("the lost bridge is fenced out").isNull();
        assertThat(lost.getString("lease_owner")).isNull();
        assertThat(lost.getOffsetDateTime("lost_since")).isNotNull();
        assertThat(lost.getString("attempt_token")).isEqualTo(lease.attemptToken());
        assertThat(lost.getLong("remote_pid")).as("kept, so a bridge can end that process group").isEqualTo(4242L);

        apply(id, new TaskEvent.LostAttemptEnded(lease.attemptToken(), "killed by bridge:test"));
        Row settled = stored(id);
        assertThat(settled.getString("status")).isEqualTo("FAILED");
        assertThat(settled.getOffsetDateTime("lost_since")).isNull();
        assertThat(settled.getLong("remote_pid")).isNull();
    }

    /** heartbeat.sql renews exactly the leases the state machine says are held, in every state. */
    @Test
    void heartbeatsAgreeWithTheStateMachineInEveryState() {
        for (TaskStates.State state : TaskStates.State.values()) {
            UUID id = rowIn(state, TestSupport.registerMachine(2));
            Task task = store.find(id).await().atMost(WAIT).orElseThrow();
            boolean held = machine.decide(task, new TaskEvent.Heartbeat(TaskStates.LEASE), Instant.now())
                    instanceof Decision.Move;
            assertThat(store.heartbeat(id, TaskStates.LEASE, LEASE, 0, "", null).await().atMost(WAIT).isPresent())
                    .as("heartbeat renewed in state %s", state).isEqualTo(held);
        }
    }

    /** claim-candidates.sql offers exactly the tasks the state machine would let a claim take, in every state. */
    @Test
    void claimCandidatesAgreeWithTheStateMachineInEveryState() {
        for (TaskStates.State state : TaskStates.State.values()) {
            for (List<String> tags : List.of(List.<String>of(), List.of("gpu"))) {
                for (String tag : new String[] {null, "gpu"}) {
                    String m = TestSupport.registerMachine(2);
                    UUID id = rowIn(state, m);
                    sql("UPDATE tasks SET tag = $2 WHERE task_id = $1", Tuple.of(id, tag));
                    TaskStore.Candidates candidates = pool.withTransaction(tx -> store.lockClaimCandidates(tx, m, 10, tags))
                            .await().atMost(WAIT);
                    Task task = store.find(id).await().atMost(WAIT).orElseThrow();
                    assertThat(candidates.tasks().stream().map(Task::taskId).toList().contains(id))
                            .as("offered in state %s, tag %s, bridge tags %s", state, tag, tags)
                            .isEqualTo(TaskStateMachine.claimable(task, tags, Instant.now()));
                }
            }
        }
    }

    /**
     * After the tasks it offers, a claim says whether a ready task is left, exactly as the state
     * machine judges readiness: in every state, behind a first task that the claim takes.
     */
    @Test
    void readyWorkLeftAfterAClaimAgreesWithTheStateMachineInEveryState() {
        for (TaskStates.State state : TaskStates.State.values()) {
            for (List<String> tags : List.of(List.<String>of(), List.of("gpu"))) {
                for (String tag : new String[] {null, "gpu"}) {
                    String m = TestSupport.registerMachine(3);
                    String first = TestSupport.createTask(m, "echo first", 1);
                    UUID id = rowIn(state, m);
                    sql("UPDATE tasks SET tag = $2 WHERE task_id = $1", Tuple.of(id, tag));
                    TaskStore.Candidates candidates = pool.withTransaction(tx -> store.lockClaimCandidates(tx, m, 1, tags))
                            .await().atMost(WAIT);
                    Task task = store.find(id).await().atMost(WAIT).orElseThrow();
                    assertThat(ids(candidates.tasks())).containsExactly(first);
                    assertThat(candidates.readyLeft()).as("ready work left in state %s, tag %s, bridge tags %s", state, tag, tags)
                            .isEqualTo(TaskStateMachine.claimable(task, tags, Instant.now()));
                }
            }
        }
    }

    @Test
    void aClaimSaysReadyWorkIsLeftWhenTheMachinesSlotsOrItsMaxStoppedIt() {
        String m = TestSupport.registerMachine(2);
        TestSupport.createTask(m, "echo a", 3);
        TestSupport.createTask(m, "echo b", 3);
        TestSupport.createTask(m, "echo c", 3);

        TaskStore.Candidates byMax = pool.withTransaction(tx -> store.lockClaimCandidates(tx, m, 1, List.of()))
                .await().atMost(WAIT);
        assertThat(byMax.tasks()).hasSize(1);
        assertThat(byMax.readyLeft()).as("stopped by max").isTrue();

        assertThat(claim(m, 10)).as("the machine's two slots").hasSize(2);
        TaskStore.Candidates full = pool.withTransaction(tx -> store.lockClaimCandidates(tx, m, 10, List.of()))
                .await().atMost(WAIT);
        assertThat(full.tasks()).as("no free slot").isEmpty();
        assertThat(full.readyLeft()).as("c waits for a slot").isTrue();
        assertThat(full.now()).as("judged at the database's time even when nothing is offered").isNotNull();

        String idle = TestSupport.registerMachine(2);
        TestSupport.createTask(idle, "echo only", 3);
        TaskStore.Candidates all = pool.withTransaction(tx -> store.lockClaimCandidates(tx, idle, 10, List.of()))
                .await().atMost(WAIT);
        assertThat(all.tasks()).hasSize(1);
        assertThat(all.readyLeft()).as("all ready work offered").isFalse();
        String empty = TestSupport.registerMachine(2);
        TaskStore.Candidates none = pool.withTransaction(tx -> store.lockClaimCandidates(tx, empty, 10, List.of()))
                .await().atMost(WAIT);
        assertThat(none.tasks()).isEmpty();
        assertThat(none.readyLeft()).as("a machine without tasks").isFalse();
    }

    @Test
    void aTaskPassedOverAsLockedElsewhereCountsAsReadyWorkLeft() {
        String m = TestSupport.registerMachine(2);
        UUID first = UUID.fromString(TestSupport.createTask(m, "echo first", 3));
        TestSupport.createTask(m, "echo second", 3);

        TaskStore.Candidates whileLocked = pool.withTransaction(holder -> store.lock(holder, first)
                        .flatMap(locked -> pool.withTransaction(claimer -> store.lockClaimCandidates(claimer, m, 10, List.of()))))
                .await().atMost(WAIT);
        assertThat(whileLocked.tasks()).hasSize(1);
        assertThat(whileLocked.readyLeft()).isTrue();
    }

    /** A task of {@code machine} written as a row in {@code state} (times relative to the database's now). */
    private UUID rowIn(TaskStates.State state, String machineName) {
        UUID id = UUID.fromString(TestSupport.createTask(machineName, "true", 3));
        Task want = TaskStates.task(state);
        sql("""
                UPDATE tasks SET status = $2, lease_token = $3, lease_owner = CASE WHEN $3::bigint IS NULL THEN NULL ELSE 'b' END,
                       lease_expires_at = CASE WHEN $3::bigint IS NULL THEN NULL ELSE now() + interval '1 minute' END,
                       attempt_token = $4, cancel_requested = $5,
                       lost_since = CASE WHEN $6 THEN now() - interval '10 seconds' END,
                       not_before = CASE WHEN $7 THEN now() + interval '1 hour' END,
                       group_id = $8, held = $9
                WHERE task_id = $1""",
                Tuple.from(Arrays.asList(id, want.status().name(), want.leaseToken(), want.attemptToken(),
                        want.cancelRequested(), want.lostSince() != null, want.notBefore() != null, want.groupId(),
                        want.held())));
        return id;
    }

    private List<Task> claim(String m, int max) {
        return pool.withTransaction(tx -> store.lockClaimCandidates(tx, m, max, List.of()).flatMap(candidates -> {
            List<Decision.Move> moves = new ArrayList<>();
            for (Task task : candidates.tasks()) {
                moves.add((Decision.Move) machine.decide(task, new TaskEvent.Claim(List.of()), candidates.now()));
            }
            return store.apply(tx, moves, "bridge:test", "test", LEASE, List.of()).replaceWith(candidates.tasks());
        })).await().atMost(WAIT);
    }

    private WrittenLease grant(String m) {
        return pool.withTransaction(tx -> store.lockClaimCandidates(tx, m, 1, List.of()).flatMap(candidates -> {
            Decision.Move move = (Decision.Move) machine.decide(candidates.tasks().getFirst(),
                    new TaskEvent.Claim(List.of()), candidates.now());
            return store.apply(tx, List.of(move), "bridge:test", "test", LEASE, List.of());
        })).await().atMost(WAIT).getFirst();
    }

    private void release(UUID id, long leaseToken) {
        apply(id, new TaskEvent.Release(leaseToken));
    }

    private void apply(UUID id, TaskEvent event) {
        pool.withTransaction(tx -> store.lock(tx, id).flatMap(task -> {
            Decision.Move move = (Decision.Move) machine.decide(task.orElseThrow(), event, Instant.now());
            return store.apply(tx, List.of(move), "test", "test", LEASE, List.of());
        })).await().atMost(WAIT);
    }

    private Decision.Move cancel(Task task) {
        return (Decision.Move) machine.decide(task, new TaskEvent.Cancel(), Instant.now());
    }

    private Row stored(UUID id) {
        return pool.preparedQuery("SELECT * FROM tasks WHERE task_id = $1").execute(Tuple.of(id)).await().atMost(WAIT)
                .iterator().next();
    }

    private long count(String query, UUID id) {
        return pool.preparedQuery(query).execute(Tuple.of(id)).await().atMost(WAIT).iterator().next().getLong(0);
    }

    private boolean outboxHolds(String payload) {
        return pool.preparedQuery(OUTBOX_HOLDS).execute(Tuple.of(payload))
                .await().atMost(WAIT).iterator().next().getLong(0) > 0;
    }

    private void sql(String statement, Tuple args) {
        pool.preparedQuery(statement).execute(args).await().atMost(WAIT);
    }

    private static List<String> ids(List<Task> tasks) {
        return tasks.stream().map(task -> task.taskId().toString()).toList();
    }
}
