package com.rediacc.queue.tasks.store;

import com.rediacc.contract.bridge.LostAttempt;
import com.rediacc.queue.audit.AuditRepository;
import com.rediacc.queue.audit.AuditWriter;
import com.rediacc.queue.outbox.OutboxRepository;
import com.rediacc.queue.outbox.OutboxRepository.OutboxRow;
import com.rediacc.queue.sql.Columns;
import com.rediacc.queue.sql.SqlFiles;
import com.rediacc.queue.tasks.FunctionCall;
import com.rediacc.queue.tasks.HistoryEntry;
import com.rediacc.queue.tasks.NewTask;
import com.rediacc.queue.tasks.PurgeFilter;
import com.rediacc.queue.tasks.Task;
import com.rediacc.queue.tasks.TaskFilter;
import com.rediacc.queue.tasks.TaskStatus;
import com.rediacc.queue.tasks.lifecycle.Decision;
import com.rediacc.queue.tasks.lifecycle.TaskProgress;
import com.rediacc.queue.tasks.lifecycle.TaskStateMachine;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** {@link TaskStore} on PostgreSQL. Statements that matter live in resources/sql. */
@Singleton
public class PgTaskStore implements TaskStore {
    /** The transaction's moves are counted by its statements, not per task by V16's row trigger (V25). */
    private static final String MOVES_COUNTED_BY_STATEMENT = "SELECT set_config('rediacc.moves_counted', 'by statement', true)";
    /** The oldest of sql/oldest-pending.sql's per-machine ages, taken in the database: one row, not one per machine. */
    private static final String OLDEST_PENDING_AGE =
            "SELECT max(age_seconds) AS age_seconds FROM (" + SqlFiles.load("oldest-pending") + ") ages";

    @Inject
    Pool pool;

    @Inject
    OutboxRepository outbox;

