package com.rediacc.queue.tasks;

import com.rediacc.web.ProblemException;
import com.rediacc.queue.audit.AuditRepository;
import com.rediacc.queue.audit.AuditWriter;
import com.rediacc.queue.audit.AuditedCall;
import com.rediacc.queue.machines.MachineRepository;
import com.rediacc.queue.outbox.OutboxRelay;
import com.rediacc.queue.sql.TaskCreatesPool;
import com.rediacc.queue.QueueConfig;
import com.rediacc.queue.tasks.TaskCreation.Created;
import com.rediacc.queue.tasks.store.TaskStore;
import com.rediacc.queue.tasks.store.TaskStore.NewTaskRow;
import com.rediacc.queue.tasks.store.TaskStore.TeamKey;
import io.quarkus.reactive.datasource.ReactiveDataSource;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Group commit of task creation: requests that arrive while earlier batches are being written wait
 * and go together into the next batch, up to {@code max-size}. A batch without idempotency keys is
 * one statement in autocommit (sql/create-tasks.sql: one round trip, one commit); a batch with keys
 * is a transaction that locks the machines and binds the keys before that statement. An idle
 * service writes a request at once, so batching adds no delay; under load the batch grows with the
 * queue. Each caller is answered only after its batch committed, and requests are inserted in
 * arrival order (seq). A request that cannot be stored (unknown machine, idempotency conflict) is
 * answered with its own error; if the transaction fails as a whole, each request is written again
 * alone, so one bad request cannot fail its neighbours. The audit record of a call that brings
 * one ({@link AuditedCall}) is written atomically with its task.
 */
@Singleton
public class TaskCreateBatcher {
    /** Generic plans only (TaskCreatesPool). */
    @Inject
    @ReactiveDataSource(TaskCreatesPool.NAME)
    Pool pool;
    @Inject
    TaskStore tasks;
    @Inject
    MachineRepository machines;
    @Inject
    OutboxRelay relay;

    @Inject
    QueueConfig config;

    /** Single creates waiting for a batch, in arrival order. */
    private final ArrayDeque<List<PendingCreate>> waiting = new ArrayDeque<>();
    private int batchesInFlight;
    /** Batch calls waiting for their statement, in arrival order: each is a statement of its own. */
    private final ArrayDeque<List<PendingCreate>> waitingCalls = new ArrayDeque<>();
    private int callsInFlight;

    /**
     * Stores the task (or finds the idempotent original) in the next batch; resolves after its commit.
     * {@code team}: the machine's team the caller was authorized for; another team's machine of that name is unknown.
     */
    public Uni<Created> create(UUID taskId, NewTask request, String team, String vaultCiphertext, String actor,
                               AuditedCall call) {
        return Uni.createFrom().emitter(reply -> {
            // The row (its event's JSON too) is made here, on the caller's event loop: batches are
            // written one at a time, and the thread that writes them should only join rows.
            PendingCreate pending = new PendingCreate(row(taskId, request, team, vaultCiphertext, actor, call), call,
                    new CallerAnswer(reply, Vertx.currentContext()));
            synchronized (this) {
                waiting.add(List.of(pending));
            }
            writeNextBatch();
        });
    }

    /** One task of a batch call, authorized and with its vaultData encrypted: ready to be stored. */
    public record Prepared(UUID taskId, NewTask task, String team, String vaultCiphertext) {
    }

