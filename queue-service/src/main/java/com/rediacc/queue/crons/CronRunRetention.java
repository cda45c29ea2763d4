package com.rediacc.queue.crons;

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
 * Retention of the crons' runs (docs/adr/0020): deletes the runs whose slot is
 * {@code rediacc.retention.delete-after} old, when their tasks have left the archive too, oldest
 * first, a batch per statement (sql/cron-runs-retention.sql). Returns how many it deleted.
 */
@Singleton
public class CronRunRetention implements MaintenanceService<Integer> {
    private static final Logger LOG = Logger.getLogger(CronRunRetention.class);

    @Inject
    Pool pool;
    @Inject
    QueueConfig config;
    @Inject
    Clock clock;

    @Override
    public Uni<Integer> runOnce() {
        return deleteBefore(clock.instant().minus(config.retention().deleteAfter())).invoke(deleted -> {
            if (deleted > 0) {
                LOG.infof("retention: deleted %d cron run(s) of slots older than %s", deleted, config.retention().deleteAfter());
            }
        });
    }

    /** Deletes, in batches, the runs of slots before {@code before}; resolves to how many. */
    public Uni<Integer> deleteBefore(Instant before) {
        int size = config.retention().batchSize();
        return Batches.whileFull(() -> pool.preparedQuery(SqlFiles.load("cron-runs-retention"))
                                .execute(Tuple.of(Columns.timestamp(before), size)).map(RowSet::rowCount),
                        size, config.retention().batchesPerRun())
                .map(Batches.Done::rows);
    }
}