    /**
     * Stores the tasks (seq in list order; each row is also its task's first history entry) with
     * their events (named in the outbox, built by the relay) and audit records, and wakes the
     * bridges of their machines, in one statement
     * (sql/create-tasks.sql) through {@code client}: the pool (autocommit) or a transaction. A task
     * whose machine is gone or not of its row's team is not stored. Returns the stored tasks by id.
     */
    @Override
    public Uni<Map<UUID, Task>> create(SqlClient client, List<NewTaskRow> rows) {
        int n = rows.size();
        UUID[] ids = new UUID[n];
        String[] teams = new String[n], machines = new String[n], commands = new String[n], backoffs = new String[n],
                failureActions = new String[n], tags = new String[n], keys = new String[n], vaultData = new String[n],
                shapes = new String[n], actors = new String[n],
                onExits = new String[n], stdins = new String[n], contexts = new String[n], functionNames = new String[n],
                functionParams = new String[n];
        UUID[] onExitOf = new UUID[n], groups = new UUID[n];
        Integer[] functionVersions = new Integer[n];
        Boolean[] held = new Boolean[n];
        Short[] priorities = new Short[n];
        Integer[] maxRetries = new Integer[n], retryDelays = new Integer[n], timeouts = new Integer[n];
        Boolean[] resumable = new Boolean[n];
        OffsetDateTime[] notBefore = new OffsetDateTime[n];
        UUID[] retriedFrom = new UUID[n];
        String[] traceParents = new String[n];
        Map<String, String> wakeUpTraces = new HashMap<>();
        List<AuditWriter.NewRecord> audit = new ArrayList<>(n);
        List<UUID> auditTasks = new ArrayList<>(n);
        Set<String> wakeUps = new LinkedHashSet<>();
        for (int i = 0; i < n; i++) {
            NewTaskRow row = rows.get(i);
            NewTask task = row.task();
            ids[i] = row.taskId();
            teams[i] = row.team();
            machines[i] = task.machine();
            commands[i] = task.command();
            priorities[i] = (short) task.priority();
            maxRetries[i] = task.maxRetries();
            retryDelays[i] = task.retryDelay();
            backoffs[i] = task.retryBackoff().name();
            failureActions[i] = task.failureAction().name();
            tags[i] = task.tag();
            resumable[i] = task.resumable();
            timeouts[i] = task.timeoutSeconds();
            notBefore[i] = Columns.timestamp(task.notBefore());
            keys[i] = task.idempotencyKey();
            retriedFrom[i] = task.retriedFrom();
            vaultData[i] = row.vaultCiphertext();
            shapes[i] = task.vaultDataShape() == null ? null : task.vaultDataShape().toString();
            actors[i] = row.actor();
            onExits[i] = task.onExitCommand();
            onExitOf[i] = task.onExitOf();
            stdins[i] = task.stdinData();
            contexts[i] = row.vaultDataContext();
            FunctionCall function = task.function();
            functionNames[i] = function == null ? null : function.name();
            functionVersions[i] = function == null ? null : function.version();
            functionParams[i] = function == null ? null : function.params().toString();
            groups[i] = task.groupId();
            held[i] = task.held();
            traceParents[i] = row.traceParent();
            if (row.audit() != null) {
                audit.add(row.audit());
                auditTasks.add(row.taskId());
            }
            wakeUps.add(task.machine());
            if (row.traceParent() != null) {
                wakeUpTraces.putIfAbsent(task.machine(), row.traceParent()); // a wake-up joins its first task's trace
            }
        }
        // One wake-up per machine; the statement keeps those of machines that got a task due now.
        List<OutboxRepository.OutboxRow> wakeUpRows = new ArrayList<>(wakeUps.size());
        List<String> wakeUpRowTraces = new ArrayList<>(wakeUps.size());
        for (String machine : wakeUps) {
            wakeUpRows.add(outbox.machineReadyRow(machine));
            wakeUpRowTraces.add(wakeUpTraces.get(machine));
        }
        // An optional column no task of the batch uses goes as no array at all (orNone): unnest pads a
        // missing array with nulls, and a thousand nulls a column cost encoding and decoding on both sides.
        List<Object> params = new ArrayList<>(Arrays.<Object>asList(ids, teams, machines, commands, priorities, maxRetries,
                retryDelays, backoffs, failureActions, orNone(tags), resumable, orNone(timeouts), orNone(notBefore),
                orNone(keys), orNone(retriedFrom), orNone(vaultData), orNone(shapes), actors,
                wakeUpRows.stream().map(OutboxRepository.OutboxRow::topic).toArray(String[]::new),
                wakeUpRows.stream().map(OutboxRepository.OutboxRow::key).toArray(String[]::new),
                wakeUpRows.stream().map(OutboxRepository.OutboxRow::payload).toArray(String[]::new),
                orNone(wakeUpRowTraces.toArray(String[]::new)),
                auditTasks.toArray(UUID[]::new)));
        params.addAll(Arrays.asList(AuditRepository.columns(audit)));
        params.addAll(Arrays.asList(orNone(onExits), orNone(onExitOf), orNone(stdins), orNone(contexts),
                orNone(functionNames), orNone(functionVersions), orNone(functionParams), orNone(groups), held,
                orNone(traceParents)));
        return client.preparedQuery(SqlFiles.load("create-tasks"))
                .execute(Tuple.from(params))
                .map(inserted -> {
                    Map<UUID, NewTaskRow> requested = new HashMap<>();
                    rows.forEach(row -> requested.put(row.taskId(), row));
                    Map<UUID, Task> byId = new HashMap<>();
                    inserted.forEach(r -> {
                        UUID taskId = r.getUUID("task_id");
                        byId.put(taskId, stored(requested.get(taskId), r));
                    });
                    return byId;
                });
    }

    /** The values, or null when every one of them is null. */
    private static <T> T[] orNone(T[] values) {
        for (T value : values) {
            if (value != null) {
                return values;
            }
        }
        return null;
    }

    /** A task as create-tasks.sql stored it: the request's values, the rest as the columns' defaults. */
    private static Task stored(NewTaskRow row, Row written) {
        NewTask task = row.task();
        return new Task(row.taskId(), row.team(), task.machine(), task.command(), TaskStateMachine.INITIAL, task.priority(),
                task.maxRetries(), task.maxRetries(), task.retryDelay(), task.retryBackoff(), task.failureAction(),
                task.tag(), task.resumable(), task.timeoutSeconds(), Columns.instant(written, "not_before"),
                task.idempotencyKey(), task.retriedFrom(), false, Columns.json(written, "vault_data_shape"), "", false, null, null, 0,
                Columns.instant(written, "created_at"), null, null, null, written.getLong("seq"), null, row.vaultCiphertext(),
                null, null, task.onExitCommand(), task.onExitOf(), task.stdinData(), row.vaultDataContext(),
                task.function(), task.groupId(), task.held(), row.traceParent(), false);
    }

