package com.rediacc.queue.sql;

import com.rediacc.queue.QueueConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Analyzes the tables that grow with the work (tasks, their history, the audit trail) as soon as
 * they have about doubled since their last ANALYZE, instead of waiting for autovacuum.
 *
 * <p>Why: every connection keeps a generic plan of each prepared statement, made from the
 * statistics of the moment and kept until the table is analyzed again. A plan made while
 * {@code tasks} had a page or two reads the whole table for each lookup (a sequential scan
 * was cheapest then); on a fresh install or after a bulk delete, the table can grow to 100,000
 * rows before autovacuum's next look, and each sweep then read it 34 times (up to 1.1 s of
 * PostgreSQL per sweep, measured). An ANALYZE invalidates those plans on every connection.
 * Tables only double so often: about 20 analyses to reach a million rows, then autovacuum's
 * own threshold (10%) comes first.
 */
@ApplicationScoped
public class PlannerStatistics {
    public static final Set<String> GROWING_TABLES = Set.of("tasks", "task_history", "audit_log");

    @Inject
    Pool pool;

    @Inject
    QueueConfig config;

    /** Analyzes the grown ones of {@link #GROWING_TABLES}; resolves to their names. */
    public Uni<List<String>> analyzeGrown() {
        return analyzeGrown(GROWING_TABLES);
    }

    Uni<List<String>> analyzeGrown(Set<String> tables) {
        tables.forEach(PlannerStatistics::requireSimpleName);
        return pool.preparedQuery(SqlFiles.load("tables-grown-since-analyze"))
                .execute(Tuple.of(tables.toArray(String[]::new), config.statistics().minChangedRows()))
                .flatMap(rows -> {
                    List<String> grown = new ArrayList<>();
                    rows.forEach(row -> grown.add(row.getString("name")));
                    if (grown.isEmpty()) {
                        return Uni.createFrom().item(grown);
                    }
                    // SKIP_LOCKED: autovacuum, or another replica, is analyzing it already.
                    return pool.query("ANALYZE (SKIP_LOCKED) " + String.join(", ", grown)).execute().replaceWith(grown);
                });
    }

    /** The names go into the ANALYZE statement as they are. */
    private static void requireSimpleName(String table) {
        if (!table.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("not a plain table name: " + table);
        }
    }
}
