package com.rediacc.queue.audit;

import com.rediacc.queue.QueueConfig;
import com.rediacc.queue.sql.Columns;
import com.rediacc.queue.sql.SqlFiles;
import com.rediacc.queue.tasks.maintenance.Batches;
import com.rediacc.queue.tasks.maintenance.MaintenanceService;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;

/**
 * Retention of the audit trail (docs/adr/0020): deletes the records older than
 * {@code rediacc.retention.audit-delete-after}, oldest first, a batch per statement
 * (sql/audit-retention.sql), each in a transaction that allows it (the log is otherwise append-only, V4 and V22).
 * Returns how many it deleted.
 */
@Singleton
public class AuditRetention implements MaintenanceService<Integer> {
    private static final Logger LOG = Logger.getLogger(AuditRetention.class);

    @Inject
    Pool pool;
    @Inject
    QueueConfig config;
    @Inject
    Clock clock;

    @Override
    public Uni<Integer> runOnce() {
        return deleteBefore(clock.instant().minus(config.retention().auditDeleteAfter())).invoke(deleted -> {
            if (deleted > 0) {
                LOG.infof("retention: deleted %d audit record(s) older than %s", deleted, config.retention().auditDeleteAfter());
            }
        });
    }

    /** Deletes, in batches, the records written before {@code before}; resolves to how many. */
    public Uni<Integer> deleteBefore(Instant before) {
        int size = config.retention().batchSize();
        return Batches.whileFull(() -> pool.withTransaction(tx -> tx.query("SET LOCAL rediacc.audit_retention = 'on'").execute()
                                .chain(() -> tx.preparedQuery(SqlFiles.load("audit-retention"))
                                        .execute(Tuple.of(Columns.timestamp(before), size)))
                                .map(RowSet::rowCount)),
                        size, config.retention().batchesPerRun())
                .map(Batches.Done::rows);
    }
}