    /**
     * The tasks of one batch call, written together in one statement of their own, in their order;
     * up to {@code call-concurrency} calls are written at once, beside the single creates' batches
     * (a call's thousand rows need no company to fill a statement, and one statement at a time left
     * all but one core idle while four clients' calls waited in line). Resolves after the commit with one
     * outcome per task: its {@link Created}, or the exception that refused it ({@link StaleMachineTeam}:
     * its machine is gone or of another team now). The call's audit record is the call's own.
     */
    public Uni<List<Object>> createAll(List<Prepared> tasks, String actor) {
        if (tasks.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return Uni.createFrom().emitter(reply -> {
            CallAnswers answers = new CallAnswers(tasks.size(), new CallerAnswer(reply, Vertx.currentContext()));
            List<PendingCreate> unit = new ArrayList<>(tasks.size());
            for (int i = 0; i < tasks.size(); i++) {
                Prepared p = tasks.get(i);
                unit.add(new PendingCreate(row(p.taskId(), p.task(), p.team(), p.vaultCiphertext(), actor, null), null,
                        answers.slot(i)));
            }
            synchronized (this) {
                waitingCalls.add(unit);
            }
            writeNextCall();
        });
    }

    private NewTaskRow row(UUID taskId, NewTask request, String team, String vaultCiphertext, String actor, AuditedCall call) {
        return new NewTaskRow(taskId, team, request, vaultCiphertext, actor,
                call == null ? null : call.record(team, Task.auditTarget(taskId, request.function()), 201));
    }

    private void writeNextBatch() {
        List<PendingCreate> batch;
        synchronized (this) {
            if (waiting.isEmpty() || batchesInFlight >= config.tasks().createBatch().concurrency()) {
                return;
            }
            batchesInFlight++;
            int maxBatchSize = config.tasks().createBatch().maxSize();
            batch = new ArrayList<>(Math.min(waiting.size(), maxBatchSize));
            while (!waiting.isEmpty() && (batch.isEmpty() || batch.size() + waiting.peek().size() <= maxBatchSize)) {
                batch.addAll(waiting.poll());
            }
        }
        // After a commit the next batch goes to PostgreSQL before this one's callers are answered:
        // answering (JSON, HTTP) then overlaps the next statement instead of leaving it idle.
        write(batch).subscribe().with(committed -> {
            nextBatch();
            answer(batch);
        }, failure -> oneByOne(batch, failure).subscribe().with(done -> nextBatch(), neverFails -> nextBatch()));
    }

    private void nextBatch() {
        synchronized (this) {
            batchesInFlight--;
        }
        writeNextBatch();
    }

    private void writeNextCall() {
        List<PendingCreate> call;
        synchronized (this) {
            if (waitingCalls.isEmpty() || callsInFlight >= config.tasks().createBatch().callConcurrency()) {
                return;
            }
            callsInFlight++;
            call = waitingCalls.poll();
        }
        write(call).subscribe().with(committed -> {
            nextCall();
            answer(call);
        }, failure -> oneByOne(call, failure).subscribe().with(done -> nextCall(), neverFails -> nextCall()));
    }

    private void nextCall() {
        synchronized (this) {
            callsInFlight--;
        }
        writeNextCall();
    }

    private Uni<Void> write(List<PendingCreate> batch) {
        return batch.stream().anyMatch(p -> p.request().idempotencyKey() != null)
                ? pool.withTransaction(tx -> writeWithKeys(tx, batch))
                : create(pool, batch);
    }

    private void answer(List<PendingCreate> batch) {
        if (batch.stream().anyMatch(p -> p.answer != null && p.answer.isNew())) {
            relay.wake();
        }
        batch.forEach(PendingCreate::reply);
    }

    /** After a failed batch: each request written alone, so one bad request cannot fail its neighbours. Never fails. */
    private Uni<Void> oneByOne(List<PendingCreate> batch, Throwable failure) {
        if (batch.size() == 1) {
            batch.getFirst().fail(failure);
            return Uni.createFrom().voidItem();
        }
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (PendingCreate p : batch) {
            List<PendingCreate> alone = List.of(p.reset());
            chain = chain.chain(() -> write(alone).onItemOrFailure().transformToUni((committed, failed) -> {
                if (failed == null) {
                    answer(alone);
                } else {
                    p.fail(failed);
                }
                return Uni.createFrom().voidItem();
            }));
        }
        return chain;
    }

    /**
     * A batch with idempotency keys, in one transaction: the machines are locked and their teams
     * checked first, so that a key is bound only for a task that is then stored.
     */
    private Uni<Void> writeWithKeys(SqlClient tx, List<PendingCreate> batch) {
        Set<String> names = new LinkedHashSet<>();
        batch.forEach(p -> names.add(p.request().machine()));
        return machines.lockTeamsForNewTasks(tx, names).flatMap(teams -> {
            List<PendingCreate> known = new ArrayList<>();
            for (PendingCreate p : batch) {
                if (!p.team().equals(teams.get(p.request().machine()))) {
                    p.failure = new StaleMachineTeam();
                } else {
                    known.add(p);
                }
            }
            // Requests with the same key: the first to arrive tries to bind it, the others share its fate.
            Map<TeamKey, List<PendingCreate>> byKey = new LinkedHashMap<>();
            Map<TeamKey, UUID> firstTaskByKey = new LinkedHashMap<>();
            for (PendingCreate p : known) {
                if (p.request().idempotencyKey() != null) {
                    TeamKey key = new TeamKey(p.team(), p.request().idempotencyKey());
                    byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(p);
                    firstTaskByKey.putIfAbsent(key, p.taskId());
                }
            }
            return tasks.bindIdempotencyKeys(tx, firstTaskByKey).flatMap(bound -> {
                Set<TeamKey> taken = new LinkedHashSet<>(byKey.keySet());
                taken.removeAll(bound);
                return tasks.findByIdempotencyKeys(tx, taken).flatMap(originals -> {
                    for (TeamKey key : taken) {
                        Task original = originals.get(key);
                        if (original == null) {
                            throw new IllegalStateException("idempotency key without task");
                        }
                        byKey.get(key).forEach(p -> p.repeatOf(original));
                    }
                    List<PendingCreate> inserting = known.stream()
                            .filter(p -> p.request().idempotencyKey() == null
                                    || firstTaskByKey.get(p.key()).equals(p.taskId()) && bound.contains(p.key()))
                            .toList();
                    return create(tx, inserting).invoke(() -> {
                        for (TeamKey key : bound) {
                            List<PendingCreate> sameKey = byKey.get(key);
                            Task first = sameKey.getFirst().answer.task();
                            sameKey.subList(1, sameKey.size()).forEach(p -> p.repeatOf(first));
                        }
                    }).chain(() -> AuditRepository.append(tx, repeatRecords(batch)));
                });
            });
        });
    }

    /**
     * Stores the tasks with their events, wake-ups and audit records in one statement; answers a
     * request whose machine is gone or of another team than it was authorized for with StaleMachineTeam.
     */
    private Uni<Void> create(SqlClient client, List<PendingCreate> creating) {
        if (creating.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<NewTaskRow> rows = new ArrayList<>(creating.size());
        for (PendingCreate p : creating) {
            rows.add(p.row);
        }
        return tasks.create(client, rows).invoke(stored -> creating.forEach(p -> {
            Task task = stored.get(p.taskId());
            if (task == null) {
                p.failure = new StaleMachineTeam();
            } else {
                p.answer = new Created(task, true);
            }
        })).replaceWithVoid();
    }

    /** The audit records of calls answered with an existing task (idempotent repeats); new tasks bring theirs. */
    private static List<AuditWriter.NewRecord> repeatRecords(List<PendingCreate> batch) {
        List<AuditWriter.NewRecord> records = new ArrayList<>();
        for (PendingCreate p : batch) {
            if (p.call != null && p.answer != null && !p.answer.isNew()) {
                records.add(p.repeatRecord(p.answer.task().taskId()));
            }
        }
        return records;
    }

    /** The machine is gone, or is no longer of the team the request was authorized for. */
    static final class StaleMachineTeam extends RuntimeException {
        StaleMachineTeam() {
            super("the machine is not of the team the request was authorized for", null, false, false);
        }
    }

    private static final class PendingCreate {
        final NewTaskRow row;
        final AuditedCall call;
        final Answer<Created> reply;
        Created answer;
        RuntimeException failure;

        PendingCreate(NewTaskRow row, AuditedCall call, Answer<Created> reply) {
            this.row = row;
            this.call = call;
            this.reply = reply;
        }

        UUID taskId() {
            return row.taskId();
        }

        NewTask request() {
            return row.task();
        }

        /** The machine's team the caller was authorized for. */
        String team() {
            return row.team();
        }

        /** The call's audit record when an existing task answers it, or null when AuditFilter writes it. */
        AuditWriter.NewRecord repeatRecord(UUID task) {
            return call == null ? null : call.record(team(), "task/" + task, 200);
        }

        TeamKey key() {
            return new TeamKey(team(), request().idempotencyKey());
        }

        /** Answers with the task that already holds this request's idempotency key. */
        void repeatOf(Task original) {
            if (request().sameWorkAs(original)) {
                answer = new Created(original, false);
            } else {
                failure = ProblemException.conflict("idempotency key '" + request().idempotencyKey()
                        + "' was used within 24 hours for task " + original.taskId()
                        + " with a different machine, command or priority");
            }
        }

        PendingCreate reset() {
            answer = null;
            failure = null;
            return this;
        }

        void reply() {
            if (failure != null) {
                fail(failure);
            } else {
                reply.complete(answer);
            }
        }

        void fail(Throwable failed) {
            reply.fail(failed);
        }
    }

    /** Where a stored (or refused) request is answered. */
    private interface Answer<T> {
        void complete(T item);

        void fail(Throwable failure);
    }

    /**
     * The caller, answered on its own event loop. Completed here, every answer of a batch would run
     * one after the other on the thread that received the commit, while the callers' event loops
     * (one per core and more) waited; the batch's clients then sent their next requests later, and
     * the next batch was smaller.
     */
    private record CallerAnswer<T>(UniEmitter<? super T> emitter, Context caller) implements Answer<T> {
        @Override
        public void complete(T item) {
            onCallersContext(() -> emitter.complete(item));
        }

        @Override
        public void fail(Throwable failure) {
            onCallersContext(() -> emitter.fail(failure));
        }

        private void onCallersContext(Runnable answer) {
            if (caller == null || caller == Vertx.currentContext()) {
                answer.run();
            } else {
                caller.runOnContext(ignored -> answer.run());
            }
        }
    }

    /** The tasks of one batch call: the call is answered once every one of them is, with all outcomes in order. */
    private static final class CallAnswers {
        private final Object[] outcomes;
        private final Answer<List<Object>> call;
        private int left;

        CallAnswers(int tasks, Answer<List<Object>> call) {
            this.outcomes = new Object[tasks];
            this.call = call;
            this.left = tasks;
        }

        Answer<Created> slot(int index) {
            return new Answer<>() {
                @Override
                public void complete(Created item) {
                    done(index, item);
                }

                @Override
                public void fail(Throwable failure) {
                    done(index, failure);
                }
            };
        }

        private void done(int index, Object outcome) {
            boolean last;
            synchronized (this) {
                outcomes[index] = outcome;
                last = --left == 0;
            }
            if (last) {
                call.complete(Arrays.asList(outcomes));
            }
        }
    }
}
