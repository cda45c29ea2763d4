package com.rediacc.queue.crons;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rediacc.queue.sql.Columns;
import com.rediacc.queue.sql.SqlFiles;
import com.rediacc.queue.tasks.FunctionCall;
import com.rediacc.queue.tasks.TaskStatus;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** SQL adapter for crons and their runs. */
@Singleton
public class CronRepository {
    @Inject
    Pool pool;

    /** Stores a new cron; empty when one of that name exists. */
    public Uni<Optional<Cron>> insert(SqlClient client, Cron c) {
        return client.preparedQuery("""
                        INSERT INTO crons (name, cron_id, team, machine, command, cron_string, timezone, priority, tag,
                                           resumable, max_retries, retry_delay, timeout_seconds, vault_data, vault_data_shape,
                                           checkin_margin, max_runtime, overlap, on_exit_command, enabled, next_slot, created_by,
                                           function_name, function_version, params)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15::jsonb, $16, $17, $18, $19,
                                $20, $21, $22, $23, $24, $25::jsonb)
                        ON CONFLICT (name) DO NOTHING
                        RETURNING *""")
                .execute(Tuple.from(Arrays.asList(c.name(), c.cronId(), c.team(), c.machine(), c.command(),
                        c.cronString(), c.timezone(), (short) c.priority(), c.tag(), c.resumable(), c.maxRetries(),
                        c.retryDelay(), c.timeoutSeconds(), c.vaultCiphertext(), shapeText(c.vaultDataShape()),
                        c.checkinMarginMinutes(), c.maxRuntimeMinutes(), c.overlap().name(), c.onExitCommand(), c.enabled(),
                        Columns.timestamp(c.nextSlot()), c.createdBy(), functionName(c), functionVersion(c), params(c))))
                .map(CronRepository::first);
    }

    /** Writes every changeable field of {@code c}. */
    public Uni<Cron> update(SqlClient tx, Cron c) {
        return tx.preparedQuery("""
                        UPDATE crons SET team = $2, machine = $3, command = $4, cron_string = $5, timezone = $6, priority = $7,
                               tag = $8, resumable = $9, max_retries = $10, retry_delay = $11, timeout_seconds = $12,
                               vault_data = $13, vault_data_shape = $14::jsonb, checkin_margin = $15, max_runtime = $16,
                               overlap = $17, on_exit_command = $18, enabled = $19, next_slot = $20, function_name = $21,
                               function_version = $22, params = $23::jsonb, updated_at = now()
                        WHERE name = $1
                        RETURNING *""")
                .execute(Tuple.from(Arrays.asList(c.name(), c.team(), c.machine(), c.command(), c.cronString(),
                        c.timezone(), (short) c.priority(), c.tag(), c.resumable(), c.maxRetries(), c.retryDelay(),
                        c.timeoutSeconds(), c.vaultCiphertext(), shapeText(c.vaultDataShape()), c.checkinMarginMinutes(),
                        c.maxRuntimeMinutes(), c.overlap().name(), c.onExitCommand(), c.enabled(), Columns.timestamp(c.nextSlot()),
                        functionName(c), functionVersion(c), params(c))))
                .map(rows -> map(rows.iterator().next()));
    }

    public Uni<Optional<Cron>> find(String name) {
        return pool.preparedQuery("SELECT * FROM crons WHERE name = $1").execute(Tuple.of(name)).map(CronRepository::first);
    }

    /** Reads a cron and locks it until the transaction ends (the scheduler then passes it over). */
    public Uni<Optional<Cron>> lock(SqlClient tx, String name) {
        return tx.preparedQuery("SELECT * FROM crons WHERE name = $1 FOR UPDATE").execute(Tuple.of(name))
                .map(CronRepository::first);
    }

    /** Crons by name after {@code afterName}; {@code teams} null means every team. */
    public Uni<List<Cron>> list(String team, List<String> teams, String afterName, int limit) {
        return pool.preparedQuery("""
                        SELECT * FROM crons
                        WHERE ($1::text IS NULL OR team = $1) AND ($2::text IS NULL OR name > $2)
                          AND ($4::text[] IS NULL OR team = ANY($4))
                        ORDER BY name LIMIT $3""")
                .execute(Tuple.of(team, afterName, limit, teams == null ? null : teams.toArray(String[]::new)))
                .map(CronRepository::all);
    }

