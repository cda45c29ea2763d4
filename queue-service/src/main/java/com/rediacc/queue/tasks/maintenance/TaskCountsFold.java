package com.rediacc.queue.tasks.maintenance;

import com.rediacc.queue.sql.SqlFiles;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * Folds the task count and flow deltas that the triggers of V16 wrote into task_counts and task_flow
 * (sql/fold-task-counts.sql, docs/adr/0015), so that what the counts' readers add up stays about one
 * row per machine, priority and status that has tasks, and one per team and minute: a count the fold
 * brings to 0 is removed. Returns how many counts it changed.
 */
@Singleton
public class TaskCountsFold implements MaintenanceService<Integer> {
    @Inject
    Pool pool;

    @Override
    public Uni<Integer> runOnce() {
        return pool.query(SqlFiles.load("fold-task-counts")).execute()
                .map(rows -> rows.iterator().next())
                .call(this::dropZeroCounts)
                .map(folded -> folded.getLong("changed").intValue())
                // The deltas are a queue: rows dead once folded, which readers would scan until
                // autovacuum came (it looks once a minute). A replica whose vacuum would wait skips it.
                .call(() -> pool.query("VACUUM (SKIP_LOCKED) task_count_deltas, task_flow_deltas").execute());
    }

    /** The counts the fold brought to 0 are removed (sql/drop-zero-task-counts.sql). */
    private Uni<Void> dropZeroCounts(Row folded) {
        if (folded.getValue("zero_teams") == null) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery(SqlFiles.load("drop-zero-task-counts"))
                .execute(Tuple.of(folded.getArrayOfStrings("zero_teams"), folded.getArrayOfStrings("zero_machines"),
                        folded.getArrayOfShorts("zero_priorities"), folded.getArrayOfStrings("zero_statuses")))
                .replaceWithVoid();
    }
}
