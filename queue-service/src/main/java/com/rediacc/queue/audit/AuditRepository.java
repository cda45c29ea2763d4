package com.rediacc.queue.audit;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** SQL adapter of the append-only audit trail. */
@Singleton
public class AuditRepository {
    @Inject
    Pool pool;

    /**
     * Appends records in one statement, through {@code client}: the pool, or the transaction of the
     * change the records describe.
     */
    public static Uni<Void> append(SqlClient client, List<AuditWriter.NewRecord> records) {
        if (records.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return client.preparedQuery("""
                        INSERT INTO audit_log (actor, team, action, target, result, status, request_id)
                        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
                                             $6::smallint[], $7::text[])""")
                .execute(Tuple.from(columns(records)))
                .replaceWithVoid();
    }

    /**
     * The records as the arrays of the audit_log columns they fill, in this order: actor, team,
     * action, target, result, status (smallint), request_id.
     */
    public static Object[] columns(List<AuditWriter.NewRecord> records) {
        int size = records.size();
        String[] actors = new String[size];
        String[] teams = new String[size];
        String[] actions = new String[size];
        String[] targets = new String[size];
        String[] results = new String[size];
        Short[] statuses = new Short[size];
        String[] requestIds = new String[size];
        for (int i = 0; i < size; i++) {
            AuditWriter.NewRecord r = records.get(i);
            actors[i] = r.actor();
            teams[i] = r.team();
            actions[i] = r.action();
            targets[i] = r.target();
            results[i] = AuditRecord.result(r.status());
            statuses[i] = (short) r.status();
            requestIds[i] = r.requestId();
        }
        return new Object[]{actors, teams, actions, targets, results, statuses, requestIds};
    }

    /**
     * Oldest first from {@code since}; {@code teams} null means every record (global admins),
     * otherwise only records of those teams.
     */
    public Uni<List<AuditRecord>> list(AuditQuery query, List<String> teams, int limit) {
        return pool.preparedQuery("""
                        SELECT * FROM audit_log
                        WHERE ($1::text[] IS NULL OR team = ANY($1))
                          AND ($2::text IS NULL OR team = $2)
                          AND at >= $3 AND ($4::timestamptz IS NULL OR at < $4)
                          AND ($5::text IS NULL OR actor = $5)
                          AND ($6::text IS NULL OR action = $6)
                          AND id > $7
                        ORDER BY id
                        LIMIT $8""")
                .execute(Tuple.from(Arrays.asList(teams == null ? null : teams.toArray(String[]::new), query.team(),
                        utc(query.since()), query.until() == null ? null : utc(query.until()), query.actor(),
                        query.action(), query.afterId(), limit)))
                .map(rows -> {
                    List<AuditRecord> records = new ArrayList<>();
                    for (Row row : rows) {
                        records.add(new AuditRecord(row.getLong("id"), row.getOffsetDateTime("at").toInstant(),
                                row.getString("actor"), row.getString("team"), row.getString("action"),
                                row.getString("target"), row.getString("result"), row.getShort("status"),
                                row.getString("request_id")));
                    }
                    return records;
                });
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /** Filters of {@code GET /audit}; null means any. */
    public record AuditQuery(String team, Instant since, Instant until, String actor, String action, long afterId) {
    }
}