    /** Deletes the cron and its run history; the tasks of its runs stay. */
    public Uni<Boolean> delete(SqlClient tx, String name) {
        return tx.preparedQuery("DELETE FROM cron_runs WHERE cron = $1").execute(Tuple.of(name))
                .chain(() -> tx.preparedQuery("DELETE FROM crons WHERE name = $1").execute(Tuple.of(name)))
                .map(rows -> rows.rowCount() > 0);
    }

    /** The due crons (sql/due-crons.sql), locked. */
    public Uni<List<Cron>> lockDue(SqlClient tx, Instant now, int limit) {
        return tx.preparedQuery(SqlFiles.load("due-crons")).execute(Tuple.of(Columns.timestamp(now), limit))
                .map(CronRepository::all);
    }

    /** The soonest slot of the enabled crons, if any. */
    public Uni<Optional<Instant>> soonestSlot() {
        return pool.preparedQuery(SqlFiles.load("soonest-cron-slot")).execute()
                .map(rows -> Optional.ofNullable(rows.iterator().next().getOffsetDateTime("next_slot"))
                        .map(OffsetDateTime::toInstant));
    }

    /** A run to record: its task (null: none ran), and when to check it has started (null: no task). */
    public record NewRun(String cron, Instant slot, CronRunView.Kind kind, CronRunView.State outcome, UUID taskId,
                         String detail, Instant lateCheckAt) {
    }

    /** A cron's next slot and latest task (null: unchanged). */
    public record Advance(String cron, Instant nextSlot, UUID lastTaskId) {
    }

    /** Records runs and moves crons on (sql/record-cron-runs.sql); the caller holds the crons' locks. */
    public Uni<Void> record(SqlClient tx, List<NewRun> runs, List<Advance> advances) {
        return tx.preparedQuery(SqlFiles.load("record-cron-runs")).execute(Tuple.from(Arrays.asList(
                        runs.stream().map(NewRun::cron).toArray(String[]::new),
                        runs.stream().map(r -> Columns.timestamp(r.slot())).toArray(OffsetDateTime[]::new),
                        runs.stream().map(r -> r.kind().name()).toArray(String[]::new),
                        runs.stream().map(r -> r.outcome() == null ? null : r.outcome().name()).toArray(String[]::new),
                        runs.stream().map(NewRun::taskId).toArray(UUID[]::new),
                        runs.stream().map(NewRun::detail).toArray(String[]::new),
                        runs.stream().map(r -> Columns.timestamp(r.lateCheckAt())).toArray(OffsetDateTime[]::new),
                        advances.stream().map(Advance::cron).toArray(String[]::new),
                        advances.stream().map(a -> Columns.timestamp(a.nextSlot())).toArray(OffsetDateTime[]::new),
                        advances.stream().map(Advance::lastTaskId).toArray(UUID[]::new))))
                .replaceWithVoid();
    }

    /** The statuses of tasks (those gone are absent). */
    public Uni<Map<UUID, TaskStatus>> taskStatuses(SqlClient client, List<UUID> taskIds) {
        return client.preparedQuery("SELECT task_id, status FROM tasks WHERE task_id = ANY($1)")
                .execute(Tuple.of(taskIds.toArray(UUID[]::new)))
                .map(rows -> {
                    Map<UUID, TaskStatus> statuses = new HashMap<>();
                    rows.forEach(row -> statuses.put(row.getUUID("task_id"), TaskStatus.valueOf(row.getString("status"))));
                    return statuses;
                });
    }

    /** A cron's runs, newest first, before {@code beforeSlot} (null: from the newest). */
    public Uni<List<CronRunView>> runs(Cron cron, Instant beforeSlot, int limit) {
        return pool.preparedQuery(SqlFiles.load("cron-runs"))
                .execute(Tuple.of(cron.name(), Columns.timestamp(beforeSlot), limit))
                .map(rows -> {
                    List<CronRunView> runs = new ArrayList<>();
                    rows.forEach(row -> runs.add(run(cron, row)));
                    return runs;
                });
    }

    /** A run that is due to be checked for lateness. */
    public record LateCheck(String cron, Instant slot, UUID taskId, String team, String machine, boolean started) {
    }

