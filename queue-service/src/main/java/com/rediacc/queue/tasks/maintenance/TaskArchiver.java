package com.rediacc.queue.tasks.maintenance;

import com.rediacc.queue.QueueConfig;
import com.rediacc.queue.sql.Columns;
import com.rediacc.queue.sql.SqlFiles;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Retention (docs/adr/0014): drops the archive's months older than {@code rediacc.retention.delete-after},
 * creates the months the next moves need, then moves finished tasks older than
 * {@code rediacc.retention.archive-after} out of the hot tables, a batch per statement
 * (sql/archive-batch.sql) and at most {@code batches-per-run} batches per run. Replicas move
 * different tasks (SKIP LOCKED) and change partitions one at a time (an advisory lock).
 */
@Singleton
public class TaskArchiver implements MaintenanceService<TaskArchiver.Run> {
    private static final Logger LOG = Logger.getLogger(TaskArchiver.class);
    /**
     * Partitions are created and dropped under an exclusive lock of tasks_archive: rather than wait
     * behind a long read of the archive (and make the reads after it wait), give up and try next run.
     */
    private static final String PARTITION_LOCK_TIMEOUT = "SET LOCAL lock_timeout = '1s'";

    @Inject
    Pool pool;
    @Inject
    QueueConfig config;
    @Inject
    Clock clock;

    /** What a run did: months dropped and created (partition names), tasks moved and in how many batches. */
    public record Run(List<String> dropped, List<String> created, int moved, int batches) {
    }

    @Override
    public Uni<Run> runOnce() {
        Instant now = clock.instant();
        Instant archiveBefore = now.minus(config.retention().archiveAfter());
        return dropMonths(now.minus(config.retention().deleteAfter()))
                .flatMap(dropped -> createMonths(archiveBefore)
                        .flatMap(created -> Batches.whileFull(() -> moveBatch(archiveBefore, config.retention().batchSize()),
                                        config.retention().batchSize(), config.retention().batchesPerRun())
                                .map(moved -> new Run(dropped, created, moved.rows(), moved.batches()))))
                .invoke(run -> {
                    if (!run.dropped().isEmpty()) {
                        LOG.infof("retention: dropped the archive's months %s (ended more than %s ago)",
                                run.dropped(), config.retention().deleteAfter());
                    }
                    if (run.moved() > 0) {
                        LOG.infof("retention: archived %d finished task(s) in %d batch(es)", run.moved(), run.batches());
                    }
                });
    }

    /** Drops the archive's months that ended before {@code endedBefore}; resolves to their partitions' names. */
    public Uni<List<String>> dropMonths(Instant endedBefore) {
        return partitionChange("SELECT task_archive_drop_partitions($1)", endedBefore);
    }

    /** Creates the months from the oldest task to archive up to {@code archiveBefore}'s; resolves to the new partitions. */
    public Uni<List<String>> createMonths(Instant archiveBefore) {
        return partitionChange(SqlFiles.load("archive-partitions"), archiveBefore);
    }

    /** Moves up to {@code limit} tasks that ended before {@code endedBefore}; resolves to how many moved. */
    public Uni<Integer> moveBatch(Instant endedBefore, int limit) {
        return pool.preparedQuery(SqlFiles.load("archive-batch"))
                .execute(Tuple.of(Columns.timestamp(endedBefore), limit))
                .map(RowSet::rowCount);
    }

    private Uni<List<String>> partitionChange(String sql, Instant at) {
        return pool.withTransaction(tx -> tx.query(PARTITION_LOCK_TIMEOUT).execute()
                .chain(() -> tx.preparedQuery(sql).execute(Tuple.of(Columns.timestamp(at))))
                .map(TaskArchiver::names));
    }

    private static List<String> names(RowSet<Row> rows) {
        List<String> names = new ArrayList<>();
        rows.forEach(row -> names.add(row.getString(0)));
        return names;
    }
}
