package com.rediacc.queue.groups;

import com.rediacc.queue.sql.Columns;
import com.rediacc.queue.tasks.Task;
import com.rediacc.queue.tasks.store.PgTaskStore;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** SQL adapter for task groups. */
@Singleton
public class TaskGroupRepository {
    @Inject
    Pool pool;

    public Uni<Void> insert(SqlClient tx, TaskGroup g) {
        return tx.preparedQuery("""
                        INSERT INTO task_groups (group_id, team, status, command, function_name, function_version, max_parallel,
                                                 max_failures, max_failure_percent, tasks, retried_from, created_by)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)""")
                .execute(Tuple.from(Arrays.asList(g.groupId(), g.team(), g.status().name(), g.command(), g.functionName(),
                        g.functionVersion(), g.maxParallel(), g.maxFailures(), g.maxFailurePercent(), g.tasks(),
                        g.retriedFrom(), g.createdBy())))
                .replaceWithVoid();
    }

    public Uni<Optional<TaskGroup>> find(UUID groupId) {
        return pool.preparedQuery("SELECT * FROM task_groups WHERE group_id = $1").execute(Tuple.of(groupId))
                .map(TaskGroupRepository::first);
    }

    /** Reads a group and locks it: its progress is decided one ended task at a time. */
    public Uni<Optional<TaskGroup>> lock(SqlClient tx, UUID groupId) {
        return tx.preparedQuery("SELECT * FROM task_groups WHERE group_id = $1 FOR UPDATE").execute(Tuple.of(groupId))
                .map(TaskGroupRepository::first);
    }

    /** Groups newest first, created before the group {@code before} (null: the newest); {@code teams} null: every team. */
    public Uni<List<TaskGroup>> list(String team, List<String> teams, UUID before, int limit) {
        return pool.preparedQuery("""
                        SELECT * FROM task_groups g
                        WHERE ($1::text IS NULL OR team = $1) AND ($2::text[] IS NULL OR team = ANY($2))
                          AND ($3::uuid IS NULL OR (created_at, group_id) < (SELECT created_at, group_id FROM task_groups WHERE group_id = $3))
                        ORDER BY created_at DESC, group_id DESC LIMIT $4""")
                .execute(Tuple.of(team, teams == null ? null : teams.toArray(String[]::new), before, limit))
                .map(rows -> {
                    List<TaskGroup> groups = new ArrayList<>();
                    rows.forEach(row -> groups.add(map(row)));
                    return groups;
                });
    }

    public Uni<GroupRollout.Counts> counts(SqlClient client, UUID groupId) {
        return client.preparedQuery("""
                        SELECT count(*) AS total,
                               count(*) FILTER (WHERE held AND status = 'PENDING') AS held,
                               count(*) FILTER (WHERE NOT held AND status IN ('PENDING', 'ASSIGNED', 'PROCESSING')) AS active,
                               count(*) FILTER (WHERE status = 'COMPLETED') AS completed,
                               count(*) FILTER (WHERE status = 'FAILED') AS failed,
                               count(*) FILTER (WHERE status = 'CANCELLED') AS cancelled
                        FROM tasks WHERE group_id = $1""")
                .execute(Tuple.of(groupId))
                .map(rows -> {
                    Row r = rows.iterator().next();
                    return new GroupRollout.Counts(r.getInteger("total"), r.getInteger("held"), r.getInteger("active"),
                            r.getInteger("completed"), r.getInteger("failed"), r.getInteger("cancelled"));
                });
    }

    /** Up to {@code limit} of the group's held tasks, oldest first, locked; one locked elsewhere (being cancelled) is skipped. */
    public Uni<List<Task>> lockHeld(SqlClient tx, UUID groupId, int limit) {
        return tx.preparedQuery("""
                        SELECT * FROM tasks WHERE group_id = $1 AND held AND status = 'PENDING'
                        ORDER BY seq LIMIT $2 FOR UPDATE SKIP LOCKED""")
                .execute(Tuple.of(groupId, limit))
                .map(TaskGroupRepository::tasks);
    }

    /** Every task of the group, in creation order. */
    public Uni<List<Task>> tasks(SqlClient client, UUID groupId) {
        return client.preparedQuery("SELECT * FROM tasks WHERE group_id = $1 ORDER BY seq").execute(Tuple.of(groupId))
                .map(TaskGroupRepository::tasks);
    }

    public Uni<Void> setStatus(SqlClient tx, UUID groupId, TaskGroup.Status status, String detail) {
        return tx.preparedQuery("UPDATE task_groups SET status = $2, detail = COALESCE($3, detail) WHERE group_id = $1")
                .execute(Tuple.of(groupId, status.name(), detail))
                .replaceWithVoid();
    }

    /** Nothing of the group is held or active any more. */
    public Uni<Void> finish(SqlClient tx, UUID groupId, TaskGroup.Status status) {
        return tx.preparedQuery("UPDATE task_groups SET status = $2, finished_at = now() WHERE group_id = $1")
                .execute(Tuple.of(groupId, status.name()))
                .replaceWithVoid();
    }

    private static List<Task> tasks(RowSet<Row> rows) {
        List<Task> tasks = new ArrayList<>(rows.size());
        rows.forEach(row -> tasks.add(PgTaskStore.map(row)));
        return tasks;
    }

    private static Optional<TaskGroup> first(RowSet<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? Optional.of(map(it.next())) : Optional.empty();
    }

    static TaskGroup map(Row row) {
        return new TaskGroup(row.getUUID("group_id"), row.getString("team"), TaskGroup.Status.valueOf(row.getString("status")),
                row.getString("command"), row.getString("function_name"), row.getInteger("function_version"),
                row.getInteger("max_parallel"), row.getInteger("max_failures"), row.getInteger("max_failure_percent"),
                row.getInteger("tasks"), row.getUUID("retried_from"), row.getString("detail"),
                Columns.instant(row, "created_at"), row.getString("created_by"), Columns.instant(row, "finished_at"));
    }
}
