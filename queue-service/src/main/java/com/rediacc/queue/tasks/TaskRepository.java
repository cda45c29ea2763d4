package com.rediacc.queue.tasks;

import com.rediacc.queue.sql.SqlFiles;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** SQL adapter for tasks and their history. Statements that matter live in resources/sql. */
@ApplicationScoped
public class TaskRepository {
    @Inject
    Pool pool;

    public Uni<Task> insert(SqlClient client, UUID taskId, String team, NewTask task) {
        return client.preparedQuery("""
                        INSERT INTO tasks (task_id, team, machine, command, status, priority)
                        VALUES ($1, $2, $3, $4, 'PENDING', $5)
                        RETURNING *""")
                .execute(Tuple.of(taskId, team, task.machine(), task.command(), (short) task.priority()))
                .map(rows -> map(rows.iterator().next()));
    }

    public Uni<Optional<Task>> find(UUID taskId) {
        return pool.preparedQuery("SELECT * FROM tasks WHERE task_id = $1")
                .execute(Tuple.of(taskId))
                .map(TaskRepository::first);
    }

    /** Reads a task and locks its row until the transaction ends. */
    public Uni<Optional<Task>> lock(SqlClient tx, UUID taskId) {
        return tx.preparedQuery("SELECT * FROM tasks WHERE task_id = $1 FOR UPDATE")
                .execute(Tuple.of(taskId))
                .map(TaskRepository::first);
    }

    public Uni<List<Task>> list(TaskFilter filter, Long beforeSeq, int limit) {
        return pool.preparedQuery(SqlFiles.load("list-tasks"))
                .execute(Tuple.from(Arrays.asList(
                        filter.status() == null ? null : filter.status().name(),
                        filter.machine(),
                        filter.team(),
                        filter.priority() == null ? null : filter.priority().shortValue(),
                        beforeSeq,
                        limit)))
                .map(TaskRepository::all);
    }

    public Uni<List<Task>> claim(SqlClient client, String machine, String bridgeId, int max, List<String> tags,
                                 long leaseSeconds) {
        return client.preparedQuery(SqlFiles.load("claim-tasks"))
                .execute(Tuple.of(machine, bridgeId, max, tags.toArray(String[]::new), (double) leaseSeconds))
                .map(TaskRepository::all)
                .map(tasks -> tasks.stream().sorted((a, b) -> a.priority() != b.priority()
                        ? Integer.compare(a.priority(), b.priority()) : Long.compare(a.seq(), b.seq())).toList());
    }

    public Uni<Optional<Task>> start(SqlClient client, UUID taskId, long leaseToken, long leaseSeconds) {
        return client.preparedQuery(SqlFiles.load("start-attempt"))
                .execute(Tuple.of(taskId, leaseToken, (double) leaseSeconds))
                .map(TaskRepository::first);
    }

    public Uni<Boolean> heartbeat(UUID taskId, long leaseToken, long leaseSeconds) {
        return pool.preparedQuery(SqlFiles.load("heartbeat"))
                .execute(Tuple.of(taskId, leaseToken, (double) leaseSeconds))
                .map(rows -> rows.rowCount() == 1);
    }

    public Uni<Optional<Task>> finish(SqlClient client, UUID taskId, long leaseToken, TaskStatus status,
                                      Integer exitCode, String output, boolean truncated, String error,
                                      boolean neverRan) {
        return client.preparedQuery(SqlFiles.load("finish-attempt"))
                .execute(Tuple.from(Arrays.asList(taskId, leaseToken, status.name(), exitCode, output, truncated,
                        error, neverRan)))
                .map(TaskRepository::first);
    }

    public Uni<Void> recordTransition(SqlClient client, UUID taskId, TaskStatus from, TaskStatus to, String actor,
                                      String detail) {
        return client.preparedQuery("""
                        INSERT INTO task_history (task_id, from_status, to_status, actor, detail)
                        VALUES ($1, $2, $3, $4, $5)""")
                .execute(Tuple.of(taskId, from == null ? null : from.name(), to.name(), actor, detail))
                .replaceWithVoid();
    }

    public Uni<List<HistoryEntry>> history(UUID taskId) {
        return pool.preparedQuery("SELECT * FROM task_history WHERE task_id = $1 ORDER BY id")
                .execute(Tuple.of(taskId))
                .map(rows -> {
                    List<HistoryEntry> entries = new ArrayList<>();
                    for (Row row : rows) {
                        String from = row.getString("from_status");
                        entries.add(new HistoryEntry(from == null ? null : TaskStatus.valueOf(from),
                                TaskStatus.valueOf(row.getString("to_status")), instant(row, "at"),
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

    static Task map(Row row) {
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
                row.getString("failure_action"),
                row.getString("tag"),
                row.getBoolean("resumable"),
                row.getInteger("timeout_seconds"),
                instant(row, "not_before"),
                row.getString("output"),
                row.getBoolean("output_truncated"),
                row.getInteger("exit_code"),
                row.getString("error"),
                row.getInteger("attempts"),
                instant(row, "created_at"),
                instant(row, "assigned_at"),
                instant(row, "started_at"),
                instant(row, "completed_at"),
                row.getLong("seq"),
                row.getLong("lease_token"));
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }
}
