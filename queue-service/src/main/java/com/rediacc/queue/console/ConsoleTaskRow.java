package com.rediacc.queue.console;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.vertx.mutiny.sqlclient.Row;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A task as the console's lists and live rows show it: no output, no params, no vaultData, no
 * lease or attempt token; the command cut at 500 characters. {@code stuck}: why it looks stuck
 * (null when it does not).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConsoleTaskRow(UUID taskId, String team, String machine, String command, String function, Integer functionVersion,
                             String status, int priority, String tag, int attempts, Integer exitCode, String error,
                             Instant createdAt, Instant startedAt, Instant completedAt, Instant notBefore,
                             boolean cancelRequested, Instant lostSince, Integer timeoutSeconds, UUID groupId, boolean held,
                             String stuck, @com.fasterxml.jackson.annotation.JsonIgnore long seq) {

    static ConsoleTaskRow of(Row row) {
        return new ConsoleTaskRow(row.getUUID("task_id"), row.getString("team"), row.getString("machine"),
                row.getString("command"), row.getString("function_name"), row.getInteger("function_version"),
                row.getString("status"), row.getShort("priority"), row.getString("tag"), row.getInteger("attempts"),
                row.getInteger("exit_code"), row.getString("error"), instant(row, "created_at"), instant(row, "started_at"),
                instant(row, "completed_at"), instant(row, "not_before"), row.getBoolean("cancel_requested"),
                instant(row, "lost_since"), row.getInteger("timeout_seconds"), row.getUUID("group_id"),
                row.getBoolean("held"), row.getString("stuck"), row.getLong("seq"));
    }

    static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }
}