    public Uni<List<LateCheck>> lockLateChecks(SqlClient tx, Instant now, int limit) {
        return tx.preparedQuery(SqlFiles.load("cron-late-checks")).execute(Tuple.of(Columns.timestamp(now), limit))
                .map(rows -> {
                    List<LateCheck> checks = new ArrayList<>();
                    rows.forEach(row -> checks.add(new LateCheck(row.getString("cron"), Columns.instant(row, "slot"),
                            row.getUUID("task_id"), row.getString("team"), row.getString("machine"),
                            row.getBoolean("started"))));
                    return checks;
                });
    }

    /** The checks are done; the runs that had not started are late. */
    public Uni<Void> settleLateChecks(SqlClient tx, List<LateCheck> checks) {
        return tx.preparedQuery("""
                        UPDATE cron_runs r SET late = NOT c.started, late_check_at = NULL
                        FROM unnest($1::text[], $2::timestamptz[], $3::boolean[]) AS c(cron, slot, started)
                        WHERE r.cron = c.cron AND r.slot = c.slot""")
                .execute(Tuple.of(checks.stream().map(LateCheck::cron).toArray(String[]::new),
                        checks.stream().map(c -> Columns.timestamp(c.slot())).toArray(OffsetDateTime[]::new),
                        checks.stream().map(LateCheck::started).toArray(Boolean[]::new)))
                .replaceWithVoid();
    }

    private static CronRunView run(Cron cron, Row row) {
        String outcome = row.getString("outcome");
        String taskStatus = row.getString("task_status");
        CronRunView.State state = outcome != null ? CronRunView.State.valueOf(outcome)
                : CronRunView.of(taskStatus == null ? null : TaskStatus.valueOf(taskStatus));
        String detail = row.getString("detail");
        String error = row.getString("task_error");
        Integer timeout = row.getInteger("task_timeout");
        if (state == CronRunView.State.FAILED && error != null && error.startsWith("timed out")
                && cron.maxRuntimeMinutes() != null && timeout != null && timeout == cron.maxRuntimeMinutes() * 60) {
            detail = "killed: ran longer than maxRuntimeInMinutes (" + cron.maxRuntimeMinutes() + ")";
        } else if (detail == null && error != null && state == CronRunView.State.FAILED) {
            detail = error;
        }
        return new CronRunView(cron.name(), Columns.instant(row, "slot"), CronRunView.Kind.valueOf(row.getString("kind")), state,
                row.getUUID("task_id"), detail, row.getBoolean("late"), Columns.instant(row, "recorded_at"));
    }

    private static Optional<Cron> first(RowSet<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? Optional.of(map(it.next())) : Optional.empty();
    }

    private static List<Cron> all(RowSet<Row> rows) {
        List<Cron> crons = new ArrayList<>(rows.size());
        rows.forEach(row -> crons.add(map(row)));
        return crons;
    }

    static Cron map(Row row) {
        return new Cron(row.getString("name"), row.getUUID("cron_id"), row.getString("team"), row.getString("machine"),
                row.getString("command"), row.getString("cron_string"), row.getString("timezone"), row.getShort("priority"),
                row.getString("tag"), row.getBoolean("resumable"), row.getInteger("max_retries"),
                row.getInteger("retry_delay"), row.getInteger("timeout_seconds"), row.getString("vault_data"),
                Columns.json(row, "vault_data_shape"), row.getInteger("checkin_margin"), row.getInteger("max_runtime"),
                Cron.Overlap.valueOf(row.getString("overlap")), row.getString("on_exit_command"), row.getBoolean("enabled"),
                Columns.instant(row, "next_slot"), row.getUUID("last_task_id"), Columns.instant(row, "created_at"),
                row.getString("created_by"), Columns.instant(row, "updated_at"),
                row.getString("function_name") == null ? null : new FunctionCall(row.getString("function_name"),
                        row.getInteger("function_version"), (ObjectNode) Columns.json(row, "params")));
    }

    private static String functionName(Cron c) {
        return c.function() == null ? null : c.function().name();
    }

    private static Integer functionVersion(Cron c) {
        return c.function() == null ? null : c.function().version();
    }

    private static String params(Cron c) {
        return c.function() == null ? null : c.function().params().toString();
    }

    private static String shapeText(JsonNode shape) {
        return shape == null ? null : shape.toString();
    }

}
