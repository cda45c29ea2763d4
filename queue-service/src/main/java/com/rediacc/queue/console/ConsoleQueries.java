package com.rediacc.queue.console;

import com.rediacc.queue.QueueConfig;
import com.rediacc.queue.sql.SqlFiles;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The console's own reads (resources/sql/console-*.sql). Who may see what is checked by the callers; {@code teams} null is every team. */
@Singleton
public class ConsoleQueries {
    @Inject
    Pool pool;
    @Inject
    QueueConfig config;

    public Uni<List<ConsoleTaskRow>> tasks(ConsoleTaskFilter f, List<String> teams, Long beforeSeq, int limit, List<UUID> only) {
        Object[] params = {
                f.statuses() == null ? null : f.statuses().toArray(String[]::new),
                f.priority() == null ? null : f.priority().shortValue(), f.team(), f.machine(), f.tag(),
                f.from() == null ? null : f.from().atOffset(ZoneOffset.UTC), f.to() == null ? null : f.to().atOffset(ZoneOffset.UTC),
                f.text(), f.id(), f.idPrefix(), array(teams), beforeSeq, limit,
                only == null ? null : only.toArray(UUID[]::new), (double) config.console().stalePending().toSeconds()};
        return pool.preparedQuery(SqlFiles.load("console-tasks")).execute(Tuple.from(params)).map(rows -> {
            List<ConsoleTaskRow> list = new ArrayList<>();
            rows.forEach(row -> list.add(ConsoleTaskRow.of(row)));
            return list;
        });
    }

    /** A task that looks stuck, and why. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Stuck(UUID taskId, String team, String machine, String command, String function, String status,
                        int priority, Instant createdAt, Instant startedAt, String stuck) {
    }

    public Uni<List<Stuck>> stuck(String team, List<String> teams) {
        return pool.preparedQuery(SqlFiles.load("console-stuck"))
                .execute(Tuple.of(team, array(teams), (double) config.console().stalePending().toSeconds())).map(rows -> {
                    List<Stuck> list = new ArrayList<>();
                    for (Row row : rows) {
                        list.add(new Stuck(row.getUUID("task_id"), row.getString("team"), row.getString("machine"),
                                row.getString("command"), row.getString("function_name"), row.getString("status"),
                                row.getShort("priority"), ConsoleTaskRow.instant(row, "created_at"),
                                ConsoleTaskRow.instant(row, "started_at"), row.getString("stuck")));
                    }
                    return list;
                });
    }

    /** One minute of the last hour: tasks created and ended in it. */
    public record Minute(Instant at, long created, long ended) {
    }

    public Uni<List<Minute>> lastHour(String team, List<String> teams) {
        return pool.preparedQuery(SqlFiles.load("console-last-hour")).execute(Tuple.of(team, array(teams))).map(rows -> {
            List<Minute> list = new ArrayList<>();
            rows.forEach(row -> list.add(new Minute(ConsoleTaskRow.instant(row, "minute"), row.getLong("created"), row.getLong("ended"))));
            return list;
        });
    }

    /** Unfinished tasks per machine and status. */
    public Uni<Map<String, Map<String, Long>>> machineCounts(String team, List<String> teams) {
        return pool.preparedQuery(SqlFiles.load("console-machine-counts")).execute(Tuple.of(team, array(teams))).map(rows -> {
            Map<String, Map<String, Long>> counts = new HashMap<>();
            rows.forEach(row -> counts.computeIfAbsent(row.getString("machine"), m -> new HashMap<>())
                    .put(row.getString("status"), row.getLong("tasks")));
            return counts;
        });
    }

    /** A piece of a followed task's output (null: no such task). */
    public record OutputPiece(String team, String status, Integer exitCode, String error, boolean truncated, long total,
                              boolean reset, long from, String chunk) {
    }

    public Uni<OutputPiece> output(UUID taskId, long sent, int tail) {
        return pool.preparedQuery(SqlFiles.load("console-output")).execute(Tuple.of(taskId, sent, (long) tail)).map(rows -> {
            if (rows.size() == 0) {
                return null;
            }
            Row row = rows.iterator().next();
            return new OutputPiece(row.getString("team"), row.getString("status"), row.getInteger("exit_code"),
                    row.getString("error"), row.getBoolean("output_truncated"), row.getLong("total"),
                    row.getBoolean("reset"), row.getLong("chunk_from"), row.getString("chunk"));
        });
    }

    private static String[] array(List<String> teams) {
        return teams == null ? null : teams.toArray(String[]::new);
    }
}
