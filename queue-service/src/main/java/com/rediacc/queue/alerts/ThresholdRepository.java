package com.rediacc.queue.alerts;

import com.rediacc.queue.sql.Columns;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.List;

/** queue_thresholds (V16): the limits and their stored alert state. */
@Singleton
public class ThresholdRepository {
    private static final String COLUMNS = "team, machine, max_pending, max_pending_age_seconds, pending_alert_since, "
            + "age_alert_since, updated_at";

    @Inject
    Pool pool;

    /** Sets the limits of a team ({@code machine} null) or machine; the alert state stays as it is. */
    public Uni<Threshold> put(String team, String machine, ThresholdRequest limits) {
        return pool.preparedQuery("INSERT INTO queue_thresholds (team, machine, max_pending, max_pending_age_seconds) "
                        + "VALUES ($1, $2, $3, $4) ON CONFLICT (team, machine) DO UPDATE SET max_pending = excluded.max_pending, "
                        + "max_pending_age_seconds = excluded.max_pending_age_seconds, updated_at = now() RETURNING " + COLUMNS)
                .execute(Tuple.of(team, machine, limits.maxPending(), limits.maxPendingAgeSeconds()))
                .map(rows -> of(rows.iterator().next()));
    }

    /** Whether there was one to delete. */
    public Uni<Boolean> delete(String team, String machine) {
        return pool.preparedQuery("DELETE FROM queue_thresholds WHERE team = $1 AND machine IS NOT DISTINCT FROM $2")
                .execute(Tuple.of(team, machine)).map(rows -> rows.rowCount() > 0);
    }

    /** {@code teams} null: every team. */
    public Uni<List<Threshold>> list(String team, List<String> teams) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM queue_thresholds WHERE ($1::text IS NULL OR team = $1) "
                        + "AND ($2::text[] IS NULL OR team = ANY($2)) ORDER BY team, machine NULLS FIRST")
                .execute(Tuple.of(team, teams == null ? null : teams.toArray(String[]::new))).map(ThresholdRepository::all);
    }

    /** Every threshold, locked until the transaction ends. */
    Uni<List<Threshold>> lockAll(SqlClient tx) {
        return tx.query("SELECT " + COLUMNS + " FROM queue_thresholds ORDER BY team, machine NULLS FIRST FOR UPDATE")
                .execute().map(ThresholdRepository::all);
    }

    /** Stores whether each alert of a threshold fires (since now) or not. */
    Uni<Void> setState(SqlClient tx, List<Tuple> teamMachinePendingAge) {
        if (teamMachinePendingAge.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return tx.preparedQuery("UPDATE queue_thresholds SET "
                        + "pending_alert_since = CASE WHEN NOT $3 THEN NULL ELSE coalesce(pending_alert_since, now()) END, "
                        + "age_alert_since = CASE WHEN NOT $4 THEN NULL ELSE coalesce(age_alert_since, now()) END "
                        + "WHERE team = $1 AND machine IS NOT DISTINCT FROM $2")
                .executeBatch(teamMachinePendingAge).replaceWithVoid();
    }

    private static List<Threshold> all(RowSet<Row> rows) {
        List<Threshold> list = new ArrayList<>();
        rows.forEach(row -> list.add(of(row)));
        return list;
    }

    private static Threshold of(Row row) {
        return new Threshold(row.getString("team"), row.getString("machine"), row.getLong("max_pending"),
                row.getLong("max_pending_age_seconds"), Columns.instant(row, "pending_alert_since"),
                Columns.instant(row, "age_alert_since"), Columns.instant(row, "updated_at"));
    }
}