    /**
     * Binds each key to its task unless a binding younger than 24 hours exists; returns the keys now
     * bound to the given tasks. Keys must be distinct.
     */
    @Override
    public Uni<Set<TeamKey>> bindIdempotencyKeys(SqlClient tx, Map<TeamKey, UUID> taskByKey) {
        if (taskByKey.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        // Sorted, so concurrent batches take the key rows' locks in the same order.
        var sorted = new ArrayList<>(taskByKey.entrySet());
        sorted.sort(Comparator.comparing((Map.Entry<TeamKey, UUID> e) -> e.getKey().team())
                .thenComparing(e -> e.getKey().key()));
        return tx.preparedQuery(SqlFiles.load("bind-idempotency-keys"))
                .execute(Tuple.of(sorted.stream().map(e -> e.getKey().team()).toArray(String[]::new),
                        sorted.stream().map(e -> e.getKey().key()).toArray(String[]::new),
                        sorted.stream().map(Map.Entry::getValue).toArray(UUID[]::new)))
                .map(rows -> {
                    Set<TeamKey> bound = new HashSet<>();
                    rows.forEach(r -> bound.add(new TeamKey(r.getString("team"), r.getString("key"))));
                    return bound;
                });
    }

    @Override
    public Uni<Map<TeamKey, Task>> findByIdempotencyKeys(SqlClient tx, Collection<TeamKey> keys) {
        if (keys.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return tx.preparedQuery(SqlFiles.load("tasks-by-idempotency-keys"))
                .execute(Tuple.of(keys.stream().map(TeamKey::team).toArray(String[]::new),
                        keys.stream().map(TeamKey::key).toArray(String[]::new)))
                .map(rows -> {
                    Map<TeamKey, Task> byKey = new HashMap<>();
                    rows.forEach(r -> {
                        Task task = map(r);
                        byKey.put(new TeamKey(task.team(), task.idempotencyKey()), task);
                    });
                    return byKey;
                });
    }

    /** The hot task, or else the archived one. */
    @Override
    public Uni<Optional<Task>> find(UUID taskId) {
        return pool.preparedQuery("SELECT * FROM tasks WHERE task_id = $1")
                .execute(Tuple.of(taskId))
                .map(PgTaskStore::first)
                .flatMap(hot -> hot.isPresent() ? Uni.createFrom().item(hot)
                        : pool.preparedQuery("SELECT * FROM tasks_archive WHERE task_id = $1").execute(Tuple.of(taskId))
                        .map(rows -> rows.size() == 0 ? Optional.<Task>empty() : Optional.of(map(rows.iterator().next(), true))));
    }

    /** Reads a task and locks its row until the transaction ends. */
    @Override
    public Uni<Optional<Task>> lock(SqlClient tx, UUID taskId) {
        return tx.preparedQuery("SELECT * FROM tasks WHERE task_id = $1 FOR UPDATE")
                .execute(Tuple.of(taskId))
                .map(PgTaskStore::first);
    }

    @Override
    public Uni<List<Task>> list(TaskFilter filter, List<String> teams, Long beforeSeq, int limit) {
        return pool.preparedQuery(SqlFiles.load(filter.archived() ? "list-archived-tasks" : "list-tasks"))
                .execute(Tuple.from(Arrays.asList(
                        filter.status() == null ? null : filter.status().name(),
                        filter.machine(),
                        filter.team(),
                        filter.priority() == null ? null : filter.priority().shortValue(),
                        beforeSeq,
                        limit,
                        array(teams))))
                .map(rows -> {
                    List<Task> tasks = new ArrayList<>(rows.size());
                    rows.forEach(row -> tasks.add(map(row, filter.archived())));
                    return tasks;
                });
    }

    @Override
    public Uni<Candidates> lockClaimCandidates(SqlClient tx, String machine, int max, List<String> tags) {
        return tx.preparedQuery(SqlFiles.load("claim-candidates"))
                .execute(Tuple.of(machine, max, tags.toArray(String[]::new)))
                .map(rows -> {
                    List<Task> tasks = new ArrayList<>(rows.size());
                    Row first = rows.iterator().next(); // one row at least: with no task, its task columns are null
                    rows.forEach(row -> {
                        if (row.getUUID("task_id") != null) {
                            tasks.add(map(row));
                        }
                    });
                    tasks.sort(Comparator.comparingInt(Task::priority).thenComparingLong(Task::seq));
                    return new Candidates(tasks, Columns.instant(first, "now"), first.getBoolean("ready_left"));
                });
    }

    @Override
    public Uni<List<WrittenLease>> apply(SqlClient tx, List<Decision.Move> moves, String actor, String leaseOwner,
                                         Duration lease, List<OutboxRow> messages) {
        int n = moves.size();
        UUID[] ids = new UUID[n];
        String[] statuses = new String[n], outputs = new String[n], errors = new String[n], leases = new String[n],
                stamps = new String[n];
        OffsetDateTime[] notBefore = new OffsetDateTime[n];
        Integer[] retryCounts = new Integer[n], exitCodes = new Integer[n], attempts = new Integer[n];
        Boolean[] truncated = new Boolean[n], cancelRequested = new Boolean[n], held = new Boolean[n];
        List<UUID> historyTasks = new ArrayList<>(n);
        List<String> historyFrom = new ArrayList<>(n), historyTo = new ArrayList<>(n), historyDetail = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Decision.Move move = moves.get(i);
            TaskProgress p = move.progress();
            ids[i] = move.before().taskId();
            statuses[i] = p.status().name();
            notBefore[i] = Columns.timestamp(p.notBefore());
            retryCounts[i] = p.retryCount();
            exitCodes[i] = p.exitCode();
            outputs[i] = p.output();
            truncated[i] = p.outputTruncated();
            errors[i] = p.error();
            attempts[i] = p.attempts();
            cancelRequested[i] = p.cancelRequested();
            held[i] = p.held();
            leases[i] = move.lease().name();
            stamps[i] = move.stamp().name();
            if (move.recording() != Decision.Recording.NONE) {
                historyTasks.add(move.before().taskId());
                historyFrom.add(move.from().name());
                historyTo.add(move.to().name());
                historyDetail.add(move.detail());
            }
        }
        String[] actors = new String[historyTasks.size()];
        Arrays.fill(actors, actor);
        return tx.preparedQuery(SqlFiles.load("apply-moves"))
                .execute(Tuple.from(Arrays.asList(ids, statuses, notBefore, retryCounts, exitCodes, outputs, truncated,
                        errors, attempts, cancelRequested, leases, stamps, leaseOwner, (double) lease.toMillis() / 1000,
                        historyTasks.toArray(UUID[]::new), historyFrom.toArray(String[]::new),
                        historyTo.toArray(String[]::new), actors, historyDetail.toArray(String[]::new),
                        messages.stream().map(OutboxRow::topic).toArray(String[]::new),
                        messages.stream().map(OutboxRow::key).toArray(String[]::new),
                        messages.stream().map(OutboxRow::payload).toArray(String[]::new), held)))
                .map(rows -> {
                    List<WrittenLease> written = new ArrayList<>(rows.size());
                    rows.forEach(r -> written.add(new WrittenLease(r.getUUID("task_id"), r.getLong("lease_token"),
                            Columns.instant(r, "lease_expires_at"), r.getString("attempt_token"))));
                    return written;
                });
    }

    @Override
    public Uni<Optional<HeartbeatResult>> heartbeat(UUID taskId, long leaseToken, Duration lease, int outputOffset,
                                                    String outputChunk, Long remotePid) {
        return pool.preparedQuery(SqlFiles.load("heartbeat"))
                .execute(Tuple.from(Arrays.asList(taskId, leaseToken, (double) lease.toMillis() / 1000, outputOffset,
                        outputChunk == null ? "" : outputChunk, remotePid)))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return Optional.empty();
                    }
                    Row row = rows.iterator().next();
                    return Optional.of(new HeartbeatResult(row.getBoolean("cancel_requested"), row.getInteger("output_length")));
                });
    }

    @Override
    public Uni<PendingSlice> cancelPendingSlice(PurgeFilter filter, List<String> teams, int limit, PurgeCursor after,
                                                String actor, EventEnvelope envelope) {
        List<Object> params = purgeParams(filter, teams);
        params.addAll(Arrays.asList(limit, filter.upTo(), after == null ? null : after.machine(),
                after == null ? null : (short) after.priority(), after == null ? null : after.seq(), actor,
                envelope.topic(), envelope.source(), envelope.type(), envelope.dataSchema()));
        return pool.withTransaction(tx -> tx.query(MOVES_COUNTED_BY_STATEMENT).execute()
                .chain(() -> tx.preparedQuery(SqlFiles.load("purge-pending-slice")).execute(Tuple.from(params)))).map(rows -> {
            List<Cancelled> cancelled = new ArrayList<>();
            PurgeCursor last = null;
            for (Row row : rows) {
                cancelled.add(new Cancelled(row.getString("team"), row.getShort("priority"), row.getLong("tasks")));
                last = new PurgeCursor(row.getString("last_machine"), row.getShort("last_priority"), row.getLong("last_seq"));
            }
            return new PendingSlice(cancelled, last);
        });
    }

    @Override
    public Uni<List<Task>> lockPurgeSlice(SqlClient tx, PurgeFilter filter, List<String> teams, int limit) {
        List<Object> params = purgeParams(filter, teams);
        params.addAll(Arrays.asList(limit, filter.upTo()));
        return tx.preparedQuery(SqlFiles.load("purge-slice")).execute(Tuple.from(params)).map(PgTaskStore::all);
    }

    @Override
    public Uni<Map<TaskStatus, Long>> countPurge(PurgeFilter filter, List<String> teams) {
        List<Object> params = purgeParams(filter, teams);
        params.add(filter.upTo());
        return pool.preparedQuery(SqlFiles.load("purge-count")).execute(Tuple.from(params)).map(rows -> {
            Map<TaskStatus, Long> counts = new EnumMap<>(TaskStatus.class);
            rows.forEach(row -> counts.put(TaskStatus.valueOf(row.getString("status")), row.getLong("tasks")));
            return counts;
        });
    }

    /** $1..$7 of sql/purge-slice.sql and sql/purge-count.sql. */
    private static List<Object> purgeParams(PurgeFilter filter, List<String> teams) {
        return new ArrayList<>(Arrays.asList(filter.statuses().stream().map(Enum::name).toArray(String[]::new),
                filter.machine(), filter.team(), filter.priority() == null ? null : filter.priority().shortValue(),
                Columns.timestamp(filter.createdBefore()), filter.tag(), array(teams)));
    }

    @Override
    public Uni<Long> newestSeq() {
        return pool.query("SELECT coalesce(max(seq), 0) AS seq FROM tasks").execute()
                .map(rows -> rows.iterator().next().getLong("seq"));
    }

    @Override
    public Uni<List<Task>> lockAll(SqlClient tx, Collection<UUID> taskIds) {
        return tx.preparedQuery(SqlFiles.load("lock-tasks")).execute(Tuple.of(taskIds.toArray(UUID[]::new)))
                .map(PgTaskStore::all);
    }

    @Override
    public Uni<List<Task>> lockExpiredLeases(SqlClient tx, int limit) {
        return tx.preparedQuery(SqlFiles.load("expired-leases")).execute(Tuple.of(limit)).map(PgTaskStore::all);
    }

    @Override
    public Uni<List<String>> machinesWithStrandedWork(Duration readyFor) {
        return machineNames("machines-with-stranded-work", readyFor);
    }

    @Override
    public Uni<List<String>> machinesWithLostAttempts(Duration lostFor) {
        return machineNames("machines-with-lost-attempts", lostFor);
    }

    private Uni<List<String>> machineNames(String sql, Duration age) {
        return pool.preparedQuery(SqlFiles.load(sql))
                .execute(Tuple.of((double) age.toSeconds()))
                .map(rows -> {
                    List<String> machines = new ArrayList<>();
                    rows.forEach(row -> machines.add(row.getString("name")));
                    return machines;
                });
    }

    @Override
    public Uni<List<LostAttempt>> lostAttempts(SqlClient client, String machine) {
        return client.preparedQuery(SqlFiles.load("lost-attempts"))
                .execute(Tuple.of(machine))
                .map(rows -> {
                    List<LostAttempt> lost = new ArrayList<>();
                    rows.forEach(row -> lost.add(new LostAttempt(row.getUUID("task_id"), row.getString("attempt_token"),
                            row.getLong("remote_pid"))));
                    return lost;
                });
    }

    @Override
    public Uni<List<Task>> lockOverdueLostAttempts(SqlClient tx, Duration waited, int limit) {
        return tx.preparedQuery(SqlFiles.load("overdue-lost-attempts"))
                .execute(Tuple.of((double) waited.toSeconds(), limit))
                .map(PgTaskStore::all);
    }

    @Override
    public Uni<RowSet<Row>> stats(String team, List<String> teams) {
        return pool.preparedQuery(SqlFiles.load("queue-stats")).execute(Tuple.of(team, array(teams)));
    }

    @Override
    public Uni<List<PendingAge>> oldestPending(String team, List<String> teams) {
        return pool.preparedQuery(SqlFiles.load("oldest-pending")).execute(Tuple.of(team, array(teams))).map(rows -> {
            List<PendingAge> ages = new ArrayList<>();
            rows.forEach(row -> ages.add(new PendingAge(row.getString("team"), row.getString("machine"),
                    row.getDouble("age_seconds"))));
            return ages;
        });
    }

    @Override
    public Uni<Double> oldestPendingAge(String team, List<String> teams) {
        return pool.preparedQuery(OLDEST_PENDING_AGE).execute(Tuple.of(team, array(teams))).map(rows -> rows.iterator().next().getDouble("age_seconds"));
    }

    @Override
    public Uni<List<HistoryEntry>> history(Task task) {
        return pool.preparedQuery(task.archived() ? SqlFiles.load("archived-history")
                        : "SELECT * FROM task_transitions WHERE task_id = $1 ORDER BY id")
                .execute(Tuple.of(task.taskId()))
                .map(rows -> {
                    List<HistoryEntry> entries = new ArrayList<>();
                    for (Row row : rows) {
                        String from = row.getString("from_status");
                        entries.add(new HistoryEntry(from == null ? null : TaskStatus.valueOf(from),
                                TaskStatus.valueOf(row.getString("to_status")), Columns.instant(row, "at"),
                                row.getString("actor"), row.getString("detail")));
                    }
                    return entries;
                });
    }

    private static Optional<Task> first(RowSet<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? Optional.of(map(it.next())) : Optional.empty();
    }

    private static List<Task> all(RowSet<Row> rows) {
        List<Task> tasks = new ArrayList<>(rows.size());
        rows.forEach(row -> tasks.add(map(row)));
        return tasks;
    }

    public static Task map(Row row) {
        return map(row, false);
    }

    private static Task map(Row row, boolean archived) {
        return new Task(
                row.getUUID("task_id"),
                row.getString("team"),
                row.getString("machine"),
                row.getString("command"),
                TaskStatus.valueOf(row.getString("status")),
                row.getShort("priority"),
                row.getInteger("retry_count"),
                row.getInteger("max_retries"),
                row.getInteger("retry_delay"),
                Task.RetryBackoff.valueOf(row.getString("retry_backoff")),
                Task.FailureAction.valueOf(row.getString("failure_action")),
                row.getString("tag"),
                row.getBoolean("resumable"),
                row.getInteger("timeout_seconds"),
                Columns.instant(row, "not_before"),
                row.getString("idempotency_key"),
                row.getUUID("retried_from"),
                row.getBoolean("cancel_requested"),
                Columns.json(row, "vault_data_shape"),
                row.getString("output"),
                row.getBoolean("output_truncated"),
                row.getInteger("exit_code"),
                row.getString("error"),
                row.getInteger("attempts"),
                Columns.instant(row, "created_at"),
                Columns.instant(row, "assigned_at"),
                Columns.instant(row, "started_at"),
                Columns.instant(row, "completed_at"),
                row.getLong("seq"),
                row.getLong("lease_token"),
                row.getString("vault_data"),
                row.getString("attempt_token"),
                Columns.instant(row, "lost_since"),
                row.getString("on_exit_command"),
                row.getUUID("on_exit_of"),
                row.getString("stdin_data"),
                row.getString("vault_data_context"),
                function(row),
                row.getUUID("group_id"),
                row.getBoolean("held"),
                row.getString("trace_parent"),
                archived);
    }

    private static FunctionCall function(Row row) {
        String name = row.getString("function_name");
        if (name == null) {
            return null;
        }
        return new FunctionCall(name, row.getInteger("function_version"), (ObjectNode) Columns.json(row, "params"));
    }

    private static String[] array(List<String> teams) {
        return teams == null ? null : teams.toArray(String[]::new);
    }
}
