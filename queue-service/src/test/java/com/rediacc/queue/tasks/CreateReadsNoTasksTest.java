package com.rediacc.queue.tasks;

import com.rediacc.queue.TestSupport;
import com.rediacc.queue.tasks.store.TaskStore;
import com.rediacc.queue.tasks.store.TaskStore.NewTaskRow;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Creating tasks reads nothing of the tasks table, so what a create costs does not depend on how
 * many tasks there are, nor on plans PostgreSQL cached while there were few. A foreign key from
 * task_history to tasks looked every history row's task up, with a plan each connection keeps: one
 * made while the table was nearly empty scans it whole, and enqueue fell from about 6,000 to 500
 * tasks/s at 30,000 tasks.
 */
@QuarkusTest
class CreateReadsNoTasksTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int TASKS = 20;

    @Inject
    Pool pool;
    @Inject
    TaskStore tasks;

    @Test
    void aBatchOfCreatesWritesTasksWithTheirCreatedEntryWithoutReadingTasks() {
        String machine = TestSupport.registerMachine(1);
        List<NewTaskRow> rows = new ArrayList<>();
        for (int i = 0; i < TASKS; i++) {
            rows.add(TestTaskRows.row(machine, "echo " + i));
        }
        SqlConnection db = pool.getConnection().await().atMost(WAIT);
        try {
            db.query("BEGIN").execute().await().atMost(WAIT);
            Scans before = scansOfTasks(db);
            Map<UUID, Task> stored = tasks.create(db, rows).await().atMost(WAIT);
            assertThat(stored).hasSize(TASKS);
            Scans after = scansOfTasks(db);
            assertThat(after.sequential() - before.sequential()).as("sequential scans of tasks").isZero();
            assertThat(after.index() - before.index()).as("index scans of tasks").isZero();

            // The created entry is the task row itself (V10): nothing goes to task_history.
            Row history = db.preparedQuery("SELECT (SELECT count(*) FROM task_history WHERE task_id = ANY($1)) AS rows,"
                            + " count(*) FILTER (WHERE from_status IS NULL AND to_status = 'PENDING' AND actor = 'test') AS created"
                            + " FROM task_transitions WHERE task_id = ANY($1)")
                    .execute(Tuple.of(stored.keySet().toArray(UUID[]::new))).await().atMost(WAIT).iterator().next();
            assertThat(history.getLong("rows")).as("task_history rows").isZero();
            assertThat(history.getLong("created")).as("created entries").isEqualTo(TASKS);
        } finally {
            db.query("ROLLBACK").execute().chain(db::close).await().atMost(WAIT);
        }
    }

    private record Scans(long sequential, long index) {
    }

    /**
     * Sequential and index scans of tasks by this connection not yet in pg_stat_user_tables: this
     * transaction's, and perhaps earlier ones' of the same pooled connection (compare two readings).
     */
    private static Scans scansOfTasks(SqlConnection db) {
        Row row = db.query("SELECT seq_scan, coalesce(idx_scan, 0) AS idx_scan FROM pg_stat_xact_user_tables"
                + " WHERE relname = 'tasks'").execute().await().atMost(WAIT).iterator().next();
        return new Scans(row.getLong("seq_scan"), row.getLong("idx_scan"));
    }
}
